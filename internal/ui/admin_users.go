package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
)

// usersData is the read-only users page: the roles and what each may do,
// the demo's role accounts when present, and where officers' accounts are.
type usersData struct {
	Roles    []model.Role
	Accounts []model.User
}

// roleAccounts are the role users the demo creates; a real installation's
// are found the same way, by username.
var roleAccounts = []string{"admin", "agent1", "agent2", "agent3", "supervisor1", "monitor.state", "monitor.lucknow"}

// adminUsers lists roles and the known role accounts. There is no user
// administration service yet (creating agents, supervisors and monitors,
// resetting passwords): officers' accounts are made on the officers page.
func (u *UI) adminUsers(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	d := usersData{Roles: model.Roles}
	for _, name := range roleAccounts {
		if usr, _, err := u.svc.Store().UserByUsername(r.Context(), name); err == nil {
			d.Accounts = append(d.Accounts, usr)
		}
	}
	v := u.newView(r, p, "ui_admin_users")
	v.D = d
	u.render(w, http.StatusOK, "admin_users", v)
}
