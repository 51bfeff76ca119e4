package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

func (s *Server) masterRoutes() {
	s.handle("GET /api/v1/areas", s.authed(s.listAreas))
	s.handle("GET /api/v1/areas/{id}", s.authed(s.getArea))
	s.handle("POST /api/v1/areas", s.authed(s.createArea))
	s.handle("PATCH /api/v1/areas/{id}", s.authed(s.patchArea))
	s.handle("GET /api/v1/departments", s.authed(s.listDepartments))
	s.handle("POST /api/v1/departments", s.authed(s.createDepartment))
	s.handle("PATCH /api/v1/departments/{id}", s.authed(s.patchDepartment))
	s.handle("GET /api/v1/designations", s.authed(s.listDesignations))
	s.handle("POST /api/v1/designations", s.authed(s.createDesignation))
	s.handle("PATCH /api/v1/designations/{id}", s.authed(s.patchDesignation))
	s.handle("GET /api/v1/categories", s.authed(s.listCategories))
	s.handle("POST /api/v1/categories", s.authed(s.createCategory))
	s.handle("PATCH /api/v1/categories/{id}", s.authed(s.patchCategory))
	s.handle("GET /api/v1/posts", s.authed(s.listPosts))
	s.handle("GET /api/v1/posts/{id}", s.authed(s.getPost))
	s.handle("GET /api/v1/posts/{id}/chain", s.authed(s.getChain))
	s.handle("GET /api/v1/posts/{id}/postings", s.authed(s.getPostings))
	s.handle("POST /api/v1/posts", s.authed(s.createPost))
	s.handle("PATCH /api/v1/posts/{id}", s.authed(s.patchPost))
	s.handle("PUT /api/v1/posts/{id}/officer", s.authed(s.putOfficer))
	s.handle("GET /api/v1/officers", s.authed(s.listOfficers))
	s.handle("GET /api/v1/officers/{id}", s.authed(s.getOfficer))
	s.handle("POST /api/v1/officers", s.authed(s.createOfficer))
	s.handle("PATCH /api/v1/officers/{id}", s.authed(s.patchOfficer))
	s.handle("GET /api/v1/special-closure-reasons", s.authed(s.specialClosureReasons))
}

func (s *Server) listAreas(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	after, limit, ok := s.page(w, r)
	if !ok {
		return
	}
	f := store.AreaFilter{Kind: r.URL.Query().Get("kind"), Q: r.URL.Query().Get("q"), After: after, Limit: limit}
	// A list of one kind or of one area's children is what a picker shows
	// whole (75 districts, a district's tehsils): without an explicit limit it
	// comes in one page of up to 500.
	if r.URL.Query().Get("limit") == "" && (f.Kind != "" || r.URL.Query().Get("parent_id") != "") {
		f.Limit, limit = 500, 500
	}
	if parent, ok := s.queryID(w, r, "parent_id"); !ok {
		return
	} else if parent != 0 {
		f.ParentID = &parent
	}
	areas, err := s.svc.Areas(r.Context(), p, f)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	var last int64
	if len(areas) > 0 {
		last = areas[len(areas)-1].ID
	}
	writeJSON(w, http.StatusOK, list[model.Area]{Items: areas, NextCursor: nextCursor(len(areas), limit, last)})
}

func (s *Server) getArea(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	a, anc, err := s.svc.Area(r.Context(), p, id)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	if anc == nil {
		anc = []model.Area{}
	}
	writeJSON(w, http.StatusOK, struct {
		model.Area
		Ancestors []model.Area `json:"ancestors"`
	}{a, anc})
}

type areaIn struct {
	Kind     *string `json:"kind"`
	Code     *string `json:"code"`
	NameEn   *string `json:"name_en"`
	NameHi   *string `json:"name_hi"`
	ParentID *int64  `json:"parent_id"`
}

func (in areaIn) apply(a *model.Area) {
	set(&a.Kind, in.Kind)
	set(&a.Code, in.Code)
	set(&a.NameEn, in.NameEn)
	set(&a.NameHi, in.NameHi)
	if in.ParentID != nil {
		a.ParentID = in.ParentID
	}
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (s *Server) createArea(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in areaIn
	if s.decode(w, r, &in) != nil {
		return
	}
	var a model.Area
	in.apply(&a)
	if err := s.svc.SaveArea(r.Context(), p, &a); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeSaved(w, r, 0, a.ID, a)
}

func (s *Server) patchArea(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	var in areaIn
	if s.decode(w, r, &in) != nil {
		return
	}
	a, _, err := s.svc.Area(r.Context(), p, id)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	in.Kind, in.ParentID = nil, nil // the place in the tree does not move
	in.apply(&a)
	if err := s.svc.SaveArea(r.Context(), p, &a); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) listDepartments(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ds, err := s.svc.Departments(r.Context(), p)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[model.Department]{Items: ds})
}

type departmentIn struct {
	Code   *string `json:"code"`
	NameEn *string `json:"name_en"`
	NameHi *string `json:"name_hi"`
}

func (s *Server) createDepartment(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	s.saveDepartment(w, r, p, 0)
}

func (s *Server) patchDepartment(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if id, ok := s.pathID(w, r); ok {
		s.saveDepartment(w, r, p, id)
	}
}

func (s *Server) saveDepartment(w http.ResponseWriter, r *http.Request, p *auth.Principal, id int64) {
	var in departmentIn
	if s.decode(w, r, &in) != nil {
		return
	}
	d := model.Department{ID: id}
	if id != 0 {
		ds, err := s.svc.Departments(r.Context(), p)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		found := false
		for _, x := range ds {
			if x.ID == id {
				d, found = x, true
			}
		}
		if !found {
			s.writeProblem(w, r, store.ErrNotFound)
			return
		}
	}
	set(&d.Code, in.Code)
	set(&d.NameEn, in.NameEn)
	set(&d.NameHi, in.NameHi)
	if err := s.svc.SaveDepartment(r.Context(), p, &d); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeSaved(w, r, id, d.ID, d)
}

// writeSaved answers a save: a create (id 0) with 201 and the new
// resource's Location under the collection it was posted to, an update with
// 200.
func writeSaved(w http.ResponseWriter, r *http.Request, id, newID int64, v any) {
	if id != 0 {
		writeJSON(w, http.StatusOK, v)
		return
	}
	w.Header().Set("Location", strings.TrimSuffix(r.URL.Path, "/")+"/"+strconv.FormatInt(newID, 10))
	writeJSON(w, http.StatusCreated, v)
}

func (s *Server) listDesignations(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	dept, ok := s.queryID(w, r, "department_id")
	if !ok {
		return
	}
	ds, err := s.svc.Designations(r.Context(), p)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	out := []model.Designation{}
	for _, d := range ds {
		if dept == 0 || d.DepartmentID == dept {
			out = append(out, d)
		}
	}
	writeJSON(w, http.StatusOK, list[model.Designation]{Items: out})
}

type designationIn struct {
	DepartmentID *int64  `json:"department_id"`
	Code         *string `json:"code"`
	NameEn       *string `json:"name_en"`
	NameHi       *string `json:"name_hi"`
	AreaKind     *string `json:"area_kind"`
	Nodal        *bool   `json:"nodal"`
}

func (s *Server) createDesignation(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	s.saveDesignation(w, r, p, 0)
}

func (s *Server) patchDesignation(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if id, ok := s.pathID(w, r); ok {
		s.saveDesignation(w, r, p, id)
	}
}

func (s *Server) saveDesignation(w http.ResponseWriter, r *http.Request, p *auth.Principal, id int64) {
	var in designationIn
	if s.decode(w, r, &in) != nil {
		return
	}
	d := model.Designation{ID: id}
	if id != 0 {
		cur, err := s.svc.Store().Designation(r.Context(), id)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		d = cur
	}
	set(&d.DepartmentID, in.DepartmentID)
	set(&d.Code, in.Code)
	set(&d.NameEn, in.NameEn)
	set(&d.NameHi, in.NameHi)
	set(&d.AreaKind, in.AreaKind)
	set(&d.Nodal, in.Nodal)
	if err := s.svc.SaveDesignation(r.Context(), p, &d); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeSaved(w, r, id, d.ID, d)
}

type categoryJSON struct {
	ID                    int64    `json:"id"`
	Code                  string   `json:"code"`
	DepartmentID          int64    `json:"department_id"`
	NameEn                string   `json:"name_en"`
	NameHi                string   `json:"name_hi"`
	Designation           string   `json:"designation"`
	DesignationID         int64    `json:"designation_id"`
	SLADays               []int    `json:"sla_days"`
	SpecialClosureAllowed bool     `json:"special_closure_allowed"`
	Keywords              []string `json:"keywords"`
}

func categoryOut(c model.Category) categoryJSON {
	kw := c.Keywords
	if kw == nil {
		kw = []string{}
	}
	return categoryJSON{ID: c.ID, Code: c.Code, DepartmentID: c.DepartmentID, NameEn: c.NameEn, NameHi: c.NameHi,
		Designation: c.Designation, DesignationID: c.DesignationID, SLADays: c.SLADays[:], SpecialClosureAllowed: c.SpecialClosureAllowed, Keywords: kw}
}

func (s *Server) listCategories(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	dept, ok := s.queryID(w, r, "department_id")
	if !ok {
		return
	}
	after, limit, ok := s.page(w, r)
	if !ok {
		return
	}
	if r.URL.Query().Get("limit") == "" {
		limit = 500 // a full type list fits one page
	}
	cats, err := s.svc.Categories(r.Context(), p, r.URL.Query().Get("q"), dept)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	// The cursor is the position in the ranked result.
	start := int(min(after, int64(len(cats))))
	end := min(start+limit, len(cats))
	out := make([]categoryJSON, 0, end-start)
	for _, c := range cats[start:end] {
		out = append(out, categoryOut(c))
	}
	writeJSON(w, http.StatusOK, list[categoryJSON]{Items: out, NextCursor: nextCursor(end-start, limit, int64(end))})
}

type categoryIn struct {
	Code                  *string   `json:"code"`
	DepartmentID          *int64    `json:"department_id"`
	NameEn                *string   `json:"name_en"`
	NameHi                *string   `json:"name_hi"`
	Designation           *string   `json:"designation"`
	DesignationID         *int64    `json:"designation_id"`
	SLADays               *[5]int   `json:"sla_days"`
	SpecialClosureAllowed *bool     `json:"special_closure_allowed"`
	Keywords              *[]string `json:"keywords"`
}

func (s *Server) createCategory(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	s.saveCategory(w, r, p, 0)
}

func (s *Server) patchCategory(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if id, ok := s.pathID(w, r); ok {
		s.saveCategory(w, r, p, id)
	}
}

func (s *Server) saveCategory(w http.ResponseWriter, r *http.Request, p *auth.Principal, id int64) {
	var in categoryIn
	if s.decode(w, r, &in) != nil {
		return
	}
	c := model.Category{ID: id, SLADays: model.DefaultSLA}
	if id != 0 {
		cur, err := s.svc.Category(r.Context(), p, id)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		c = cur
	}
	set(&c.Code, in.Code)
	set(&c.DepartmentID, in.DepartmentID)
	set(&c.NameEn, in.NameEn)
	set(&c.NameHi, in.NameHi)
	set(&c.DesignationID, in.DesignationID)
	set(&c.SLADays, in.SLADays)
	set(&c.SpecialClosureAllowed, in.SpecialClosureAllowed)
	set(&c.Keywords, in.Keywords)
	if in.Designation != nil {
		d, err := s.svc.DesignationByCode(r.Context(), *in.Designation)
		if err != nil {
			s.invalid(w, r, "designation", "not_found", nil)
			return
		}
		c.DesignationID = d.ID
	}
	if err := s.svc.SaveCategory(r.Context(), p, &c); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeSaved(w, r, id, c.ID, categoryOut(c))
}

type officerRef struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Mobile   string `json:"mobile"`
	Username string `json:"username"`
}

type postJSON struct {
	ID               int64       `json:"id"`
	DepartmentID     int64       `json:"department_id"`
	AreaID           int64       `json:"area_id"`
	Designation      string      `json:"designation"`
	DesignationID    int64       `json:"designation_id"`
	TitleEn          string      `json:"title_en"`
	TitleHi          string      `json:"title_hi"`
	SupervisorPostID *int64      `json:"supervisor_post_id"`
	Nodal            bool        `json:"nodal"`
	Officer          *officerRef `json:"officer"`
}

func postOut(v service.PostView) postJSON {
	out := postJSON{ID: v.ID, DepartmentID: v.DepartmentID, AreaID: v.AreaID, Designation: v.Post.Designation,
		DesignationID: v.DesignationID, TitleEn: v.TitleEn, TitleHi: v.TitleHi, SupervisorPostID: v.SupervisorPostID, Nodal: v.Nodal}
	if v.Officer != nil {
		out.Officer = &officerRef{ID: v.Officer.ID, Name: v.Officer.Name, Mobile: v.Officer.Mobile, Username: v.Officer.Username}
	}
	return out
}
