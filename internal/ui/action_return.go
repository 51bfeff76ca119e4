package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
)

// returnComplaint sends the complaint back as not this post's, to the
// re-route desk.
func (u *UI) returnComplaint(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	ref := r.PathValue("ref")
	if _, err := u.svc.Return(r.Context(), p, ref, f.Get("reason")); err != nil {
		u.refuseAction(w, r, p, "return", f, err, "reason")
		return
	}
	redirect(w, r, "/c/"+ref+"?done=return")
}
