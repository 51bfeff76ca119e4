package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
)

// remind records a caller chasing an open complaint. From the agent
// console's duplicate warning the note is what the agent had typed as the
// description, and the answer goes back to the console.
func (u *UI) remind(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	ref := r.PathValue("ref")
	note := f.Get("note")
	if note == "" {
		note = f.Get("description")
	}
	if _, err := u.svc.Remind(r.Context(), p, ref, note); err != nil {
		u.refuseAction(w, r, p, "remind", f, err, "note")
		return
	}
	redirect(w, r, localPath(f.Get("next"), "/c/"+ref+"?done=remind"))
}
