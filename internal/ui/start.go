package ui

import (
	"context"
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/store"
)

// demoLogin is a demo user named on the start page.
type demoLogin struct {
	Username, RoleKey, Post string
}

// startData is the start page: the surfaces and, when the demo is loaded,
// its sign-ins.
type startData struct {
	Demo     bool
	Password string
	Logins   []demoLogin
}

// demoOfficerDesignations are the posts whose officers the start page names:
// one field post and its supervisor, and two other departments.
var demoOfficerDesignations = []string{"revenue_tehsildar", "revenue_adm_fr", "panchayat_ado", "police_sho"}

// start says what nivaran is and links each surface.
func (u *UI) start(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_start_title")
	v.D = u.demoInfo(r.Context(), v.L)
	u.render(w, http.StatusOK, "start", v)
}

// demoInfo detects the demo by its users (agent1 marked demo) and lists
// the sign-ins a newcomer needs.
func (u *UI) demoInfo(ctx context.Context, l string) startData {
	st := u.svc.Store()
	a, _, err := st.UserByUsername(ctx, "agent1")
	if err != nil || !a.Demo {
		return startData{}
	}
	d := startData{Demo: true, Password: u.opt.DemoPassword, Logins: []demoLogin{
		{"agent1", "ui_role_agent", ""}, {"supervisor1", "ui_role_supervisor", ""}, {"admin", "ui_role_admin", ""},
		{"monitor.state", "ui_role_monitor", ""}, {"monitor.lucknow", "ui_role_monitor", ""},
	}}
	if lk, _, err := st.UserByUsername(ctx, "monitor.lucknow"); err == nil && lk.AreaID != nil {
		if area, err := st.Area(ctx, *lk.AreaID); err == nil {
			d.Logins[4].Post = pick(l, area.NameEn, area.NameHi)
		}
	}
	if s, _, err := st.UserByUsername(ctx, "monitor.state"); err == nil && s.AreaID != nil {
		if area, err := st.Area(ctx, *s.AreaID); err == nil {
			d.Logins[3].Post = pick(l, area.NameEn, area.NameHi)
		}
	}
	for _, code := range demoOfficerDesignations {
		posts, err := st.Posts(ctx, store.PostFilter{Designation: code, Limit: 1})
		if err != nil || len(posts) == 0 {
			continue
		}
		o, err := st.Holder(ctx, posts[0].ID)
		if err != nil {
			continue
		}
		d.Logins = append(d.Logins, demoLogin{o.Username, "ui_role_officer", pick(l, posts[0].TitleEn, posts[0].TitleHi)})
	}
	return d
}
