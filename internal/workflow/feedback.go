package workflow

import (
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// Outcome is the result of a feedback call to the citizen.
type Outcome string

// Feedback outcomes.
const (
	OutcomeSatisfied    Outcome = "satisfied"
	OutcomeNotSatisfied Outcome = "not_satisfied"
	OutcomeUnreachable  Outcome = "unreachable"
)

// Feedback records an agent's call to the citizen about a filed report
// (DESIGN §3.6, §3.7). supervisorPostID is the accountable post's supervisor,
// which takes the complaint when a dissatisfied citizen sends it one level
// up; sla is the category's ladder, for the fresh due date.
func Feedback(c model.Complaint, actor Actor, outcome Outcome, remarks string, supervisorPostID int64, sla [model.MaxLevel + 1]int, p Policy, now time.Time) (Result, error) {
	p = p.withDefaults()
	if !actor.anyRole(model.RoleAgent, model.RoleSupervisor) {
		return Result{}, refuse(ErrForbidden, keyRole)
	}
	if c.Status != model.StatusReported {
		return Result{}, wrongStatus()
	}
	switch outcome {
	case OutcomeSatisfied, OutcomeNotSatisfied, OutcomeUnreachable:
	default:
		return Result{}, invalid("outcome", "unknown_outcome")
	}
	ch := newChange(c, actor, 0, now)
	// Every call counts; only unreachable ones can follow each other, since
	// the other outcomes end the reported state.
	ch.c.FeedbackAttempts++
	fb := ch.event(model.EventFeedback)
	fb.Note = remarks
	fb.Payload = map[string]any{"outcome": string(outcome), "attempt": ch.c.FeedbackAttempts}
	ch.add(fb)

	switch {
	case outcome == OutcomeSatisfied:
		ch.closeAndTell(model.ClosedSatisfied, remarks)
	case outcome == OutcomeNotSatisfied && c.SpecialClosure:
		// A disputed special closure is not reopened: the prohibited subject
		// stays prohibited, and the state cell verifies a sample instead.
		ch.c.VerificationSample = true
		ch.closeAndTell(model.ClosedSpecialClosure, remarks)
	case outcome == OutcomeNotSatisfied:
		ch.reopen(supervisorPostID, sla)
	case ch.c.FeedbackAttempts >= p.UnreachableAttempts:
		ch.closeAndTell(model.ClosedUnreachable, remarks)
	}
	return ch.result()
}

// reopen sends the complaint back to work one level up, under the
// supervisor, with a fresh window; at the top (or with no supervisor) it stays
// where it is, with a fresh window all the same.
func (ch *change) reopen(supervisorPostID int64, sla [model.MaxLevel + 1]int) {
	from, fromLevel := ch.c.AccountablePostID, ch.c.Level
	if ch.c.Level < model.MaxLevel && supervisorPostID != 0 {
		ch.c.Level++
		ch.c.AccountablePostID = supervisorPostID
		ch.c.MarkedPostID = nil // marked below the old post, not the new one
	}
	ch.c.Status = model.StatusOpen
	ch.c.DueAt = addDays(ch.now, days(sla, ch.c.Level))
	ch.c.ReopenCount++
	ch.c.OverdueAtTop = false
	ch.c.SpecialClosure = false
	ch.c.SpecialClosureCode = ""
	ch.c.FeedbackAttempts = 0

	e := ch.event(model.EventReopened)
	e.FromLevel, e.ToLevel = intPtr(fromLevel), intPtr(ch.c.Level)
	e.FromPostID, e.ToPostID = postPtr(from), postPtr(ch.c.AccountablePostID)
	e.Payload = map[string]any{"reopen_count": ch.c.ReopenCount}
	ch.add(e)
	ch.toPost(ch.c.AccountablePostID, model.TmplReopened, ch.key("reopened", itoa(ch.c.ReopenCount)),
		map[string]string{"level": itoa(ch.c.Level), "due_date": dueDate(ch.c.DueAt)})
}

// closeAndTell closes the complaint and tells the citizen.
func (ch *change) closeAndTell(why model.ClosureReason, note string) {
	ch.close(why, note)
	ch.toCitizen(model.TmplClosed, ch.key("closed"), map[string]string{"closure_reason": string(why)})
}

// Remind records a caller chasing a complaint (DESIGN §3.9): a reminder
// event on the existing complaint, never a new one.
func Remind(c model.Complaint, actor Actor, note string, now time.Time) (Result, error) {
	if !actor.anyRole(model.RoleAgent, model.RoleSupervisor) && !actor.ownMobile(c.Complainant.Mobile) {
		return Result{}, refuse(ErrForbidden, keyRole)
	}
	if c.Status == model.StatusClosed {
		return Result{}, wrongStatus()
	}
	ch := newChange(c, actor, 0, now)
	e := ch.event(model.EventReminder)
	e.Note = note
	ch.add(e)
	return ch.result()
}
