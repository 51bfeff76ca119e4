package service

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// sampleCatchUp is how many past days the daily draw looks back for days
// not drawn yet (the server was down when they ended).
const sampleCatchUp = 3

// SampleVerification draws the verification sample of every recent day that
// has ended and was not drawn yet: yesterday (India time), and the days
// before it back to sampleCatchUp. It is what the daily worker runs.
func (s *Service) SampleVerification(ctx context.Context, perDistrict int, rng *rand.Rand) (int, error) {
	today := report.DayOf(s.clock.Now())
	total := 0
	for back := sampleCatchUp; back >= 1; back-- {
		n, err := s.SampleDay(ctx, today.AddDays(-back), perDistrict, rng)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// SampleDay draws up to perDistrict complaints of each district closed on
// day (satisfied, unreachable or special closure, and still closed) into the
// verification queue, at random by rng. A day is drawn once: the mark that it
// was drawn is written in the same transaction as its queue rows, so a second
// call (or another node) adds nothing. A day that has not ended is not drawn.
func (s *Service) SampleDay(ctx context.Context, day report.Day, perDistrict int, rng *rand.Rand) (int, error) {
	if perDistrict <= 0 {
		perDistrict = report.DefaultSamplePerDistrict
	}
	now := s.clock.Now()
	if now.Before(day.End()) {
		return 0, nil
	}
	added := 0
	err := s.st.Tx(ctx, func(tx *store.Tx) error {
		added = 0
		first, err := tx.MarkDayDrawn(ctx, day.Key(), 0, now)
		if err != nil || !first {
			return err
		}
		closed, err := tx.ClosedBetween(ctx, day.Start(), day.End())
		if err != nil {
			return err
		}
		byID := make(map[int64]store.ClosedComplaint, len(closed))
		cands := make([]report.Candidate, len(closed))
		for i, c := range closed {
			byID[c.ID] = c
			cands[i] = report.Candidate{ComplaintID: c.ID, DistrictID: c.DistrictID}
		}
		for _, pick := range report.Sample(cands, perDistrict, rng) {
			c := byID[pick.ComplaintID]
			ok, err := tx.EnqueueVerification(ctx, store.VerificationItem{ComplaintID: c.ID, ClosedAt: c.ClosedAt, DistrictID: c.DistrictID,
				PostID: c.PostID, Reason: store.VerifyReasonSample, SampleDay: day.Key(), EnqueuedAt: now, ReportID: c.ReportID})
			if err != nil {
				return err
			}
			if ok {
				added++
			}
		}
		return tx.SetDayCount(ctx, day.Key(), added)
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// VerificationFilter selects the verification queue.
type VerificationFilter struct {
	Status string // pending (default), confirmed, mismatch, or "all"
	AreaID int64
	Cursor string
	Limit  int
}

// VerificationQueue lists the closures waiting for (or given) their second
// call, oldest first: for call-centre supervisors and admins the state's,
// for monitors their area's.
func (s *Service) VerificationQueue(ctx context.Context, p *auth.Principal, f VerificationFilter) ([]store.VerificationRow, string, error) {
	if err := require(p, model.RoleSupervisor, model.RoleAdmin, model.RoleMonitor); err != nil {
		return nil, "", err
	}
	sc, err := s.scopeFor(ctx, p, f.AreaID)
	if err != nil {
		return nil, "", err
	}
	switch f.Status {
	case "":
		f.Status = store.VerifyPending
	case "all":
		f.Status = ""
	case store.VerifyPending, store.VerifyConfirmed, store.VerifyMismatch:
	default:
		return nil, "", &ValidationError{Fields: []FieldError{{Field: "status", Code: "invalid_value", Key: "field_invalid_value"}}}
	}
	var after int64
	if f.Cursor != "" {
		after, err = strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil || after < 0 {
			return nil, "", &ValidationError{Fields: []FieldError{{Field: "cursor", Code: "invalid_cursor", Key: "field_invalid_cursor"}}}
		}
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := s.st.VerificationQueue(ctx, store.VerificationFilter{Status: f.Status, WithinArea: sc.area, After: after, Limit: f.Limit})
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) == f.Limit {
		next = strconv.FormatInt(rows[len(rows)-1].ID, 10)
	}
	return rows, next, nil
}

// Verify records the supervisor's second call about a complaint in the
// verification queue. Confirmed closes the item; a mismatch ("the problem
// was not solved") also reopens the complaint one level up (workflow.Verify),
// marks the report the closure rested on, and counts against the post in the
// ranking — all in one transaction.
func (s *Service) Verify(ctx context.Context, p *auth.Principal, ref, outcome, remarks string) (store.ComplaintRow, error) {
	if err := require(p, model.RoleSupervisor, model.RoleAdmin); err != nil {
		return store.ComplaintRow{}, err
	}
	remarks, err := note("remarks", remarks, false)
	if err != nil {
		return store.ComplaintRow{}, err
	}
	return s.act(ctx, p, ref, func(tx *store.Tx, c model.Complaint, now time.Time) (workflow.Result, error) {
		item, err := tx.PendingVerification(ctx, c.ID)
		if errors.Is(err, store.ErrNotFound) {
			return workflow.Result{}, &workflow.Refusal{Kind: workflow.ErrInvalidTransition, Key: "not_in_verification_queue"}
		}
		if err != nil {
			return workflow.Result{}, err
		}
		cat, err := s.category(ctx, c.CategoryID)
		if err != nil {
			return workflow.Result{}, err
		}
		sup, err := s.supervisorOf(ctx, tx, c.AccountablePostID)
		if err != nil {
			return workflow.Result{}, err
		}
		res, err := workflow.Verify(c, actor(p), workflow.VerifyOutcome(outcome), remarks, sup, cat.SLADays, now)
		if err != nil {
			return res, err
		}
		if err := tx.DecideVerification(ctx, item.ID, outcome, p.User.ID, remarks, now); err != nil {
			return res, err
		}
		return res, tx.MarkReportVerified(ctx, item.ReportID, outcome)
	})
}
