package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// ComplaintDetail is a complaint with its history.
type ComplaintDetail struct {
	store.ComplaintRow
	Events []model.Event
	// Report is the latest action-taken report, if any.
	Report *store.Report
}

// Complaint returns one complaint with its events, if p may see it.
func (s *Service) Complaint(ctx context.Context, p *auth.Principal, ref string) (ComplaintDetail, error) {
	if p == nil {
		return ComplaintDetail{}, ErrUnauthorized
	}
	ref, err := checkRef(ref)
	if err != nil {
		return ComplaintDetail{}, err
	}
	row, err := s.st.ComplaintRowByRef(ctx, ref)
	if err != nil {
		return ComplaintDetail{}, err
	}
	if ok, err := s.canSee(ctx, s.st, p, row.Complaint); err != nil {
		return ComplaintDetail{}, err
	} else if !ok {
		return ComplaintDetail{}, errNotYours
	}
	events, err := s.st.Events(ctx, row.ID)
	if err != nil {
		return ComplaintDetail{}, err
	}
	d := ComplaintDetail{ComplaintRow: row, Events: events}
	if r, err := s.st.LatestReport(ctx, row.ID); err == nil {
		d.Report = &r
	} else if !errors.Is(err, store.ErrNotFound) {
		return d, err
	}
	return d, nil
}

// ListFilter is what a caller may filter complaints by.
type ListFilter struct {
	Statuses   []model.Status
	Level      *int
	PostID     int64
	Overdue    *bool
	Mobile     string
	CategoryID int64
	AreaID     int64
	Cursor     string
	Limit      int
}

// Complaints lists complaints within the caller's scope: the call centre
// and admins everything; officers their posts' (a post_id outside them is
// refused); monitors their area; citizens their own.
func (s *Service) Complaints(ctx context.Context, p *auth.Principal, lf ListFilter) ([]store.ComplaintRow, string, error) {
	if p == nil {
		return nil, "", ErrUnauthorized
	}
	if !store.ValidCursor(store.NewestFirst, lf.Cursor) {
		return nil, "", &ValidationError{Fields: []FieldError{{Field: "cursor", Code: "invalid_cursor", Key: "field_invalid_cursor"}}}
	}
	f := store.ComplaintFilter{Statuses: lf.Statuses, Level: lf.Level, Overdue: lf.Overdue, Now: s.clock.Now(),
		CategoryID: lf.CategoryID, WithinArea: lf.AreaID, Cursor: lf.Cursor, Limit: lf.Limit}
	if lf.Mobile != "" {
		m, ok := NormalizeMobile(lf.Mobile)
		if !ok {
			return nil, "", &ValidationError{Fields: []FieldError{{Field: "mobile", Code: "invalid_mobile", Key: "field_invalid_mobile"}}}
		}
		f.Mobile = m
	}
	if lf.PostID != 0 {
		f.PostIDs = []int64{lf.PostID}
	}
	switch {
	case p.CallCentre():
	case p.Has(model.RoleOfficer):
		mine := append(append([]int64{}, p.Posts...), p.Supervised...)
		if lf.PostID != 0 {
			if !p.CanSeePost(lf.PostID, nil) {
				return nil, "", errForbiddenPost
			}
		} else {
			f.PostIDs = mine
		}
		if f.Mobile != "" {
			return nil, "", errForbiddenPost // officers do not see complainants
		}
	case p.Has(model.RoleMonitor) && p.User.AreaID != nil:
		if lf.AreaID != 0 {
			in, err := s.st.Within(ctx, lf.AreaID, *p.User.AreaID)
			if err != nil {
				return nil, "", err
			}
			if !in {
				return nil, "", errForbiddenPost
			}
		} else {
			f.WithinArea = *p.User.AreaID
		}
	case p.Has(model.RoleCitizen):
		f.Mobile = p.User.Mobile
	default:
		return nil, "", errForbiddenPost
	}
	return s.st.Complaints(ctx, f)
}

// errForbiddenPost refuses a filter outside the caller's scope.
var errForbiddenPost = fmt.Errorf("service: outside your scope: %w", workflow.ErrForbidden)

// Inbox lists the complaints of the posts the officer holds now (accountable
// or marked), earliest due first. By default it shows what still needs
// action: open and special-closure-pending complaints.
func (s *Service) Inbox(ctx context.Context, p *auth.Principal, statuses []model.Status, cursor string, limit int) ([]store.ComplaintRow, string, error) {
	if err := require(p, model.RoleOfficer); err != nil {
		return nil, "", err
	}
	if !store.ValidCursor(store.DueFirst, cursor) {
		return nil, "", &ValidationError{Fields: []FieldError{{Field: "cursor", Code: "invalid_cursor", Key: "field_invalid_cursor"}}}
	}
	if len(statuses) == 0 {
		statuses = []model.Status{model.StatusOpen, model.StatusSpecialClosurePending}
	}
	posts := p.Posts
	if posts == nil {
		posts = []int64{}
	}
	return s.st.Complaints(ctx, store.ComplaintFilter{PostIDs: posts, Statuses: statuses, Order: store.DueFirst, Cursor: cursor, Limit: limit})
}

// FeedbackQueue lists reported complaints due a feedback call, oldest report
// first.
func (s *Service) FeedbackQueue(ctx context.Context, p *auth.Principal, cursor string, limit int) ([]store.ComplaintRow, string, error) {
	if err := require(p, model.RoleAgent, model.RoleSupervisor); err != nil {
		return nil, "", err
	}
	if !store.ValidCursor(store.ReportedFirst, cursor) {
		return nil, "", &ValidationError{Fields: []FieldError{{Field: "cursor", Code: "invalid_cursor", Key: "field_invalid_cursor"}}}
	}
	return s.st.Complaints(ctx, store.ComplaintFilter{Statuses: []model.Status{model.StatusReported}, Order: store.ReportedFirst,
		Cursor: cursor, Limit: limit})
}

// RerouteDesk lists returned complaints waiting for the re-route desk.
func (s *Service) RerouteDesk(ctx context.Context, p *auth.Principal, cursor string, limit int) ([]store.ComplaintRow, string, error) {
	if err := require(p, model.RoleSupervisor, model.RoleAdmin); err != nil {
		return nil, "", err
	}
	if !store.ValidCursor(store.NewestFirst, cursor) {
		return nil, "", &ValidationError{Fields: []FieldError{{Field: "cursor", Code: "invalid_cursor", Key: "field_invalid_cursor"}}}
	}
	return s.st.Complaints(ctx, store.ComplaintFilter{Statuses: []model.Status{model.StatusReturned}, Cursor: cursor, Limit: limit})
}

// SpecialClosureQueue lists the pending special closures the officer decides:
// those whose accountable post the officer's posts supervise.
func (s *Service) SpecialClosureQueue(ctx context.Context, p *auth.Principal, cursor string, limit int) ([]store.ComplaintRow, string, error) {
	if err := require(p, model.RoleOfficer); err != nil {
		return nil, "", err
	}
	if !store.ValidCursor(store.DueFirst, cursor) {
		return nil, "", &ValidationError{Fields: []FieldError{{Field: "cursor", Code: "invalid_cursor", Key: "field_invalid_cursor"}}}
	}
	posts := p.Supervised
	if posts == nil {
		posts = []int64{}
	}
	return s.st.Complaints(ctx, store.ComplaintFilter{PostIDs: posts, Statuses: []model.Status{model.StatusSpecialClosurePending},
		Order: store.DueFirst, Cursor: cursor, Limit: limit})
}

// Caller is what an agent sees when a number calls.
type Caller struct {
	Mobile              string
	Blocked             *store.Block
	ComplaintsThisMonth int
	MonthlyLimit        int
	Complaints          []store.ComplaintRow
}

// LookupCaller returns a caller's block status, this month's count and
// recent complaints.
func (s *Service) LookupCaller(ctx context.Context, p *auth.Principal, mobile string) (Caller, error) {
	if err := require(p, model.RoleAgent, model.RoleSupervisor, model.RoleAdmin); err != nil {
		return Caller{}, err
	}
	m, ok := NormalizeMobile(mobile)
	if !ok {
		return Caller{}, &ValidationError{Fields: []FieldError{{Field: "mobile", Code: "invalid_mobile", Key: "field_invalid_mobile"}}}
	}
	now := s.clock.Now()
	c := Caller{Mobile: m, MonthlyLimit: s.cfg.Policy.MonthlyLimit}
	if b, err := s.st.ActiveBlock(ctx, m, now); err == nil {
		c.Blocked = &b
	} else if !errors.Is(err, store.ErrNotFound) {
		return c, err
	}
	n, err := s.st.CountByMobileSince(ctx, m, s.monthStart(now))
	if err != nil {
		return c, err
	}
	c.ComplaintsThisMonth = n
	c.Complaints, _, err = s.st.Complaints(ctx, store.ComplaintFilter{Mobile: m, Limit: 20})
	return c, err
}

// BlockedNumbers lists numbers blocked now.
func (s *Service) BlockedNumbers(ctx context.Context, p *auth.Principal, before int64, limit int) ([]store.Block, int64, error) {
	if err := require(p, model.RoleAgent, model.RoleSupervisor, model.RoleAdmin, model.RoleMonitor); err != nil {
		return nil, 0, err
	}
	return s.st.Blocks(ctx, s.clock.Now(), before, limit)
}

// Block blocks a number (supervisor).
func (s *Service) Block(ctx context.Context, p *auth.Principal, mobile, reason string, until *time.Time) error {
	if err := require(p, model.RoleSupervisor, model.RoleAdmin); err != nil {
		return err
	}
	var c checker
	m, ok := NormalizeMobile(mobile)
	if !ok {
		c.add("mobile", "invalid_mobile", nil)
	}
	reason = c.text("reason", reason, true, MaxNote)
	if err := c.err(); err != nil {
		return err
	}
	now := s.clock.Now()
	return s.st.Tx(ctx, func(tx *store.Tx) error {
		return tx.InsertBlock(ctx, store.Block{Mobile: m, Reason: reason, Since: now, Until: until, ByID: p.User.ID})
	})
}

// Unblock lifts a block (supervisor), with a reason kept in its history.
func (s *Service) Unblock(ctx context.Context, p *auth.Principal, mobile, reason string) error {
	if err := require(p, model.RoleSupervisor, model.RoleAdmin); err != nil {
		return err
	}
	var c checker
	m, ok := NormalizeMobile(mobile)
	if !ok {
		c.add("mobile", "invalid_mobile", nil)
	}
	reason = c.text("reason", reason, true, MaxNote)
	if err := c.err(); err != nil {
		return err
	}
	return s.st.Tx(ctx, func(tx *store.Tx) error { return tx.Unblock(ctx, m, p.User.ID, reason, s.clock.Now()) })
}
