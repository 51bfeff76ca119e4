package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/searchkey"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// staff are the roles that read all master data, officers' contacts included.
var staff = []model.Role{model.RoleAgent, model.RoleSupervisor, model.RoleOfficer, model.RoleMonitor, model.RoleAdmin}

// everyone are the signed-in roles.
var everyone = append(slices.Clone(staff), model.RoleCitizen)

// Areas lists areas.
func (s *Service) Areas(ctx context.Context, p *auth.Principal, f store.AreaFilter) ([]model.Area, error) {
	if err := require(p, everyone...); err != nil {
		return nil, err
	}
	f.Q = strings.TrimSpace(norm.NFC.String(f.Q))
	return s.st.Areas(ctx, f)
}

// Area returns an area and its ancestors, root first.
func (s *Service) Area(ctx context.Context, p *auth.Principal, id int64) (model.Area, []model.Area, error) {
	if err := require(p, everyone...); err != nil {
		return model.Area{}, nil, err
	}
	a, err := s.st.Area(ctx, id)
	if err != nil {
		return a, nil, err
	}
	anc, err := s.st.Ancestors(ctx, id)
	return a, anc, err
}

// CheckMasterEditor refuses a principal who may not change master data
// (areas, departments, designations, categories, posts, officers): asked
// first, it keeps a refused caller from learning what exists.
func (s *Service) CheckMasterEditor(p *auth.Principal) error {
	return require(p, model.RoleAdmin)
}

// SaveArea creates (ID 0) or updates an area (admin).
func (s *Service) SaveArea(ctx context.Context, p *auth.Principal, a *model.Area) error {
	if err := require(p, model.RoleAdmin); err != nil {
		return err
	}
	var c checker
	a.Code = c.text("code", a.Code, true, 32)
	a.NameEn = c.text("name_en", a.NameEn, true, 200)
	a.NameHi = c.text("name_hi", a.NameHi, true, 200)
	if a.ID == 0 && !slices.Contains(model.AreaKinds, a.Kind) {
		c.add("kind", "invalid_value", nil)
	}
	if a.ID == 0 && a.Kind != model.AreaState && a.ParentID == nil {
		c.add("parent_id", "required", nil)
	}
	if err := c.err(); err != nil {
		return err
	}
	err := s.st.Tx(ctx, func(tx *store.Tx) error {
		if a.ID != 0 {
			return tx.UpdateArea(ctx, *a)
		}
		if a.ParentID != nil {
			if _, err := tx.Area(ctx, *a.ParentID); err != nil {
				return fieldNotFound(err, "parent_id")
			}
		}
		return tx.InsertArea(ctx, a)
	})
	s.invalidateMaster()
	return err
}

// fieldNotFound turns a missing referenced row into a validation error of field.
func fieldNotFound(err error, field string) error {
	if errors.Is(err, store.ErrNotFound) {
		return &ValidationError{Fields: []FieldError{{Field: field, Code: "not_found", Key: "field_not_found"}}}
	}
	return err
}

// Departments lists departments.
func (s *Service) Departments(ctx context.Context, p *auth.Principal) ([]model.Department, error) {
	if err := require(p, everyone...); err != nil {
		return nil, err
	}
	return s.st.Departments(ctx)
}

// SaveDepartment creates or updates a department (admin).
func (s *Service) SaveDepartment(ctx context.Context, p *auth.Principal, d *model.Department) error {
	if err := require(p, model.RoleAdmin); err != nil {
		return err
	}
	var c checker
	d.Code = c.text("code", d.Code, true, 40)
	d.NameEn = c.text("name_en", d.NameEn, true, 200)
	d.NameHi = c.text("name_hi", d.NameHi, true, 200)
	if err := c.err(); err != nil {
		return err
	}
	err := s.st.Tx(ctx, func(tx *store.Tx) error { return tx.SaveDepartment(ctx, d) })
	s.invalidateMaster()
	return err
}

// Designations lists designations.
func (s *Service) Designations(ctx context.Context, p *auth.Principal) ([]model.Designation, error) {
	if err := require(p, everyone...); err != nil {
		return nil, err
	}
	return s.st.Designations(ctx)
}

// SaveDesignation creates or updates a designation (admin).
func (s *Service) SaveDesignation(ctx context.Context, p *auth.Principal, d *model.Designation) error {
	if err := require(p, model.RoleAdmin); err != nil {
		return err
	}
	var c checker
	d.Code = c.text("code", d.Code, true, 60)
	d.NameEn = c.text("name_en", d.NameEn, true, 200)
	d.NameHi = c.text("name_hi", d.NameHi, true, 200)
	if !slices.Contains(model.AreaKinds, d.AreaKind) {
		c.add("area_kind", "invalid_value", nil)
	}
	if err := c.err(); err != nil {
		return err
	}
	err := s.st.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Department(ctx, d.DepartmentID); err != nil {
			return fieldNotFound(err, "department_id")
		}
		return tx.SaveDesignation(ctx, d)
	})
	// Categories and the routing table carry the designation's code.
	s.InvalidateCategories()
	s.invalidateMaster()
	return err
}

// loadCategories fills the in-memory category cache.
func (s *Service) loadCategories(ctx context.Context) ([]model.Category, map[int64]model.Category, error) {
	s.mu.RLock()
	cats, byID := s.categories, s.catByID
	s.mu.RUnlock()
	if cats != nil {
		return cats, byID, nil
	}
	cats, err := s.st.Categories(ctx)
	if err != nil {
		return nil, nil, err
	}
	byID = make(map[int64]model.Category, len(cats))
	for _, c := range cats {
		byID[c.ID] = c
	}
	s.mu.Lock()
	s.categories, s.catByID = cats, byID
	s.mu.Unlock()
	return cats, byID, nil
}

// InvalidateCategories drops the cache after a change.
func (s *Service) InvalidateCategories() {
	s.mu.Lock()
	s.categories, s.catByID = nil, nil
	s.mu.Unlock()
}

// category returns one category from the cache.
func (s *Service) category(ctx context.Context, id int64) (model.Category, error) {
	_, byID, err := s.loadCategories(ctx)
	if err != nil {
		return model.Category{}, err
	}
	c, ok := byID[id]
	if !ok {
		return c, fmt.Errorf("service: category %d: %w", id, store.ErrNotFound)
	}
	return c, nil
}

// Categories searches complaint types: q matches the Hindi and English names
// and the keywords (Hindi, English, Hinglish), compared as search keys
// (searchkey.Fold: case, nukta, nasal conjunct/anusvara and chandrabindu
// spellings fold together); names that start with q come first, then names
// that contain it, then keyword matches.
func (s *Service) Categories(ctx context.Context, p *auth.Principal, q string, departmentID int64) ([]model.Category, error) {
	if err := require(p, everyone...); err != nil {
		return nil, err
	}
	cats, _, err := s.loadCategories(ctx)
	if err != nil {
		return nil, err
	}
	q = searchkey.Fold(strings.TrimSpace(q))
	type hit struct {
		c    model.Category
		rank int
	}
	var hits []hit
	for _, c := range cats {
		if departmentID != 0 && c.DepartmentID != departmentID {
			continue
		}
		r := matchCategory(c, q)
		if r < 0 {
			continue
		}
		hits = append(hits, hit{c, r})
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].rank < hits[j].rank })
	out := make([]model.Category, len(hits))
	for i, h := range hits {
		out[i] = h.c
	}
	return out, nil
}

// matchCategory ranks how well c matches q, a search key (lower is better;
// -1: no match).
func matchCategory(c model.Category, q string) int {
	if q == "" {
		return 0
	}
	en, hi := searchkey.Fold(c.NameEn), searchkey.Fold(c.NameHi)
	switch {
	case strings.HasPrefix(en, q) || strings.HasPrefix(hi, q):
		return 0
	case strings.Contains(en, q) || strings.Contains(hi, q):
		return 1
	}
	keys := make([]string, len(c.Keywords))
	for i, k := range c.Keywords {
		keys[i] = searchkey.Fold(k)
		if strings.Contains(keys[i], q) {
			return 2
		}
	}
	// Every word of a several-word query found somewhere.
	words := strings.Fields(q)
	if len(words) < 2 {
		return -1
	}
	all := en + " " + hi + " " + strings.Join(keys, " ")
	for _, w := range words {
		if !strings.Contains(all, w) {
			return -1
		}
	}
	return 3
}

// Category returns one category.
func (s *Service) Category(ctx context.Context, p *auth.Principal, id int64) (model.Category, error) {
	if err := require(p, everyone...); err != nil {
		return model.Category{}, err
	}
	return s.category(ctx, id)
}

// SaveCategory creates or updates a category (admin).
func (s *Service) SaveCategory(ctx context.Context, p *auth.Principal, cat *model.Category) error {
	if err := require(p, model.RoleAdmin); err != nil {
		return err
	}
	var c checker
	cat.Code = c.text("code", cat.Code, true, 60)
	cat.NameEn = c.text("name_en", cat.NameEn, true, 200)
	cat.NameHi = c.text("name_hi", cat.NameHi, true, 200)
	for i, k := range cat.Keywords {
		cat.Keywords[i] = c.text("keywords", strings.ReplaceAll(k, "|", " "), true, 80)
	}
	for i, d := range cat.SLADays {
		if d < 1 || d > 365 {
			c.add(fmt.Sprintf("sla_days[%d]", i), "out_of_range", map[string]any{"Min": 1, "Max": 365})
		}
	}
	if err := c.err(); err != nil {
		return err
	}
	err := s.st.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Department(ctx, cat.DepartmentID); err != nil {
			return fieldNotFound(err, "department_id")
		}
		d, err := tx.Designation(ctx, cat.DesignationID)
		if err != nil {
			return fieldNotFound(err, "designation")
		}
		if d.DepartmentID != cat.DepartmentID {
			// A complaint of the type goes to the designation's posts: they
			// must be the department's.
			return &ValidationError{Fields: []FieldError{{Field: "department_id", Code: "designation_mismatch",
				Key: "field_designation_mismatch", Data: map[string]any{"Designation": d.Code}}}}
		}
		cat.Designation = d.Code
		return tx.SaveCategory(ctx, cat)
	})
	if err == nil {
		s.InvalidateCategories()
	}
	return err
}

// DesignationByCode resolves a designation code.
func (s *Service) DesignationByCode(ctx context.Context, code string) (model.Designation, error) {
	return s.st.DesignationByCode(ctx, code)
}

// PostView is a post with its current officer.
type PostView struct {
	model.Post
	Officer *model.Officer
}

func (s *Service) postView(ctx context.Context, q interface {
	Holder(context.Context, int64) (model.Officer, error)
}, p model.Post) (PostView, error) {
	v := PostView{Post: p}
	o, err := q.Holder(ctx, p.ID)
	switch {
	case err == nil:
		v.Officer = &o
	case !errors.Is(err, store.ErrNotFound):
		return v, err
	}
	return v, nil
}

// Posts lists posts with their officers.
func (s *Service) Posts(ctx context.Context, p *auth.Principal, f store.PostFilter) ([]PostView, error) {
	if err := require(p, staff...); err != nil {
		return nil, err
	}
	posts, err := s.st.Posts(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]PostView, 0, len(posts))
	for _, post := range posts {
		v, err := s.postView(ctx, s.st, post)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Post returns one post with its officer.
func (s *Service) Post(ctx context.Context, p *auth.Principal, id int64) (PostView, error) {
	if err := require(p, staff...); err != nil {
		return PostView{}, err
	}
	post, err := s.st.Post(ctx, id)
	if err != nil {
		return PostView{}, err
	}
	return s.postView(ctx, s.st, post)
}

// Chain returns the escalation ladder from post id: L0 (the post) up to L4.
func (s *Service) Chain(ctx context.Context, p *auth.Principal, id int64) ([]PostView, error) {
	if err := require(p, staff...); err != nil {
		return nil, err
	}
	chain, err := s.st.Chain(ctx, id, model.MaxLevel+1)
	if err != nil {
		return nil, err
	}
	out := make([]PostView, 0, len(chain))
	for _, post := range chain {
		v, err := s.postView(ctx, s.st, post)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Postings returns a post's posting history.
func (s *Service) Postings(ctx context.Context, p *auth.Principal, postID int64) ([]model.Posting, error) {
	if err := require(p, staff...); err != nil {
		return nil, err
	}
	if _, err := s.st.Post(ctx, postID); err != nil {
		return nil, err
	}
	return s.st.Postings(ctx, postID, 0)
}

// SavePost creates or updates a post (admin). A supervisor link that would
// make a cycle is refused.
func (s *Service) SavePost(ctx context.Context, p *auth.Principal, post *model.Post) error {
	if err := require(p, model.RoleAdmin); err != nil {
		return err
	}
	var c checker
	post.TitleEn = c.text("title_en", post.TitleEn, true, 200)
	post.TitleHi = c.text("title_hi", post.TitleHi, true, 200)
	if err := c.err(); err != nil {
		return err
	}
	defer s.invalidateMaster()
	return s.st.Tx(ctx, func(tx *store.Tx) error {
		d, err := tx.Designation(ctx, post.DesignationID)
		if err != nil {
			return fieldNotFound(err, "designation")
		}
		post.DepartmentID = d.DepartmentID
		if _, err := tx.Area(ctx, post.AreaID); err != nil {
			return fieldNotFound(err, "area_id")
		}
		if post.SupervisorPostID != nil {
			chain, err := tx.ChainIDs(ctx, *post.SupervisorPostID, 1000)
			if err != nil {
				return fieldNotFound(err, "supervisor_post_id")
			}
			if post.ID != 0 && slices.Contains(chain, post.ID) {
				return &ValidationError{Fields: []FieldError{{Field: "supervisor_post_id", Code: "cycle", Key: "field_cycle"}}}
			}
		}
		post.Designation = d.Code
		return tx.SavePost(ctx, post)
	})
}

// Officers lists officers.
func (s *Service) Officers(ctx context.Context, p *auth.Principal, after int64, limit int) ([]model.Officer, error) {
	if err := require(p, staff...); err != nil {
		return nil, err
	}
	return s.st.Officers(ctx, after, limit)
}

// officerScan is how many officers FindOfficers reads at a time.
const officerScan = 1000

// FindOfficers lists the officers after the cursor whose name, mobile or
// username contains q, in id order: case-insensitively after NFC
// normalisation, and a mobile number as typed (+91, spaces, hyphens). An
// empty q lists all.
func (s *Service) FindOfficers(ctx context.Context, p *auth.Principal, q string, after int64, limit int) ([]model.Officer, error) {
	q = strings.ToLower(strings.TrimSpace(norm.NFC.String(q)))
	if q == "" {
		return s.Officers(ctx, p, after, limit)
	}
	if err := require(p, staff...); err != nil {
		return nil, err
	}
	mobile, _ := NormalizeMobile(q)
	match := func(o model.Officer) bool {
		return strings.Contains(strings.ToLower(norm.NFC.String(o.Name)), q) || strings.Contains(o.Username, q) ||
			strings.Contains(o.Mobile, q) || mobile != "" && o.Mobile == mobile
	}
	// An admin searches now and then among ~20,000 officers: reading them
	// through in batches is fast enough. Should searches become frequent, a
	// filter in the store's query is the place for it.
	out := []model.Officer{}
	for {
		batch, err := s.st.Officers(ctx, after, officerScan)
		if err != nil {
			return nil, err
		}
		for _, o := range batch {
			if match(o) {
				out = append(out, o)
				if len(out) == limit {
					return out, nil
				}
			}
		}
		if len(batch) < officerScan {
			return out, nil
		}
		after = batch[len(batch)-1].ID
	}
}

// Officer returns an officer and their posting history.
func (s *Service) Officer(ctx context.Context, p *auth.Principal, id int64) (model.Officer, []model.Posting, error) {
	if err := require(p, staff...); err != nil {
		return model.Officer{}, nil, err
	}
	o, err := s.st.Officer(ctx, id)
	if err != nil {
		return o, nil, err
	}
	ps, err := s.st.Postings(ctx, 0, id)
	return o, ps, err
}

// NewOfficer is the admin's input for an officer with a sign-in.
type NewOfficer struct {
	Name, Mobile, Username, Password string
}

// CreateOfficer adds an officer and their user account (admin).
func (s *Service) CreateOfficer(ctx context.Context, p *auth.Principal, in NewOfficer) (model.Officer, error) {
	if err := require(p, model.RoleAdmin); err != nil {
		return model.Officer{}, err
	}
	var c checker
	in.Name = c.text("name", in.Name, true, 120)
	mobile, ok := NormalizeMobile(in.Mobile)
	if !ok {
		c.add("mobile", "invalid_mobile", nil)
	}
	in.Username = strings.ToLower(c.text("username", in.Username, true, 60))
	if in.Username != "" && !validUsername(in.Username) {
		c.add("username", "invalid_username", nil)
	}
	if len(in.Password) < 10 {
		c.add("password", "too_short", map[string]any{"Min": 10})
	}
	if err := c.err(); err != nil {
		return model.Officer{}, err
	}
	hash, err := authHash(in.Password)
	if err != nil {
		return model.Officer{}, err
	}
	now := s.clock.Now()
	o := model.Officer{Name: in.Name, Mobile: mobile, Username: in.Username}
	err = s.st.Tx(ctx, func(tx *store.Tx) error {
		u := model.User{Username: in.Username, Name: in.Name, Roles: []model.Role{model.RoleOfficer}, Mobile: mobile}
		if err := tx.InsertUser(ctx, &u, hash, now); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return &ValidationError{Fields: []FieldError{{Field: "username", Code: "taken", Key: "field_taken"}}}
			}
			return err
		}
		o.UserID = u.ID
		if err := tx.InsertOfficer(ctx, &o); err != nil {
			return err
		}
		return tx.SetUserOfficer(ctx, u.ID, o.ID)
	})
	return o, err
}

var authHash = auth.HashPassword

func validUsername(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// errNotYours hides a resource from a principal who may not know it exists.
var errNotYours = fmt.Errorf("service: %w", store.ErrNotFound)

var _ = workflow.ErrForbidden

// UpdateOfficer changes an officer's name and/or mobile (admin); nil leaves
// a field as it is.
func (s *Service) UpdateOfficer(ctx context.Context, p *auth.Principal, id int64, name, mobile *string) (model.Officer, error) {
	if err := require(p, model.RoleAdmin); err != nil {
		return model.Officer{}, err
	}
	var o model.Officer
	err := s.st.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if o, err = tx.Officer(ctx, id); err != nil {
			return err
		}
		var c checker
		if name != nil {
			o.Name = c.text("name", *name, true, 120)
		}
		if mobile != nil {
			m, ok := NormalizeMobile(*mobile)
			if !ok {
				c.add("mobile", "invalid_mobile", nil)
			}
			o.Mobile = m
		}
		if err := c.err(); err != nil {
			return err
		}
		return tx.UpdateOfficer(ctx, o)
	})
	return o, err
}
