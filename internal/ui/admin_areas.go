package ui

import (
	"net/http"
	"strconv"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
)

// areasData is one node of the area tree with its children.
type areasData struct {
	Area     *model.Area
	Path     []model.Area
	Children []model.Area
	Kinds    []string
}

// adminAreas browses the area tree: the state at the top, each area's
// children below it, and forms to rename it or add a child.
func (u *UI) adminAreas(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_admin_areas")
	v.Form = newForm(nil)
	u.showAreas(w, r, p, v, atoi64(r.URL.Query().Get("id")), http.StatusOK)
}

func (u *UI) showAreas(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *view, id int64, status int) {
	ctx := r.Context()
	d := areasData{Kinds: model.AreaKinds}
	if id == 0 {
		roots, err := u.svc.Areas(ctx, p, store.AreaFilter{Kind: model.AreaState, Limit: 10})
		if err != nil {
			u.fail(w, r, p, err)
			return
		}
		if len(roots) > 0 {
			id = roots[0].ID
		}
	}
	if id != 0 {
		a, anc, err := u.svc.Area(ctx, p, id)
		if err != nil {
			u.fail(w, r, p, err)
			return
		}
		d.Area, d.Path = &a, anc
		d.Children, err = u.svc.Areas(ctx, p, store.AreaFilter{ParentID: &id, Limit: 1000})
		if err != nil {
			u.fail(w, r, p, err)
			return
		}
	}
	v.D = d
	u.render(w, status, "admin_areas", v)
}

// adminSaveArea adds a child area (no id) or renames one (id).
func (u *UI) adminSaveArea(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	a := model.Area{ID: atoi64(f.Get("id")), Kind: f.Get("kind"), Code: f.Get("code"), NameEn: f.Get("name_en"), NameHi: f.Get("name_hi")}
	back := atoi64(f.Get("parent_id"))
	if a.ID != 0 {
		back = a.ID
	} else if back != 0 {
		a.ParentID = &back
	}
	if err := codeTaken(u.svc.SaveArea(r.Context(), p, &a)); err != nil {
		v := u.newView(r, p, "ui_admin_areas")
		v.Form = f
		if pm := f.refuse(v.L, err, "kind", "code", "name_en", "name_hi", "parent_id"); pm != nil {
			v.Problem = pm
		}
		u.showAreas(w, r, p, v, back, http.StatusUnprocessableEntity)
		return
	}
	redirect(w, r, "/admin/areas?id="+strconv.FormatInt(back, 10))
}
