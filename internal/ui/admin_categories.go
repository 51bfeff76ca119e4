package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
)

// categoriesData lists complaint types with their SLA ladders.
type categoriesData struct {
	Items []model.Category
	Dept  map[int64]string
	Total int
}

// adminCategories lists complaint types, searchable, each with its SLA
// ladder (days at L0..L4).
func (u *UI) adminCategories(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_admin_categories")
	v.Form = newForm(r.URL.Query())
	cats, err := u.svc.Categories(r.Context(), p, v.Form.Get("q"), atoi64(v.Form.Get("department_id")))
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	depts, err := u.deptNames(r.Context(), p, v.L)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	d := categoriesData{Items: cats, Dept: depts, Total: len(cats)}
	if len(d.Items) > 200 {
		d.Items = d.Items[:200]
	}
	v.D = d
	u.render(w, http.StatusOK, "admin_categories", v)
}

// categoryData is one complaint type's edit form.
type categoryData struct {
	ID     int64
	Desigs []model.Designation
}

// adminCategory shows one complaint type's edit form ("new" for a new one).
func (u *UI) adminCategory(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_admin_category")
	f := newForm(nil)
	id := atoi64(r.PathValue("id"))
	if id != 0 {
		c, err := u.svc.Category(r.Context(), p, id)
		if err != nil {
			u.fail(w, r, p, err)
			return
		}
		f.V.Set("code", c.Code)
		f.V.Set("name_en", c.NameEn)
		f.V.Set("name_hi", c.NameHi)
		f.V.Set("keywords", strings.Join(c.Keywords, "\n"))
		f.V.Set("designation_id", strconv.FormatInt(c.DesignationID, 10))
		for i, d := range c.SLADays {
			f.V.Set("sla"+strconv.Itoa(i), strconv.Itoa(d))
		}
		if c.SpecialClosureAllowed {
			f.V.Set("special", "1")
		}
	} else {
		for i, d := range model.DefaultSLA {
			f.V.Set("sla"+strconv.Itoa(i), strconv.Itoa(d))
		}
	}
	v.Form = f
	u.showCategory(w, r, p, v, id, http.StatusOK)
}

func (u *UI) showCategory(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *view, id int64, status int) {
	desigs, err := u.svc.Designations(r.Context(), p)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	v.D = categoryData{ID: id, Desigs: desigs}
	u.render(w, status, "admin_category", v)
}

// adminSaveCategory saves a complaint type: names, keywords (one a line),
// the handling designation, the SLA ladder and special closure.
func (u *UI) adminSaveCategory(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	id := atoi64(r.PathValue("id"))
	c := model.Category{ID: id, Code: f.Get("code"), NameEn: f.Get("name_en"), NameHi: f.Get("name_hi"),
		DesignationID: atoi64(f.Get("designation_id")), SpecialClosureAllowed: f.Get("special") != ""}
	for _, k := range strings.Split(f.Get("keywords"), "\n") {
		if k = strings.TrimSpace(k); k != "" {
			c.Keywords = append(c.Keywords, k)
		}
	}
	for i := range c.SLADays {
		c.SLADays[i], _ = strconv.Atoi(strings.TrimSpace(f.Get("sla" + strconv.Itoa(i))))
	}
	ctx := r.Context()
	for _, d := range u.mustDesignations(r, p) {
		if d.ID == c.DesignationID {
			c.DepartmentID = d.DepartmentID
		}
	}
	if err := codeTaken(u.svc.SaveCategory(ctx, p, &c)); err != nil {
		v := u.newView(r, p, "ui_admin_category")
		v.Form = f
		if pm := f.refuse(v.L, err, "code", "name_en", "name_hi", "keywords", "designation_id", "sla"); pm != nil {
			v.Problem = pm
		}
		u.showCategory(w, r, p, v, id, http.StatusUnprocessableEntity)
		return
	}
	redirect(w, r, "/admin/categories?q="+c.Code)
}

func (u *UI) mustDesignations(r *http.Request, p *auth.Principal) []model.Designation {
	ds, err := u.svc.Designations(r.Context(), p)
	if err != nil {
		return nil
	}
	return ds
}
