package service

import (
	"context"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// FollowupRequest is the officer's answer to a follow-up call as an agent
// records it: outcome committed, unreachable or disputed; CommittedDate a
// YYYY-MM-DD date (with committed only).
type FollowupRequest struct {
	Outcome       string
	CommittedDate string
	Remarks       string
}

// RecordFollowup records the officer's answer to a follow-up call as a
// followup event, releasing the agent's lease on the item.
func (s *Service) RecordFollowup(ctx context.Context, p *auth.Principal, ref string, in FollowupRequest) (store.ComplaintRow, error) {
	var c checker
	remarks := c.text("remarks", in.Remarks, false, MaxNote)
	var date *time.Time
	if in.CommittedDate != "" {
		d, ok := workflow.ParseDay(in.CommittedDate)
		if !ok {
			c.add("committed_date", "invalid_date", nil)
		}
		date = &d
	}
	if err := c.err(); err != nil {
		return store.ComplaintRow{}, err
	}
	return s.act(ctx, p, ref, func(tx *store.Tx, c model.Complaint, now time.Time) (workflow.Result, error) {
		res, err := workflow.Followup(c, actor(p), workflow.FollowupInput{Outcome: workflow.FollowupOutcome(in.Outcome),
			CommittedDate: date, Remarks: remarks}, now)
		if err != nil {
			return res, err
		}
		// Once the workflow allows the call, whose call it is.
		return res, checkCallHolder(ctx, tx, p, store.QueueFollowup, c.ID, now)
	})
}

// callCentreHook keeps the call centre's tables in step with every
// complaint change, in its transaction: it logs registrations, feedback
// calls and follow-up calls (with the handling time of an item the same
// agent took from its queue), ends or rests the leases of calls made, drops
// leases of complaints that left their queue, and queues the deadline
// reminder when a change sets a deadline that is already near.
func (s *Service) callCentreHook(ctx context.Context, tx *store.Tx, before *model.Complaint, after model.Complaint, events []model.Event) error {
	cc := s.CallCentre()
	if before == nil {
		a := store.OpsAction{At: after.RegisteredAt, Kind: store.ActionRegistered, ComplaintID: after.ID, Outcome: after.Channel}
		if len(events) > 0 && events[0].ActorUserID != nil {
			a.UserID = *events[0].ActorUserID
		}
		if err := tx.InsertOpsAction(ctx, a); err != nil {
			return err
		}
		if cc.Policy.ReminderDue(after, after.UpdatedAt) {
			_, err := s.remind(ctx, tx, after, cc.Policy, after.UpdatedAt)
			return err
		}
		return nil
	}
	released := map[string]bool{}
	for _, e := range events {
		var queue, kind string
		var rest time.Time
		outcome, _ := e.Payload["outcome"].(string)
		switch e.Kind {
		case model.EventFeedback:
			queue, kind = store.QueueFeedback, store.ActionFeedback
			rest = cc.Policy.FeedbackRestUntil(after, workflow.Outcome(outcome), e.At)
		case model.EventFollowup:
			queue, kind = store.QueueFollowup, store.ActionFollowup
			rest = cc.Policy.FollowupRestUntil(after, workflow.FollowupOutcome(outcome), e.At)
		default:
			continue
		}
		var user int64
		if e.ActorUserID != nil {
			user = *e.ActorUserID
		}
		held, ok, err := tx.ReleaseLease(ctx, queue, after.ID, user, e.At, rest)
		if err != nil {
			return err
		}
		released[queue] = true
		a := store.OpsAction{At: e.At, Kind: kind, UserID: user, ComplaintID: after.ID, Outcome: outcome}
		if ok {
			a.Handling = &held
		}
		if err := tx.InsertOpsAction(ctx, a); err != nil {
			return err
		}
	}
	if before.Status == model.StatusReported && after.Status != model.StatusReported && !released[store.QueueFeedback] {
		if err := tx.DropLease(ctx, store.QueueFeedback, after.ID); err != nil {
			return err
		}
	}
	if before.Status == model.StatusOpen && after.Status != model.StatusOpen && !released[store.QueueFollowup] {
		if err := tx.DropLease(ctx, store.QueueFollowup, after.ID); err != nil {
			return err
		}
	}
	// A deadline set inside the reminder window (a short SLA, a late sweep,
	// a complaint back from the desk) is not crossed by the sweep's horizon:
	// remind now. The dedupe key keeps it to once per level and deadline.
	moved := before.Status != model.StatusOpen || before.Level != after.Level || !before.DueAt.Equal(after.DueAt) ||
		before.AccountablePostID != after.AccountablePostID
	if moved && cc.Policy.ReminderDue(after, after.UpdatedAt) {
		if _, err := s.remind(ctx, tx, after, cc.Policy, after.UpdatedAt); err != nil {
			return err
		}
	}
	return nil
}
