package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
)

// designationsData lists designations with their departments' names.
type designationsData struct {
	Items []model.Designation
	Depts []model.Department
	Dept  map[int64]model.Department
	Kinds []string
}

// adminDesignations lists the kinds of post, with a form to add one.
func (u *UI) adminDesignations(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_admin_designations")
	v.Form = newForm(nil)
	u.showDesignations(w, r, p, v, http.StatusOK)
}

func (u *UI) showDesignations(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *view, status int) {
	items, err := u.svc.Designations(r.Context(), p)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	depts, err := u.svc.Departments(r.Context(), p)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	d := designationsData{Items: items, Depts: depts, Dept: map[int64]model.Department{}, Kinds: model.AreaKinds}
	for _, x := range depts {
		d.Dept[x.ID] = x
	}
	v.D = d
	u.render(w, status, "admin_designations", v)
}

// adminSaveDesignation adds a designation.
func (u *UI) adminSaveDesignation(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	d := model.Designation{DepartmentID: atoi64(f.Get("department_id")), Code: f.Get("code"), NameEn: f.Get("name_en"),
		NameHi: f.Get("name_hi"), AreaKind: f.Get("area_kind"), Nodal: f.Get("nodal") != ""}
	if err := codeTaken(u.svc.SaveDesignation(r.Context(), p, &d)); err != nil {
		v := u.newView(r, p, "ui_admin_designations")
		v.Form = f
		if pm := f.refuse(v.L, err, "department_id", "code", "name_en", "name_hi", "area_kind"); pm != nil {
			v.Problem = pm
		}
		u.showDesignations(w, r, p, v, http.StatusUnprocessableEntity)
		return
	}
	redirect(w, r, "/admin/designations")
}
