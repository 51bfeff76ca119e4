package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
)

// comment adds findings or a note to the timeline.
func (u *UI) comment(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	ref := r.PathValue("ref")
	if _, err := u.svc.Comment(r.Context(), p, ref, f.Get("text")); err != nil {
		u.refuseAction(w, r, p, "comment", f, err, "text")
		return
	}
	redirect(w, r, "/c/"+ref+"?done=comment")
}
