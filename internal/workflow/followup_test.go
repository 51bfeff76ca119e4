package workflow

import (
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

func TestFollowup(t *testing.T) {
	now := ist("2026-12-14T11:00") // the complaint of registered() is due 2026-12-13 10:00; at() moves it
	due := ist("2026-12-16T10:00")
	open := func(t *testing.T) model.Complaint { return at(t, 0, postL0, due) }
	day := func(s string) *time.Time {
		d, ok := ParseDay(s)
		if !ok {
			t.Fatalf("bad day %s", s)
		}
		return &d
	}
	tests := []struct {
		name    string
		c       func(*testing.T) model.Complaint
		actor   Actor
		in      FollowupInput
		kind    error  // nil: accepted
		field   string // of a validation refusal
		payload map[string]any
	}{
		{"committed to a date before the deadline", open, agent,
			FollowupInput{Outcome: FollowupCommitted, CommittedDate: day("2026-12-15"), Remarks: "site visit tomorrow"},
			nil, "", map[string]any{"outcome": "committed", "committed_date": "2026-12-15", "after_due": false}},
		{"committed to today", open, agent, FollowupInput{Outcome: FollowupCommitted, CommittedDate: day("2026-12-14")},
			nil, "", map[string]any{"outcome": "committed", "committed_date": "2026-12-14", "after_due": false}},
		{"committed after the deadline is kept and flagged", open, supervisor,
			FollowupInput{Outcome: FollowupCommitted, CommittedDate: day("2026-12-20")},
			nil, "", map[string]any{"outcome": "committed", "committed_date": "2026-12-20", "after_due": true}},
		{"unreachable", open, agent, FollowupInput{Outcome: FollowupUnreachable}, nil, "", map[string]any{"outcome": "unreachable"}},
		{"disputed with remarks", open, agent, FollowupInput{Outcome: FollowupDisputed, Remarks: "not our department"},
			nil, "", map[string]any{"outcome": "disputed"}},
		{"special closure pending may be followed up", func(t *testing.T) model.Complaint {
			return withStatus(open(t), model.StatusSpecialClosurePending)
		}, agent, FollowupInput{Outcome: FollowupUnreachable}, nil, "", map[string]any{"outcome": "unreachable"}},

		{"committed without a date", open, agent, FollowupInput{Outcome: FollowupCommitted}, ErrValidation, "committed_date", nil},
		{"committed to yesterday", open, agent, FollowupInput{Outcome: FollowupCommitted, CommittedDate: day("2026-12-13")},
			ErrValidation, "committed_date", nil},
		{"a date with another outcome", open, agent, FollowupInput{Outcome: FollowupUnreachable, CommittedDate: day("2026-12-15")},
			ErrValidation, "committed_date", nil},
		{"disputed without remarks", open, agent, FollowupInput{Outcome: FollowupDisputed, Remarks: "  "}, ErrValidation, "remarks", nil},
		{"unknown outcome", open, agent, FollowupInput{Outcome: "maybe"}, ErrValidation, "outcome", nil},
		{"closed complaint", func(t *testing.T) model.Complaint { return withStatus(open(t), model.StatusClosed) },
			agent, FollowupInput{Outcome: FollowupUnreachable}, ErrInvalidTransition, "", nil},
		{"reported complaint", func(t *testing.T) model.Complaint { return withStatus(open(t), model.StatusReported) },
			agent, FollowupInput{Outcome: FollowupUnreachable}, ErrInvalidTransition, "", nil},
		{"returned complaint", func(t *testing.T) model.Complaint { return withStatus(open(t), model.StatusReturned) },
			agent, FollowupInput{Outcome: FollowupUnreachable}, ErrInvalidTransition, "", nil},
		{"officer may not record", open, officerL0, FollowupInput{Outcome: FollowupUnreachable}, ErrForbidden, "", nil},
		{"citizen may not record", open, citizen, FollowupInput{Outcome: FollowupUnreachable}, ErrForbidden, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c(t)
			res, err := Followup(c, tt.actor, tt.in, now)
			if tt.kind != nil {
				wantRefusal(t, err, tt.kind, tt.field)
				return
			}
			res = mustOK(t, res, err, now)
			if len(res.Events) != 1 || len(res.Messages) != 0 {
				t.Fatalf("events %v messages %v", kinds(res), messages(res))
			}
			e := eventOf(t, res, model.EventFollowup)
			if deref(e.ToPostID) != postL0 || deref(e.ActorUserID) != tt.actor.UserID || e.ActorPostID != nil {
				t.Fatalf("event to %v by %v for %v", deref(e.ToPostID), deref(e.ActorUserID), deref(e.ActorPostID))
			}
			for k, v := range tt.payload {
				if e.Payload[k] != v {
					t.Errorf("payload %s = %v, want %v", k, e.Payload[k], v)
				}
			}
			got := res.Complaint
			if got.Status != c.Status || got.Level != c.Level || !got.DueAt.Equal(c.DueAt) || got.AccountablePostID != c.AccountablePostID {
				t.Fatalf("a follow-up changed the complaint: %+v", got)
			}
		})
	}
}

func TestFollowupReminder(t *testing.T) {
	p := DefaultCallPolicy()
	due := ist("2026-12-16T10:00")
	tests := []struct {
		name   string
		status model.Status
		now    time.Time
		due    bool
	}{
		{"three days before", model.StatusOpen, ist("2026-12-13T10:00"), false},
		{"just over two days before", model.StatusOpen, ist("2026-12-14T09:59"), false},
		{"exactly two days before", model.StatusOpen, ist("2026-12-14T10:00"), true},
		{"the day before", model.StatusOpen, ist("2026-12-15T10:00"), true},
		{"at the deadline", model.StatusOpen, ist("2026-12-16T10:00"), false},
		{"reported", model.StatusReported, ist("2026-12-15T10:00"), false},
		{"special closure pending", model.StatusSpecialClosurePending, ist("2026-12-15T10:00"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := withStatus(at(t, 2, postL2, due), tt.status)
			res, err := FollowupReminder(c, p, tt.now)
			if !tt.due {
				wantRefusal(t, err, ErrNotDue, "")
				return
			}
			res = mustOK(t, res, err, tt.now)
			if m := messages(res); len(m) != 1 || m[0] != "followup_due→103" {
				t.Fatalf("messages %v", m)
			}
			if res.Messages[0].Vars["due_date"] != "16-12-2026" {
				t.Fatalf("vars %v", res.Messages[0].Vars)
			}
			if got := res.Complaint; got.Status != c.Status || got.Level != c.Level || !got.DueAt.Equal(c.DueAt) {
				t.Fatalf("a reminder changed the complaint")
			}
			again, _ := FollowupReminder(c, p, tt.now.Add(time.Hour))
			if again.Messages[0].DedupeKey != res.Messages[0].DedupeKey {
				t.Fatalf("the key changed within a level: %s, %s", res.Messages[0].DedupeKey, again.Messages[0].DedupeKey)
			}
			up := c
			up.Level, up.AccountablePostID = 3, postL3
			next, _ := FollowupReminder(up, p, tt.now)
			if next.Messages[0].DedupeKey == res.Messages[0].DedupeKey {
				t.Fatalf("two levels share the key %s", next.Messages[0].DedupeKey)
			}
			later := c
			later.DueAt = c.DueAt.Add(-time.Hour)
			moved, _ := FollowupReminder(later, p, tt.now)
			if moved.Messages[0].DedupeKey == res.Messages[0].DedupeKey {
				t.Fatalf("two deadlines share the key %s", moved.Messages[0].DedupeKey)
			}
		})
	}
}

func TestCallPolicyRest(t *testing.T) {
	p := DefaultCallPolicy()
	now := ist("2026-12-14T11:00")
	c := at(t, 0, postL0, ist("2026-12-16T10:00"))
	if got := p.FollowupRestUntil(c, FollowupUnreachable, now); !got.Equal(now.Add(2 * time.Hour)) {
		t.Errorf("unreachable officer rests until %v", got)
	}
	if got := p.FollowupRestUntil(c, FollowupCommitted, now); !got.Equal(c.DueAt) {
		t.Errorf("an answer rests until %v, want the deadline", got)
	}
	top := at(t, 4, postL4, ist("2026-12-10T10:00")) // overdue at the top
	if got := p.FollowupRestUntil(top, FollowupDisputed, now); !got.Equal(now.Add(24 * time.Hour)) {
		t.Errorf("an answer past the deadline rests until %v", got)
	}
	rep := withStatus(c, model.StatusReported)
	if got := p.FeedbackRestUntil(rep, OutcomeUnreachable, now); !got.Equal(now.Add(2 * time.Hour)) {
		t.Errorf("unreachable citizen rests until %v", got)
	}
	if got := p.FeedbackRestUntil(withStatus(c, model.StatusClosed), OutcomeUnreachable, now); !got.IsZero() {
		t.Errorf("a closed complaint rests until %v", got)
	}
	if got := p.FeedbackRestUntil(rep, OutcomeSatisfied, now); !got.IsZero() {
		t.Errorf("satisfied rests until %v", got)
	}
	if start, end := DayBounds(now); Day(start) != "2026-12-14" || end.Sub(start) != 24*time.Hour || start.In(IST).Hour() != 0 {
		t.Errorf("day bounds %v %v", start, end)
	}
}
