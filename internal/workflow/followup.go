package workflow

import (
	"strconv"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// Follow-up calls. Before a deadline passes, the call centre phones the
// accountable officer ("the update of the disposal of these complaints will
// also be taken by the call-centre representatives by phone") and records the
// answer as a followup event: the officer commits to a date, cannot be
// reached, or disputes the complaint. Nothing about the complaint changes —
// the clock and the accountability stay where they are — but the answer
// stands on the timeline, where the officer's supervisor reads it. Two days
// before the deadline the officer also gets an SMS reminder, once per level
// and due date.
//
// The CallPolicy says when a complaint is due a call: a follow-up call when
// it is open and due within FollowupDays; a feedback call when it is reported.
// After a call the complaint rests out of its queue: an unanswered call is
// tried again after RetryAfter; an officer who answered is not phoned again
// about the same deadline.

// FollowupOutcome is the officer's answer to a follow-up call.
type FollowupOutcome string

// Follow-up outcomes.
const (
	FollowupCommitted   FollowupOutcome = "committed"
	FollowupUnreachable FollowupOutcome = "unreachable"
	FollowupDisputed    FollowupOutcome = "disputed"
)

// FollowupInput is what the agent records after phoning the officer.
// CommittedDate is a calendar date (its year, month and day are read in IST),
// given with committed only.
type FollowupInput struct {
	Outcome       FollowupOutcome
	CommittedDate *time.Time
	Remarks       string
}

// Followup records the officer's answer to a follow-up call as a followup
// event addressed to the accountable post. Agents and supervisors record it,
// on complaints that still wait for the officer (open, or with a special
// closure pending); a closed, reported or returned complaint is refused. A
// commitment needs a date that is not in the past; a dispute needs remarks
// saying what is disputed.
func Followup(c model.Complaint, actor Actor, in FollowupInput, now time.Time) (Result, error) {
	if !actor.anyRole(model.RoleAgent, model.RoleSupervisor) {
		return Result{}, refuse(ErrForbidden, keyRole)
	}
	if c.Status != model.StatusOpen && c.Status != model.StatusSpecialClosurePending {
		return Result{}, wrongStatus()
	}
	var date string
	switch in.Outcome {
	case FollowupCommitted:
		if in.CommittedDate == nil {
			return Result{}, invalid("committed_date", "committed_date_required")
		}
		if Day(*in.CommittedDate) < Day(now) {
			return Result{}, invalid("committed_date", "committed_date_past")
		}
		date = Day(*in.CommittedDate)
	case FollowupUnreachable:
	case FollowupDisputed:
		if blank(in.Remarks) {
			return Result{}, invalid("remarks", "dispute_needs_remarks")
		}
	default:
		return Result{}, invalid("outcome", "unknown_followup_outcome")
	}
	if in.Outcome != FollowupCommitted && in.CommittedDate != nil {
		return Result{}, invalid("committed_date", "committed_date_only_when_committed")
	}
	ch := newChange(c, actor, 0, now)
	e := ch.event(model.EventFollowup)
	e.ToPostID = postPtr(c.AccountablePostID)
	e.Note = strings.TrimSpace(in.Remarks)
	e.Payload = map[string]any{"outcome": string(in.Outcome), "due_at": c.DueAt.UTC().Format(time.RFC3339)}
	if date != "" {
		e.Payload["committed_date"] = date
		// A date after the deadline is recorded as given: the supervisor
		// should see that the officer expects to be late.
		e.Payload["after_due"] = date > Day(c.DueAt)
	}
	ch.add(e)
	return ch.result()
}

// Day is t's calendar date in IST, as YYYY-MM-DD.
func Day(t time.Time) string { return t.In(IST).Format(time.DateOnly) }

// ParseDay reads a YYYY-MM-DD calendar date as midnight IST.
func ParseDay(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, s, IST)
	return t, err == nil
}

// DayBounds returns, in UTC, the start of now's IST calendar day and of the next.
func DayBounds(now time.Time) (start, end time.Time) {
	t := now.In(IST)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, IST)
	return d.UTC(), d.AddDate(0, 0, 1).UTC()
}

// CallPolicy is the rhythm of the call centre's outbound calls.
type CallPolicy struct {
	// FollowupDays: an open complaint due within this many days is due a
	// follow-up call to its officer. Default 3.
	FollowupDays int
	// ReminderDays: the officer's SMS reminder goes this many days (of 24
	// hours) before the due date. Default 2.
	ReminderDays int
	// RetryAfter: an unanswered call, to a citizen or an officer, is tried
	// again after this long. Default 2 hours.
	RetryAfter time.Duration
	// AnsweredRest: an officer who answered is not phoned again about the same
	// deadline, nor within this long when the deadline has passed already (at
	// the top of the ladder). Default 24 hours.
	AnsweredRest time.Duration
}

// DefaultCallPolicy is the seed's rhythm.
func DefaultCallPolicy() CallPolicy {
	return CallPolicy{FollowupDays: 3, ReminderDays: 2, RetryAfter: 2 * time.Hour, AnsweredRest: 24 * time.Hour}
}

// WithDefaults fills the zero fields of p from DefaultCallPolicy.
func (p CallPolicy) WithDefaults() CallPolicy {
	d := DefaultCallPolicy()
	if p.FollowupDays <= 0 {
		p.FollowupDays = d.FollowupDays
	}
	if p.ReminderDays <= 0 {
		p.ReminderDays = d.ReminderDays
	}
	if p.RetryAfter <= 0 {
		p.RetryAfter = d.RetryAfter
	}
	if p.AnsweredRest <= 0 {
		p.AnsweredRest = d.AnsweredRest
	}
	return p
}

// FollowupDueBy is the latest due date of the complaints due a follow-up
// call at now, looking days ahead (FollowupDays when days is 0 or less).
func (p CallPolicy) FollowupDueBy(now time.Time, days int) time.Time {
	if days <= 0 {
		days = p.WithDefaults().FollowupDays
	}
	return now.UTC().Add(time.Duration(days) * 24 * time.Hour)
}

// ReminderWindow returns the due dates whose reminder is due at now: after
// from, up to and including to.
func (p CallPolicy) ReminderWindow(now time.Time) (from, to time.Time) {
	p = p.WithDefaults()
	return now.UTC(), now.UTC().Add(time.Duration(p.ReminderDays) * 24 * time.Hour)
}

// ReminderDue reports whether c's officer is due the deadline reminder at now:
// c is open and its deadline lies within the reminder window.
func (p CallPolicy) ReminderDue(c model.Complaint, now time.Time) bool {
	from, to := p.ReminderWindow(now)
	return c.Status == model.StatusOpen && c.AccountablePostID != 0 && c.DueAt.After(from) && !c.DueAt.After(to)
}

// FollowupRestUntil is when a complaint whose officer gave outcome at now is
// next due a follow-up call.
func (p CallPolicy) FollowupRestUntil(c model.Complaint, outcome FollowupOutcome, now time.Time) time.Time {
	p = p.WithDefaults()
	if outcome == FollowupUnreachable {
		return now.Add(p.RetryAfter)
	}
	next := now.Add(p.AnsweredRest)
	if c.DueAt.After(next) {
		next = c.DueAt
	}
	return next
}

// FeedbackRestUntil is when a complaint is next due a feedback call after a
// call with outcome at now; the zero time when it has left the queue or may
// be called again at once.
func (p CallPolicy) FeedbackRestUntil(after model.Complaint, outcome Outcome, now time.Time) time.Time {
	if outcome != OutcomeUnreachable || after.Status != model.StatusReported {
		return time.Time{}
	}
	return now.Add(p.WithDefaults().RetryAfter)
}

// FollowupReminder queues the SMS reminder of c's deadline to the
// accountable post, with its sms_queued event. The dedupe key names the
// level, the re-route round and the due date, so that it goes once per
// level and deadline however often it is asked for; the caller saves the
// event only when the outbox took the message. It returns ErrNotDue when no
// reminder is due at now.
func FollowupReminder(c model.Complaint, p CallPolicy, now time.Time) (Result, error) {
	if !p.ReminderDue(c, now) {
		return Result{}, refuse(ErrNotDue, "not_due")
	}
	ch := newChange(c, System(), 0, now)
	ch.toPost(c.AccountablePostID, model.TmplFollowupDue,
		ch.key("followup_due", levelKey(c.Level), round(c), strconv.FormatInt(c.DueAt.UnixMilli(), 10)),
		map[string]string{"due_date": dueDate(c.DueAt)})
	return ch.result()
}
