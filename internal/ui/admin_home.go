package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
)

// adminHome links the master-data pages.
func (u *UI) adminHome(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_admin_title")
	u.render(w, http.StatusOK, "admin", v)
}
