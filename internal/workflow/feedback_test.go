package workflow

import (
	"slices"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

var callAt = ist("2026-12-10T11:15")

func TestFeedback(t *testing.T) {
	atLevel := func(level int, post int64) func(*testing.T) model.Complaint {
		return func(t *testing.T) model.Complaint {
			c := reported(t)
			c.Level, c.AccountablePostID = level, post
			return c
		}
	}
	specialClosed := func(t *testing.T) model.Complaint {
		res, err := DecideSpecialClosure(pending(t), officerL1, postL1, true, "", now5)
		if err != nil {
			t.Fatal(err)
		}
		return res.Complaint
	}
	tests := []struct {
		name     string
		c        func(*testing.T) model.Complaint
		outcome  Outcome
		sup      int64
		status   model.Status
		reason   model.ClosureReason
		level    int
		post     int64
		due      time.Time // zero: unchanged
		reopens  int
		attempts int
		sample   bool
		messages []string
	}{
		{"satisfied closes", reported, OutcomeSatisfied, postL1, model.StatusClosed, model.ClosedSatisfied,
			0, postL0, time.Time{}, 0, 1, false, []string{"complaint_closed→citizen"}},
		{"not satisfied goes one level up", reported, OutcomeNotSatisfied, postL1, model.StatusOpen, "",
			1, postL1, ist("2026-12-17T11:15"), 1, 0, false, []string{"complaint_reopened→102"}},
		{"not satisfied at L3 goes to L4", atLevel(3, postL3), OutcomeNotSatisfied, postL4, model.StatusOpen, "",
			4, postL4, ist("2026-12-17T11:15"), 1, 0, false, []string{"complaint_reopened→105"}},
		{"not satisfied at L4 stays L4 with a fresh window", atLevel(4, postL4), OutcomeNotSatisfied, 0, model.StatusOpen, "",
			4, postL4, ist("2026-12-17T11:15"), 1, 0, false, []string{"complaint_reopened→105"}},
		{"L4 ignores a supervisor post", atLevel(4, postL4), OutcomeNotSatisfied, 999, model.StatusOpen, "",
			4, postL4, ist("2026-12-17T11:15"), 1, 0, false, []string{"complaint_reopened→105"}},
		{"no supervisor: same level and post, fresh window", reported, OutcomeNotSatisfied, 0, model.StatusOpen, "",
			0, postL0, ist("2026-12-25T11:15"), 1, 0, false, []string{"complaint_reopened→101"}},
		{"disputed special closure goes to the sample", specialClosed, OutcomeNotSatisfied, postL1, model.StatusClosed,
			model.ClosedSpecialClosure, 0, postL0, time.Time{}, 0, 1, true, []string{"complaint_closed→citizen"}},
		{"satisfied with a special closure", specialClosed, OutcomeSatisfied, postL1, model.StatusClosed,
			model.ClosedSatisfied, 0, postL0, time.Time{}, 0, 1, false, []string{"complaint_closed→citizen"}},
		{"first unreachable", reported, OutcomeUnreachable, postL1, model.StatusReported, "",
			0, postL0, time.Time{}, 0, 1, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c(t)
			res := okAt(t, callAt)(Feedback(c, agent, tt.outcome, "called 11:15", tt.sup, category.SLADays, DefaultPolicy(), callAt))
			got := res.Complaint
			wantDue := tt.due
			if wantDue.IsZero() {
				wantDue = c.DueAt
			}
			if got.Status != tt.status || got.ClosureReason != tt.reason || got.Level != tt.level ||
				got.AccountablePostID != tt.post || !got.DueAt.Equal(wantDue) || got.ReopenCount != tt.reopens ||
				got.FeedbackAttempts != tt.attempts || got.VerificationSample != tt.sample {
				t.Fatalf("got status %s/%s level %d post %d due %v reopens %d attempts %d sample %v",
					got.Status, got.ClosureReason, got.Level, got.AccountablePostID, got.DueAt.In(IST),
					got.ReopenCount, got.FeedbackAttempts, got.VerificationSample)
			}
			if m := messages(res); !slices.Equal(m, tt.messages) {
				t.Fatalf("messages %v, want %v", m, tt.messages)
			}
			fb := eventOf(t, res, model.EventFeedback)
			if fb.Payload["outcome"] != string(tt.outcome) || fb.Payload["attempt"] != 1 || fb.Note != "called 11:15" ||
				deref(fb.ActorUserID) != agent.UserID {
				t.Fatalf("feedback event %+v", fb)
			}
			n := kinds(res)
			if closed := got.Status == model.StatusClosed; (n[model.EventClosed] == 1) != closed || closed && got.ClosedAt == nil {
				t.Fatalf("events %v for status %s", n, got.Status)
			}
			if (n[model.EventReopened] == 1) != (tt.reopens == 1) {
				t.Fatalf("events %v", n)
			}
			if tt.reopens == 1 {
				e := eventOf(t, res, model.EventReopened)
				if deref(e.FromLevel) != c.Level || deref(e.ToLevel) != tt.level || deref(e.FromPostID) != c.AccountablePostID ||
					deref(e.ToPostID) != tt.post {
					t.Fatalf("reopened event %+v", e)
				}
				if got.SpecialClosure || got.OverdueAtTop || got.SpecialClosureCode != "" {
					t.Fatalf("reopen kept flags: %+v", got)
				}
				if v := res.Messages[0].Vars; v["level"] != itoa(tt.level) || v["due_date"] != tt.due.Format("02-01-2006") {
					t.Fatalf("reopened vars %v", v)
				}
			}
		})
	}
}

func TestFeedbackReopenClearsMarkOnlyWhenThePostChanges(t *testing.T) {
	c := reported(t)
	c.MarkedPostID = postPtr(postLekhpal)
	up := okAt(t, callAt)(Feedback(c, agent, OutcomeNotSatisfied, "", postL1, category.SLADays, DefaultPolicy(), callAt))
	if up.Complaint.MarkedPostID != nil {
		t.Fatalf("mark under the old post kept after moving up")
	}
	same := okAt(t, callAt)(Feedback(c, agent, OutcomeNotSatisfied, "", 0, category.SLADays, DefaultPolicy(), callAt))
	if deref(same.Complaint.MarkedPostID) != postLekhpal {
		t.Fatalf("mark dropped although the post stayed")
	}
}

func TestFeedbackUnreachableThrice(t *testing.T) {
	tests := []struct {
		name  string
		p     Policy
		calls int // the call that closes
	}{
		{"default policy", DefaultPolicy(), 3},
		{"zero policy means the default", Policy{}, 3},
		{"two attempts", Policy{UnreachableAttempts: 2}, 2},
		{"five attempts", Policy{UnreachableAttempts: 5}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := reported(t)
			for i := 1; i <= tt.calls; i++ {
				now := callAt.Add(time.Duration(i) * 4 * time.Hour)
				res := okAt(t, now)(Feedback(c, agent, OutcomeUnreachable, "", postL1, category.SLADays, tt.p, now))
				c = res.Complaint
				if c.FeedbackAttempts != i {
					t.Fatalf("call %d: attempts %d", i, c.FeedbackAttempts)
				}
				if a := eventOf(t, res, model.EventFeedback).Payload["attempt"]; a != i {
					t.Fatalf("call %d: attempt payload %v", i, a)
				}
				last := i == tt.calls
				if (c.Status == model.StatusClosed) != last {
					t.Fatalf("call %d: status %s", i, c.Status)
				}
				if last && (c.ClosureReason != model.ClosedUnreachable || !slices.Equal(messages(res), []string{"complaint_closed→citizen"})) {
					t.Fatalf("call %d: %s, messages %v", i, c.ClosureReason, messages(res))
				}
			}
		})
	}
}

func TestFeedbackAfterUnreachable(t *testing.T) {
	c := reported(t)
	res := okAt(t, callAt)(Feedback(c, agent, OutcomeUnreachable, "", postL1, category.SLADays, DefaultPolicy(), callAt))
	res = okAt(t, callAt)(Feedback(res.Complaint, supervisor, OutcomeNotSatisfied, "", postL1, category.SLADays, DefaultPolicy(), callAt))
	if fb := eventOf(t, res, model.EventFeedback); fb.Payload["attempt"] != 2 {
		t.Fatalf("attempt %v", fb.Payload["attempt"])
	}
	if res.Complaint.FeedbackAttempts != 0 {
		t.Fatalf("reopen kept attempts %d", res.Complaint.FeedbackAttempts)
	}
}

func TestFeedbackRefusals(t *testing.T) {
	tests := []struct {
		name    string
		c       func(*testing.T) model.Complaint
		actor   Actor
		outcome Outcome
		kind    error
		field   string
	}{
		{"officer", reported, officerL0, OutcomeSatisfied, ErrForbidden, ""},
		{"citizen", reported, citizen, OutcomeSatisfied, ErrForbidden, ""},
		{"admin", reported, admin, OutcomeSatisfied, ErrForbidden, ""},
		{"open", registered, agent, OutcomeSatisfied, ErrInvalidTransition, ""},
		{"pending special closure", pending, agent, OutcomeSatisfied, ErrInvalidTransition, ""},
		{"closed", func(t *testing.T) model.Complaint { return withStatus(reported(t), model.StatusClosed) }, agent, OutcomeSatisfied, ErrInvalidTransition, ""},
		{"unknown outcome", reported, agent, "maybe", ErrValidation, "outcome"},
		{"empty outcome", reported, agent, "", ErrValidation, "outcome"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Feedback(tt.c(t), tt.actor, tt.outcome, "", postL1, category.SLADays, DefaultPolicy(), callAt)
			wantRefusal(t, err, tt.kind, tt.field)
		})
	}
}

func TestRemind(t *testing.T) {
	tests := []struct {
		name  string
		c     func(*testing.T) model.Complaint
		actor Actor
	}{
		{"agent on open", registered, agent},
		{"supervisor", registered, supervisor},
		{"citizen for own complaint", registered, citizen},
		{"on reported", reported, agent},
		{"on returned", returned, citizen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c(t)
			res := okAt(t, callAt)(Remind(c, tt.actor, "Caller says nothing happened yet", callAt))
			e := eventOf(t, res, model.EventReminder)
			if len(res.Events) != 1 || e.Note != "Caller says nothing happened yet" || deref(e.ActorUserID) != tt.actor.UserID {
				t.Fatalf("events %+v", res.Events)
			}
			if res.Complaint.Status != c.Status || !res.Complaint.DueAt.Equal(c.DueAt) {
				t.Fatalf("reminder changed the complaint")
			}
		})
	}
}

func TestRemindRefusals(t *testing.T) {
	tests := []struct {
		name  string
		c     func(*testing.T) model.Complaint
		actor Actor
		kind  error
	}{
		{"another citizen", registered, stranger, ErrForbidden},
		{"officer", registered, officerL0, ErrForbidden},
		{"monitor", registered, monitor, ErrForbidden},
		{"closed", func(t *testing.T) model.Complaint { return withStatus(registered(t), model.StatusClosed) }, agent, ErrInvalidTransition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Remind(tt.c(t), tt.actor, "", callAt)
			wantRefusal(t, err, tt.kind, "")
		})
	}
}
