package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
)

// markFalse closes a complaint as false, optionally blocking the number.
func (u *UI) markFalse(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	ref := r.PathValue("ref")
	if _, err := u.svc.MarkFalse(r.Context(), p, ref, f.Get("reason"), f.Get("block") != ""); err != nil {
		u.refuseAction(w, r, p, "false", f, err, "reason")
		return
	}
	redirect(w, r, "/c/"+ref+"?done=false")
}
