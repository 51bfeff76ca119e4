package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
)

// rerouteDesk lists returned complaints; each opens on its complaint page,
// where the supervisor re-routes it (type and place pickers) or rejects the
// return.
func (u *UI) rerouteDesk(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	rows, _, err := u.svc.RerouteDesk(r.Context(), p, "", inboxLimit)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	v := u.newView(r, p, "ui_desk_title")
	v.D = rows
	u.render(w, http.StatusOK, "desk", v)
}
