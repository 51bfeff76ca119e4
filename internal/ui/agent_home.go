package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
)

// agentHome is the console's start: a number to look up (telephony opens
// /agent/call?mobile=… directly) and the feedback queue's length.
func (u *UI) agentHome(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_agent_title")
	v.Form = newForm(r.URL.Query())
	u.render(w, http.StatusOK, "agent_home", v)
}
