package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
)

// specialClosure asks the supervisor post to close the complaint on a
// prohibited subject.
func (u *UI) specialClosure(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	ref := r.PathValue("ref")
	if _, err := u.svc.RequestSpecialClosure(r.Context(), p, ref, f.Get("reason_code"), f.Get("text")); err != nil {
		u.refuseAction(w, r, p, "special", f, err, "reason_code", "text")
		return
	}
	redirect(w, r, "/c/"+ref+"?done=special")
}
