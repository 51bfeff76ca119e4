package api

import (
	"net/http"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

func (s *Server) listPosts(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	after, limit, ok := s.page(w, r)
	if !ok {
		return
	}
	dept, ok := s.queryID(w, r, "department_id")
	if !ok {
		return
	}
	area, ok := s.queryID(w, r, "area_id")
	if !ok {
		return
	}
	posts, err := s.svc.Posts(r.Context(), p, store.PostFilter{DepartmentID: dept, AreaID: area,
		Designation: r.URL.Query().Get("designation"), After: after, Limit: limit})
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	out := make([]postJSON, len(posts))
	var last int64
	for i, v := range posts {
		out[i] = postOut(v)
		last = v.ID
	}
	writeJSON(w, http.StatusOK, list[postJSON]{Items: out, NextCursor: nextCursor(len(out), limit, last)})
}

func (s *Server) getPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	v, err := s.svc.Post(r.Context(), p, id)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, postOut(v))
}

func (s *Server) getChain(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	chain, err := s.svc.Chain(r.Context(), p, id)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	out := make([]postJSON, len(chain))
	for i, v := range chain {
		out[i] = postOut(v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"levels": out})
}

type postingJSON struct {
	ID        int64      `json:"id"`
	OfficerID int64      `json:"officer_id"`
	PostID    int64      `json:"post_id"`
	From      time.Time  `json:"from"`
	To        *time.Time `json:"to"`
}

func postingsOut(ps []model.Posting) []postingJSON {
	out := make([]postingJSON, len(ps))
	for i, x := range ps {
		out[i] = postingJSON{ID: x.ID, OfficerID: x.OfficerID, PostID: x.PostID, From: ist(x.From), To: istPtr(x.To)}
	}
	return out
}

func (s *Server) getPostings(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	after, limit, ok := s.page(w, r)
	if !ok {
		return
	}
	ps, err := s.svc.Postings(r.Context(), p, id)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	// Newest first; the cursor is the position.
	page, next := window(ps, after, limit)
	writeJSON(w, http.StatusOK, list[postingJSON]{Items: postingsOut(page), NextCursor: next})
}

type postIn struct {
	DesignationID    *int64          `json:"designation_id"`
	Designation      *string         `json:"designation"`
	DepartmentID     *int64          `json:"department_id"`
	AreaID           *int64          `json:"area_id"`
	TitleEn          *string         `json:"title_en"`
	TitleHi          *string         `json:"title_hi"`
	SupervisorPostID nullable[int64] `json:"supervisor_post_id"`
	Nodal            *bool           `json:"nodal"`
}

func (s *Server) createPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	s.savePost(w, r, p, 0)
}

func (s *Server) patchPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if id, ok := s.pathID(w, r); ok {
		s.savePost(w, r, p, id)
	}
}

func (s *Server) savePost(w http.ResponseWriter, r *http.Request, p *auth.Principal, id int64) {
	var in postIn
	if s.decode(w, r, &in) != nil {
		return
	}
	var post model.Post
	if id != 0 {
		v, err := s.svc.Post(r.Context(), p, id)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		post = v.Post
	}
	set(&post.DesignationID, in.DesignationID)
	set(&post.AreaID, in.AreaID)
	set(&post.TitleEn, in.TitleEn)
	set(&post.TitleHi, in.TitleHi)
	set(&post.Nodal, in.Nodal)
	if in.SupervisorPostID.Set { // null: the top of a chain
		post.SupervisorPostID = in.SupervisorPostID.V
	}
	if in.Designation != nil {
		d, err := s.svc.DesignationByCode(r.Context(), *in.Designation)
		if err != nil {
			s.invalid(w, r, "designation", "not_found", nil)
			return
		}
		post.DesignationID = d.ID
	}
	if in.DepartmentID != nil {
		// The department is the designation's; a body that names another
		// is refused rather than silently overruled.
		d, err := s.svc.Store().Designation(r.Context(), post.DesignationID)
		if err == nil && d.DepartmentID != *in.DepartmentID {
			s.invalid(w, r, "department_id", "designation_mismatch", map[string]any{"Designation": d.Code})
			return
		}
	}
	if err := s.svc.SavePost(r.Context(), p, &post); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	v, err := s.svc.Post(r.Context(), p, post.ID)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeSaved(w, r, id, post.ID, postOut(v))
}

func (s *Server) putOfficer(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	var in struct {
		OfficerID nullable[int64] `json:"officer_id"`
	}
	if s.decode(w, r, &in) != nil {
		return
	}
	if !in.OfficerID.Set { // only an explicit null vacates
		s.invalid(w, r, "officer_id", "required", nil)
		return
	}
	var officer int64
	if in.OfficerID.V != nil {
		officer = *in.OfficerID.V
	}
	if err := s.svc.AssignOfficer(r.Context(), p, id, officer); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	v, err := s.svc.Post(r.Context(), p, id)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, postOut(v))
}

type officerJSON struct {
	ID       int64         `json:"id"`
	Name     string        `json:"name"`
	Mobile   string        `json:"mobile"`
	Username string        `json:"username"`
	UserID   int64         `json:"user_id"`
	Postings []postingJSON `json:"postings"`
}

func (s *Server) listOfficers(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	after, limit, ok := s.page(w, r)
	if !ok {
		return
	}
	os, err := s.svc.FindOfficers(r.Context(), p, r.URL.Query().Get("q"), after, limit)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	out := make([]officerJSON, len(os))
	var last int64
	for i, o := range os {
		out[i] = officerJSON{ID: o.ID, Name: o.Name, Mobile: o.Mobile, Username: o.Username, UserID: o.UserID, Postings: []postingJSON{}}
		last = o.ID
	}
	writeJSON(w, http.StatusOK, list[officerJSON]{Items: out, NextCursor: nextCursor(len(out), limit, last)})
}

func (s *Server) getOfficer(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	o, ps, err := s.svc.Officer(r.Context(), p, id)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, officerJSON{ID: o.ID, Name: o.Name, Mobile: o.Mobile, Username: o.Username, UserID: o.UserID, Postings: postingsOut(ps)})
}

func (s *Server) createOfficer(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Name     string `json:"name"`
		Mobile   string `json:"mobile"`
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if s.decode(w, r, &in) != nil {
		return
	}
	o, err := s.svc.CreateOfficer(r.Context(), p, service.NewOfficer{Name: in.Name, Mobile: in.Mobile, Username: in.Username, Password: in.Password})
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeSaved(w, r, 0, o.ID, officerJSON{ID: o.ID, Name: o.Name, Mobile: o.Mobile, Username: o.Username, UserID: o.UserID, Postings: []postingJSON{}})
}

func (s *Server) specialClosureReasons(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	type reason struct {
		Code   string `json:"code"`
		NameEn string `json:"name_en"`
		NameHi string `json:"name_hi"`
	}
	after, limit, ok := s.page(w, r)
	if !ok {
		return
	}
	out := make([]reason, len(model.SpecialClosureReasons))
	for i, c := range model.SpecialClosureReasons {
		out[i] = reason{Code: c, NameEn: localeT("en", "reason_"+c), NameHi: localeT("hi", "reason_"+c)}
	}
	items, next := window(out, after, limit)
	writeJSON(w, http.StatusOK, list[reason]{Items: items, NextCursor: next})
}

// ist presents an instant in India time, as users read it.
func ist(t time.Time) time.Time { return t.In(istZone) }

func istPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	x := ist(*t)
	return &x
}

func (s *Server) patchOfficer(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	var in struct {
		Name   *string `json:"name"`
		Mobile *string `json:"mobile"`
	}
	if s.decode(w, r, &in) != nil {
		return
	}
	if _, err := s.svc.UpdateOfficer(r.Context(), p, id, in.Name, in.Mobile); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	o, ps, err := s.svc.Officer(r.Context(), p, id)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, officerJSON{ID: o.ID, Name: o.Name, Mobile: o.Mobile, Username: o.Username, UserID: o.UserID, Postings: postingsOut(ps)})
}
