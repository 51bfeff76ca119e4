package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

func (s *Server) masterRoutes() {
	create := func(h func(http.ResponseWriter, *http.Request, *auth.Principal)) http.HandlerFunc {
		return s.admin(s.idem.wrap(h))
	}
	s.handle("GET /api/v1/areas", s.authed(s.listAreas))
	s.handle("GET /api/v1/areas/{id}", s.authed(s.getArea))
	s.handle("POST /api/v1/areas", create(s.createArea))
	s.handle("PATCH /api/v1/areas/{id}", s.admin(s.patchArea))
	s.handle("GET /api/v1/departments", s.authed(s.listDepartments))
	s.handle("POST /api/v1/departments", create(s.createDepartment))
	s.handle("PATCH /api/v1/departments/{id}", s.admin(s.patchDepartment))
	s.handle("GET /api/v1/designations", s.authed(s.listDesignations))
	s.handle("POST /api/v1/designations", create(s.createDesignation))
	s.handle("PATCH /api/v1/designations/{id}", s.admin(s.patchDesignation))
	s.handle("GET /api/v1/categories", s.authed(s.listCategories))
	s.handle("POST /api/v1/categories", create(s.createCategory))
	s.handle("PATCH /api/v1/categories/{id}", s.admin(s.patchCategory))
	s.handle("GET /api/v1/posts", s.authed(s.listPosts))
	s.handle("GET /api/v1/posts/{id}", s.authed(s.getPost))
	s.handle("GET /api/v1/posts/{id}/chain", s.authed(s.getChain))
	s.handle("GET /api/v1/posts/{id}/postings", s.authed(s.getPostings))
	s.handle("POST /api/v1/posts", create(s.createPost))
	s.handle("PATCH /api/v1/posts/{id}", s.admin(s.patchPost))
	s.handle("PUT /api/v1/posts/{id}/officer", s.admin(s.putOfficer))
	s.handle("GET /api/v1/officers", s.authed(s.listOfficers))
	s.handle("GET /api/v1/officers/{id}", s.authed(s.getOfficer))
	s.handle("POST /api/v1/officers", create(s.createOfficer))
	s.handle("PATCH /api/v1/officers/{id}", s.admin(s.patchOfficer))
	s.handle("GET /api/v1/special-closure-reasons", s.authed(s.specialClosureReasons))
}

// admin wraps a master-data write so that a caller who may not make it is
// refused before the body is read or anything it names is looked up: the
// answer then tells nothing about what exists.
func (s *Server) admin(h func(http.ResponseWriter, *http.Request, *auth.Principal)) http.HandlerFunc {
	return s.authed(func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		if err := s.svc.CheckMasterEditor(p); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		h(w, r, p)
	})
}

// window cuts one page out of a list held whole in memory: the items after
// position after, at most limit of them, and the cursor of the next page
// (the position of its last item).
func window[T any](items []T, after int64, limit int) ([]T, *string) {
	start := int(min(after, int64(len(items))))
	end := min(start+limit, len(items))
	return items[start:end], nextCursor(end-start, limit, int64(end))
}

func (s *Server) listAreas(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	after, limit, ok := s.page(w, r)
	if !ok {
		return
	}
	f := store.AreaFilter{Kind: r.URL.Query().Get("kind"), Q: r.URL.Query().Get("q"), After: after, Limit: limit}
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
	Kind     nullable[string] `json:"kind"`
	Code     *string          `json:"code"`
	NameEn   *string          `json:"name_en"`
	NameHi   *string          `json:"name_hi"`
	ParentID nullable[int64]  `json:"parent_id"`
}

func (in areaIn) apply(a *model.Area) {
	set(&a.Kind, in.Kind.V)
	set(&a.Code, in.Code)
	set(&a.NameEn, in.NameEn)
	set(&a.NameHi, in.NameHi)
	if in.ParentID.Set {
		a.ParentID = in.ParentID.V
	}
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// nullable is a body field that tells absent (Set false) from null (Set, V
// nil), for the fields where null means "clear".
type nullable[T any] struct {
	Set bool
	V   *T
}

func (n *nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set, n.V = true, nil
	if string(b) == "null" {
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	n.V = &v
	return nil
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
	// An area's kind and place in the tree do not change: the areas below
	// it, the posts over it and its complaints' scopes all hang on them.
	var fixed []service.FieldError
	if in.Kind.Set {
		fixed = append(fixed, service.FieldError{Field: "kind", Code: "immutable", Key: "field_immutable"})
	}
	if in.ParentID.Set {
		fixed = append(fixed, service.FieldError{Field: "parent_id", Code: "immutable", Key: "field_immutable"})
	}
	if fixed != nil {
		s.writeProblem(w, r, &service.ValidationError{Fields: fixed})
		return
	}
	a, _, err := s.svc.Area(r.Context(), p, id)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	in.apply(&a)
	if err := s.svc.SaveArea(r.Context(), p, &a); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) listDepartments(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	after, limit, ok := s.page(w, r)
	if !ok {
		return
	}
	ds, err := s.svc.Departments(r.Context(), p)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	items, next := window(ds, after, limit)
	writeJSON(w, http.StatusOK, list[model.Department]{Items: items, NextCursor: next})
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
	after, limit, ok := s.page(w, r)
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
	items, next := window(out, after, limit)
	writeJSON(w, http.StatusOK, list[model.Designation]{Items: items, NextCursor: next})
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
	cats, err := s.svc.Categories(r.Context(), p, r.URL.Query().Get("q"), dept)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	// The cursor is the position in the ranked result.
	page, next := window(cats, after, limit)
	out := make([]categoryJSON, 0, len(page))
	for _, c := range page {
		out = append(out, categoryOut(c))
	}
	writeJSON(w, http.StatusOK, list[categoryJSON]{Items: out, NextCursor: next})
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
