package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
)

// adminDepartments lists departments with a form to add or rename one.
func (u *UI) adminDepartments(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_admin_departments")
	v.Form = newForm(r.URL.Query())
	u.showDepartments(w, r, p, v, http.StatusOK)
}

func (u *UI) showDepartments(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *view, status int) {
	ds, err := u.svc.Departments(r.Context(), p)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	if id := atoi64(v.Form.Get("edit")); id != 0 && v.Form.Get("code") == "" {
		for _, d := range ds {
			if d.ID == id {
				v.Form.V.Set("id", v.Form.Get("edit"))
				v.Form.V.Set("code", d.Code)
				v.Form.V.Set("name_en", d.NameEn)
				v.Form.V.Set("name_hi", d.NameHi)
			}
		}
	}
	v.D = ds
	u.render(w, status, "admin_departments", v)
}

// adminSaveDepartment adds or updates a department.
func (u *UI) adminSaveDepartment(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	d := model.Department{ID: atoi64(f.Get("id")), Code: f.Get("code"), NameEn: f.Get("name_en"), NameHi: f.Get("name_hi")}
	if err := codeTaken(u.svc.SaveDepartment(r.Context(), p, &d)); err != nil {
		v := u.newView(r, p, "ui_admin_departments")
		v.Form = f
		if pm := f.refuse(v.L, err, "code", "name_en", "name_hi"); pm != nil {
			v.Problem = pm
		}
		u.showDepartments(w, r, p, v, http.StatusUnprocessableEntity)
		return
	}
	redirect(w, r, "/admin/departments")
}
