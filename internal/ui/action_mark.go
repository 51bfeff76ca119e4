package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
)

// mark sends the complaint to a subordinate post for inquiry.
func (u *UI) mark(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	ref := r.PathValue("ref")
	if _, err := u.svc.Mark(r.Context(), p, ref, atoi64(f.Get("post_id")), f.Get("note")); err != nil {
		u.refuseAction(w, r, p, "mark", f, err, "post_id", "note")
		return
	}
	redirect(w, r, "/c/"+ref+"?done=mark")
}
