package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
)

// decide approves or rejects a pending special closure (supervisor post).
func (u *UI) decide(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	ref := r.PathValue("ref")
	approve := f.Get("approve") == "1"
	if _, err := u.svc.DecideSpecialClosure(r.Context(), p, ref, approve, f.Get("note")); err != nil {
		u.refuseAction(w, r, p, "decide", f, err, "note")
		return
	}
	done := "rejected"
	if approve {
		done = "approved"
	}
	redirect(w, r, "/c/"+ref+"?done="+done)
}
