package service

import (
	"context"
	"encoding/json"
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
	if p.CitizenOnly() {
		// The citizen reads that the complaint was marked for inquiry or
		// commented on, not the department's internal notes (an officer's
		// instructions, the findings): what they are told is the report.
		for i, e := range events {
			if e.Kind == model.EventCommented || e.Kind == model.EventMarked {
				events[i].Note = ""
			}
		}
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
// first: those NextFeedbackCall may hand out, and those an agent holds for a
// call now. A complaint resting after a call (a citizen who did not answer is
// tried again later) is left out until its rest ends.
func (s *Service) FeedbackQueue(ctx context.Context, p *auth.Principal, cursor string, limit int) ([]store.ComplaintRow, string, error) {
	if err := require(p, model.RoleAgent, model.RoleSupervisor); err != nil {
		return nil, "", err
	}
	if !store.ValidCursor(store.ReportedFirst, cursor) {
		return nil, "", &ValidationError{Fields: []FieldError{{Field: "cursor", Code: "invalid_cursor", Key: "field_invalid_cursor"}}}
	}
	return s.st.Complaints(ctx, store.ComplaintFilter{Statuses: []model.Status{model.StatusReported}, Order: store.ReportedFirst,
		RestingIn: store.QueueFeedback, Now: s.clock.Now(), Cursor: cursor, Limit: limit})
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
	_, err := s.BlockNumber(ctx, p, BlockInput{Mobile: mobile, Reason: reason, Until: until})
	return err
}

// BlockInput is a request to block a number.
type BlockInput struct {
	Mobile string
	Reason string
	// Until ends the block; nil blocks until lifted.
	Until *time.Time
	// IdempotencyKey makes a retried request return the first block.
	IdempotencyKey string
}

// BlockResult is the block written; Replayed when an earlier request with
// the same Idempotency-Key wrote it.
type BlockResult struct {
	store.Block
	Replayed bool
}

// BlockNumber blocks a number (supervisor) and returns the block as written,
// whether or not it is in force at once (a block whose until has passed is
// written and ends at once). A retry with the same Idempotency-Key and
// request returns the first block instead of a conflict.
func (s *Service) BlockNumber(ctx context.Context, p *auth.Principal, in BlockInput) (BlockResult, error) {
	if err := require(p, model.RoleSupervisor, model.RoleAdmin); err != nil {
		return BlockResult{}, err
	}
	var c checker
	m, ok := NormalizeMobile(in.Mobile)
	if !ok {
		c.add("mobile", "invalid_mobile", nil)
	}
	reason := c.text("reason", in.Reason, true, MaxNote)
	checkIdempotencyKey(&c, in.IdempotencyKey)
	if err := c.err(); err != nil {
		return BlockResult{}, err
	}
	var until *int64
	if in.Until != nil {
		ms := in.Until.UnixMilli()
		until = &ms
	}
	reqHash := requestHash("block", m, reason, until)
	replay := func() (BlockResult, error) {
		kept, err := s.recallIdempotent(ctx, p, in.IdempotencyKey, reqHash)
		if err != nil {
			return BlockResult{}, err
		}
		body := kept.Body
		var b store.Block
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			return BlockResult{}, fmt.Errorf("service: idempotent block: %w", err)
		}
		return BlockResult{Block: b, Replayed: true}, nil
	}
	if in.IdempotencyKey != "" {
		if r, err := replay(); !errors.Is(err, store.ErrNotFound) {
			return r, err
		}
	}
	now := s.clock.Now()
	b := store.Block{Mobile: m, Reason: reason, Since: now.Truncate(time.Millisecond), Until: in.Until, ByID: p.User.ID, ByName: p.User.Name}
	err := s.st.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertBlock(ctx, b); err != nil {
			return err
		}
		if in.IdempotencyKey == "" {
			return nil
		}
		body, err := json.Marshal(b)
		if err != nil {
			return err
		}
		return tx.SaveIdempotent(ctx, p.User.ID, in.IdempotencyKey,
			store.IdempotentResult{RequestHash: reqHash, Status: 201, Body: string(body)}, now)
	})
	if in.IdempotencyKey != "" && errors.Is(err, store.ErrConflict) {
		// A concurrent request with the same key may have won the race
		// (the number is then blocked by it); otherwise the number was
		// blocked already.
		if r, rerr := replay(); !errors.Is(rerr, store.ErrNotFound) {
			return r, rerr
		}
	}
	if err != nil {
		return BlockResult{}, err
	}
	return BlockResult{Block: b}, nil
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
