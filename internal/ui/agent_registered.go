package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
)

// agentRegistered shows the new reference large and grouped in fours for
// reading aloud, with the due date and the post it went to.
func (u *UI) agentRegistered(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	d, err := u.svc.Complaint(r.Context(), p, r.PathValue("ref"))
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	v := u.newView(r, p, "ui_registered_title")
	v.D = d
	u.render(w, http.StatusOK, "agent_registered", v)
}
