package workflow

import (
	"slices"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

var verifyAt = ist("2026-12-20T16:40")

// closedBy returns a complaint reported at L0 and closed by a feedback call
// with outcome (three unreachable calls for unreachable).
func closedBy(outcome Outcome) func(*testing.T) model.Complaint {
	return func(t *testing.T) model.Complaint {
		c := reported(t)
		for i := 0; c.Status != model.StatusClosed; i++ {
			res, err := Feedback(c, agent, outcome, "", postL1, category.SLADays, DefaultPolicy(), callAt.Add(time.Duration(i)*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			c = res.Complaint
		}
		return c
	}
}

func disputedSpecialClosure(t *testing.T) model.Complaint {
	res, err := DecideSpecialClosure(pending(t), officerL1, postL1, true, "", now5)
	if err != nil {
		t.Fatal(err)
	}
	res, err = Feedback(res.Complaint, agent, OutcomeNotSatisfied, "", postL1, category.SLADays, DefaultPolicy(), callAt)
	if err != nil {
		t.Fatal(err)
	}
	return res.Complaint
}

func atLevelClosed(level int, post int64) func(*testing.T) model.Complaint {
	return func(t *testing.T) model.Complaint {
		c := closedBy(OutcomeSatisfied)(t)
		c.Level, c.AccountablePostID = level, post
		return c
	}
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name     string
		c        func(*testing.T) model.Complaint
		actor    Actor
		outcome  VerifyOutcome
		sup      int64
		status   model.Status
		reason   model.ClosureReason
		level    int
		post     int64
		due      time.Time // zero: unchanged
		reopens  int
		messages []string
	}{
		{"confirmed changes nothing", closedBy(OutcomeSatisfied), supervisor, VerifyConfirmed, postL1,
			model.StatusClosed, model.ClosedSatisfied, 0, postL0, time.Time{}, 0, nil},
		{"confirmed by an admin", closedBy(OutcomeSatisfied), admin, VerifyConfirmed, postL1,
			model.StatusClosed, model.ClosedSatisfied, 0, postL0, time.Time{}, 0, nil},
		{"confirmed unreachable closure", closedBy(OutcomeUnreachable), supervisor, VerifyConfirmed, postL1,
			model.StatusClosed, model.ClosedUnreachable, 0, postL0, time.Time{}, 0, nil},
		{"mismatch reopens one level up with L1 days", closedBy(OutcomeSatisfied), supervisor, VerifyMismatch, postL1,
			model.StatusOpen, "", 1, postL1, ist("2026-12-27T16:40"), 1, []string{"complaint_reopened→102"}},
		{"mismatch on an unreachable closure", closedBy(OutcomeUnreachable), supervisor, VerifyMismatch, postL1,
			model.StatusOpen, "", 1, postL1, ist("2026-12-27T16:40"), 1, []string{"complaint_reopened→102"}},
		{"mismatch on a disputed special closure", disputedSpecialClosure, supervisor, VerifyMismatch, postL1,
			model.StatusOpen, "", 1, postL1, ist("2026-12-27T16:40"), 1, []string{"complaint_reopened→102"}},
		{"mismatch at L3 goes to L4", atLevelClosed(3, postL3), supervisor, VerifyMismatch, postL4,
			model.StatusOpen, "", 4, postL4, ist("2026-12-27T16:40"), 1, []string{"complaint_reopened→105"}},
		{"mismatch at L4 stays at L4 with a fresh window", atLevelClosed(4, postL4), supervisor, VerifyMismatch, 0,
			model.StatusOpen, "", 4, postL4, ist("2026-12-27T16:40"), 1, []string{"complaint_reopened→105"}},
		{"mismatch without a supervisor post: same post, L0 days", closedBy(OutcomeSatisfied), supervisor, VerifyMismatch, 0,
			model.StatusOpen, "", 0, postL0, ist("2027-01-04T16:40"), 1, []string{"complaint_reopened→101"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c(t)
			res := okAt(t, verifyAt)(Verify(c, tt.actor, tt.outcome, "नाली अब भी बंद है", tt.sup, category.SLADays, verifyAt))
			got := res.Complaint
			wantDue := tt.due
			if wantDue.IsZero() {
				wantDue = c.DueAt
			}
			if got.Status != tt.status || got.ClosureReason != tt.reason || got.Level != tt.level ||
				got.AccountablePostID != tt.post || !got.DueAt.Equal(wantDue) || got.ReopenCount != c.ReopenCount+tt.reopens {
				t.Fatalf("got status %s/%s level %d post %d due %v reopens %d", got.Status, got.ClosureReason, got.Level,
					got.AccountablePostID, got.DueAt.In(IST), got.ReopenCount)
			}
			if m := messages(res); !slices.Equal(m, tt.messages) {
				t.Fatalf("messages %v, want %v", m, tt.messages)
			}
			v := eventOf(t, res, model.EventVerification)
			if v.Payload["outcome"] != string(tt.outcome) || v.Payload["closure_reason"] != string(c.ClosureReason) ||
				v.Note != "नाली अब भी बंद है" || deref(v.ActorUserID) != tt.actor.UserID || v.Level != c.Level {
				t.Fatalf("verification event %+v", v)
			}
			if tt.reopens == 0 {
				if len(res.Events) != 1 || got.ClosedAt == nil || !got.ClosedAt.Equal(*c.ClosedAt) {
					t.Fatalf("confirmed changed more than the history: %v, closed %v", kinds(res), got.ClosedAt)
				}
				return
			}
			e := eventOf(t, res, model.EventReopened)
			if deref(e.FromPostID) != c.AccountablePostID || deref(e.ToPostID) != tt.post || deref(e.FromLevel) != c.Level ||
				deref(e.ToLevel) != tt.level {
				t.Fatalf("reopened event %+v", e)
			}
			if got.ClosedAt != nil || got.VerificationSample || got.SpecialClosure || got.FeedbackAttempts != 0 {
				t.Fatalf("mismatch kept the closure: closed %v sample %v special %v attempts %d",
					got.ClosedAt, got.VerificationSample, got.SpecialClosure, got.FeedbackAttempts)
			}
		})
	}
}

func TestVerifyRefusals(t *testing.T) {
	falseClosed := func(t *testing.T) model.Complaint {
		res, err := MarkFalse(registered(t), supervisor, "abusive caller", false, now5)
		if err != nil {
			t.Fatal(err)
		}
		return res.Complaint
	}
	duplicate := func(t *testing.T) model.Complaint {
		c := closedBy(OutcomeSatisfied)(t)
		c.ClosureReason = model.ClosedDuplicate
		return c
	}
	tests := []struct {
		name    string
		c       func(*testing.T) model.Complaint
		actor   Actor
		outcome VerifyOutcome
		remarks string
		kind    error
		field   string
	}{
		{"agent", closedBy(OutcomeSatisfied), agent, VerifyConfirmed, "", ErrForbidden, ""},
		{"officer", closedBy(OutcomeSatisfied), officerL1, VerifyConfirmed, "", ErrForbidden, ""},
		{"monitor", closedBy(OutcomeSatisfied), monitor, VerifyConfirmed, "", ErrForbidden, ""},
		{"citizen", closedBy(OutcomeSatisfied), citizen, VerifyMismatch, "x", ErrForbidden, ""},
		{"open", registered, supervisor, VerifyConfirmed, "", ErrInvalidTransition, ""},
		{"reported", reported, supervisor, VerifyConfirmed, "", ErrInvalidTransition, ""},
		{"false complaint", falseClosed, supervisor, VerifyConfirmed, "", ErrInvalidTransition, ""},
		{"duplicate", duplicate, supervisor, VerifyMismatch, "x", ErrInvalidTransition, ""},
		{"unknown outcome", closedBy(OutcomeSatisfied), supervisor, "maybe", "", ErrValidation, "outcome"},
		{"mismatch needs remarks", closedBy(OutcomeSatisfied), supervisor, VerifyMismatch, "  ", ErrValidation, "remarks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Verify(tt.c(t), tt.actor, tt.outcome, tt.remarks, postL1, category.SLADays, verifyAt)
			wantRefusal(t, err, tt.kind, tt.field)
		})
	}
}
