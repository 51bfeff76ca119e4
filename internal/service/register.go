package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/refno"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// Text limits, in characters.
const (
	MaxName        = 120
	MaxAddress     = 500
	MaxDescription = 4000
	MaxNote        = 2000
)

// RegisterInput is a new complaint as an agent, supervisor, admin or citizen
// submits it.
type RegisterInput struct {
	Channel        string
	Name           string
	Mobile         string
	Address        string
	Language       string
	CategoryID     int64
	AreaID         int64
	Description    string
	AttachmentIDs  []int64
	OverrideLimit  bool
	OverrideReason string
	// IdempotencyKey makes a retried request return the first result.
	IdempotencyKey string
}

// Registered is the outcome of Register.
type Registered struct {
	Complaint store.ComplaintRow
	// PossibleDuplicates are the caller's other open complaints of the same
	// type at the same place, which the agent may turn into a reminder.
	PossibleDuplicates []store.ComplaintRow
	// Replayed is true when an earlier request with the same idempotency key
	// is being answered again.
	Replayed bool
}

func (in RegisterInput) hash() string {
	b, _ := json.Marshal(in)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Register validates, routes and saves a new complaint with its events and
// SMS messages in one transaction.
func (s *Service) Register(ctx context.Context, p *auth.Principal, in RegisterInput) (Registered, error) {
	if err := require(p, model.RoleAgent, model.RoleSupervisor, model.RoleAdmin, model.RoleCitizen); err != nil {
		return Registered{}, err
	}
	var c checker
	in.Channel = c.text("channel", in.Channel, true, 20)
	if in.Channel != "" && !slices.Contains(model.Channels, in.Channel) {
		c.add("channel", "invalid_channel", nil)
	}
	in.Name = c.text("complainant.name", in.Name, true, MaxName)
	mobile, ok := NormalizeMobile(in.Mobile)
	if !ok {
		c.add("complainant.mobile", "invalid_mobile", nil)
	}
	in.Mobile = mobile
	in.Address = c.text("complainant.address", in.Address, false, MaxAddress)
	if in.Language == "" {
		in.Language = "hi"
	}
	if in.Language != "hi" && in.Language != "en" {
		c.add("complainant.language", "invalid_language", nil)
	}
	in.Description = c.text("description", in.Description, true, MaxDescription)
	in.OverrideReason = c.text("override_reason", in.OverrideReason, false, MaxNote)
	if in.CategoryID <= 0 {
		c.add("category_id", "required", nil)
	}
	if in.AreaID <= 0 {
		c.add("area_id", "required", nil)
	}
	if len(in.IdempotencyKey) > 200 {
		c.add("Idempotency-Key", "too_long", map[string]any{"Max": 200})
	}
	if err := c.err(); err != nil {
		return Registered{}, err
	}
	cat, err := s.category(ctx, in.CategoryID)
	if err != nil {
		return Registered{}, fieldNotFound(err, "category_id")
	}
	reqHash := in.hash()
	if in.IdempotencyKey != "" {
		if r, err := s.replay(ctx, p, in.IdempotencyKey, reqHash); err == nil || !errors.Is(err, store.ErrNotFound) {
			return r, err
		}
	}
	// Routing reads master data only: decide it before taking the writer.
	route, district, err := s.route(ctx, cat, in.AreaID)
	if err != nil {
		return Registered{}, err
	}
	var ref string
	var created model.Complaint
	var dupRefs []string
	err = s.st.TxGrouped(ctx, func(tx *store.Tx) error {
		now := s.clock.Now()
		start, _ := s.cfg.Policy.MonthBounds(now)
		caller, err := tx.CallerStateOf(ctx, in.Mobile, now, start, in.CategoryID, in.AreaID, route.PostID)
		if err != nil {
			return err
		}
		dupRefs = caller.DuplicateRefs
		seq, err := tx.NextRefSeq(ctx)
		if err != nil {
			return err
		}
		ref, err = refno.Make(now.In(workflow.IST).Year(), seq)
		if err != nil {
			return err
		}
		res, err := workflow.Register(workflow.RegisterInput{
			Ref: ref, Channel: in.Channel, Category: cat, AreaID: in.AreaID, Description: in.Description, Route: route,
			Complainant: model.Complainant{Name: in.Name, Mobile: in.Mobile, Address: in.Address, Language: in.Language},
			Blocked:     caller.Blocked, MonthCount: caller.MonthCount, Override: in.OverrideLimit, OverrideReason: in.OverrideReason,
		}, actor(p), s.cfg.Policy, now)
		if err != nil {
			return err
		}
		res.Complaint.RegisteredBy = p.User.ID
		if err := s.saveResult(ctx, tx, nil, &res, district, now); err != nil {
			return err
		}
		if err := s.attach(ctx, tx, p, res.Complaint.ID, in.AttachmentIDs); err != nil {
			return err
		}
		created = res.Complaint
		if in.IdempotencyKey != "" {
			return tx.SaveIdempotent(ctx, p.User.ID, in.IdempotencyKey,
				store.IdempotentResult{RequestHash: reqHash, Status: 201, Body: ref}, now)
		}
		return nil
	})
	if err != nil {
		if in.IdempotencyKey != "" && errors.Is(err, store.ErrConflict) {
			// A concurrent request with the same key won the race.
			return s.replay(ctx, p, in.IdempotencyKey, reqHash)
		}
		return Registered{}, err
	}
	// Answer from what was just written, without reading it back.
	row, err := s.rowOf(ctx, created)
	if err != nil {
		return Registered{}, err
	}
	out := Registered{Complaint: row, PossibleDuplicates: []store.ComplaintRow{}}
	for _, r := range dupRefs {
		d, err := s.st.ComplaintRowByRef(ctx, r)
		if err != nil {
			return Registered{}, err
		}
		out.PossibleDuplicates = append(out.PossibleDuplicates, d)
	}
	return out, nil
}

// rowOf adds the names a reader needs to a complaint, from the caches.
func (s *Service) rowOf(ctx context.Context, c model.Complaint) (store.ComplaintRow, error) {
	cat, err := s.category(ctx, c.CategoryID)
	if err != nil {
		return store.ComplaintRow{}, err
	}
	m, err := s.master(ctx)
	if err != nil {
		return store.ComplaintRow{}, err
	}
	area := m.areas[c.AreaID]
	r := store.ComplaintRow{Complaint: c, CategoryCode: cat.Code, CategoryEn: cat.NameEn, CategoryHi: cat.NameHi,
		AreaEn: area.NameEn, AreaHi: area.NameHi}
	if p, ok := m.posts[c.AccountablePostID]; ok {
		r.AccTitleEn, r.AccTitleHi, r.AccDesig = p.TitleEn, p.TitleHi, p.Designation
	}
	return r, nil
}

func (s *Service) replay(ctx context.Context, p *auth.Principal, key, reqHash string) (Registered, error) {
	r, err := s.recallIdempotent(ctx, p, key, reqHash)
	if err != nil {
		return Registered{}, err
	}
	return s.registered(ctx, r.Body, true)
}

func (s *Service) registered(ctx context.Context, ref string, replayed bool) (Registered, error) {
	row, err := s.st.ComplaintRowByRef(ctx, ref)
	if err != nil {
		return Registered{}, err
	}
	dups, err := s.possibleDuplicates(ctx, row.Complaint)
	return Registered{Complaint: row, PossibleDuplicates: dups, Replayed: replayed}, err
}

// possibleDuplicates finds the caller's other open complaints of the same
// type at the same place.
func (s *Service) possibleDuplicates(ctx context.Context, c model.Complaint) ([]store.ComplaintRow, error) {
	rows, _, err := s.st.Complaints(ctx, store.ComplaintFilter{Mobile: c.Complainant.Mobile, CategoryID: c.CategoryID,
		Statuses: []model.Status{model.StatusOpen, model.StatusReported, model.StatusSpecialClosurePending, model.StatusReturned}, Limit: 20})
	if err != nil {
		return nil, err
	}
	out := []store.ComplaintRow{}
	for _, r := range rows {
		if r.ID != c.ID && r.AreaID == c.AreaID {
			out = append(out, r)
		}
	}
	return out, nil
}

// Route tells which post a complaint of category at area would go to, without
// registering anything (for tests, the agent console's preview and checks).
func (s *Service) Route(ctx context.Context, categoryID, areaID int64) (workflow.RouteDecision, error) {
	cat, err := s.category(ctx, categoryID)
	if err != nil {
		return workflow.RouteDecision{}, err
	}
	d, _, err := s.route(ctx, cat, areaID)
	return d, err
}

// route finds the routing candidates for cat at area in the in-memory routing
// table and asks the workflow; it also returns the district the area lies in
// (nil above districts).
func (s *Service) route(ctx context.Context, cat model.Category, areaID int64) (workflow.RouteDecision, *int64, error) {
	m, err := s.master(ctx)
	if err != nil {
		return workflow.RouteDecision{}, nil, err
	}
	chain, err := m.ancestors(areaID)
	if err != nil {
		return workflow.RouteDecision{}, nil, fieldNotFound(err, "area_id")
	}
	cand := workflow.RouteCandidates{Ancestors: make([]int64, len(chain)), ByArea: map[int64]int64{}, NodalByArea: map[int64]int64{}}
	var district *int64
	for i, a := range chain {
		cand.Ancestors[i] = a.ID
		if a.Kind == model.AreaDistrict && district == nil {
			id := a.ID
			district = &id
		}
		if p, ok := m.byDesigArea[[2]int64{cat.DesignationID, a.ID}]; ok {
			cand.ByArea[a.ID] = p
		}
		if p, ok := m.nodal[[2]int64{cat.DepartmentID, a.ID}]; ok {
			cand.NodalByArea[a.ID] = p
		}
	}
	return workflow.Route(cand), district, nil
}

// attach links uploaded attachments to a complaint; only the uploader's own
// unattached files may be linked.
func (s *Service) attach(ctx context.Context, tx *store.Tx, p *auth.Principal, complaintID int64, ids []int64) error {
	for _, id := range ids {
		if err := tx.AttachToComplaint(ctx, id, p.User.ID, complaintID); err != nil {
			return fieldNotFound(err, "attachment_ids")
		}
	}
	return nil
}

// monthStart is the start of now's month in India time.
func (s *Service) monthStart(now time.Time) time.Time {
	start, _ := s.cfg.Policy.MonthBounds(now)
	return start
}
