package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/store"
)

// blockedData is the blocked-number list and which form was refused.
type blockedData struct {
	Blocks []store.Block
	Active string
}

// blocked lists the numbers blocked now, with forms to block and unblock.
func (u *UI) blocked(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_blocked_title")
	v.Flash = doneFlash(v.L, "ui_done_", r.URL.Query().Get("done"))
	u.showBlocked(w, r, p, v, "", newForm(nil), http.StatusOK)
}

func (u *UI) showBlocked(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *view, active string, f *form, status int) {
	blocks, _, err := u.svc.BlockedNumbers(r.Context(), p, 0, 500)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	v.Form = f
	v.D = blockedData{Blocks: blocks, Active: active}
	u.render(w, status, "blocked", v)
}

// block blocks a number with a reason.
func (u *UI) block(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	u.blockAction(w, r, p, "block", func(f *form) error {
		return u.svc.Block(r.Context(), p, f.Get("mobile"), f.Get("reason"), nil)
	})
}

// unblock lifts a block; the reason stays in its history.
func (u *UI) unblock(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	u.blockAction(w, r, p, "unblock", func(f *form) error {
		return u.svc.Unblock(r.Context(), p, f.Get("mobile"), f.Get("reason"))
	})
}

func (u *UI) blockAction(w http.ResponseWriter, r *http.Request, p *auth.Principal, action string, do func(*form) error) {
	f := postedForm(r)
	if err := do(f); err != nil {
		v := u.newView(r, p, "ui_blocked_title")
		if pm := f.refuse(v.L, err, "mobile", "reason"); pm != nil {
			v.Problem = pm
		}
		u.showBlocked(w, r, p, v, action, f, http.StatusUnprocessableEntity)
		return
	}
	redirect(w, r, "/desk/blocked?done="+action)
}
