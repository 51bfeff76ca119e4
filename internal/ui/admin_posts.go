package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

// postsData is a filtered list of posts with their officers.
type postsData struct {
	Items []service.PostView
	Depts []model.Department
	Area  string
}

// adminPosts lists posts by department, place and designation.
func (u *UI) adminPosts(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ctx := r.Context()
	v := u.newView(r, p, "ui_admin_posts")
	q := r.URL.Query()
	v.Form = newForm(q)
	d := postsData{}
	var err error
	if d.Depts, err = u.svc.Departments(ctx, p); err != nil {
		u.fail(w, r, p, err)
		return
	}
	f := store.PostFilter{DepartmentID: atoi64(q.Get("department_id")), AreaID: atoi64(q.Get("area_id")),
		Designation: q.Get("designation"), Limit: 200}
	if f.DepartmentID != 0 || f.AreaID != 0 || f.Designation != "" {
		if d.Items, err = u.svc.Posts(ctx, p, f); err != nil {
			u.fail(w, r, p, err)
			return
		}
	}
	v.D = d
	u.render(w, http.StatusOK, "admin_posts", v)
}
