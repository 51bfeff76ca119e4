package workflow

import (
	"slices"
	"testing"

	"github.com/nivaran/nivaran/internal/model"
)

func pending(t *testing.T) model.Complaint {
	t.Helper()
	res, err := RequestSpecialClosure(registered(t), officerL0, category, "sub_judice", nil, "Case 123/2026 pending in civil court", now5)
	if err != nil {
		t.Fatal(err)
	}
	return res.Complaint
}

func TestRequestSpecialClosure(t *testing.T) {
	c := registered(t)
	res := okAt(t, now5)(RequestSpecialClosure(c, officerL0, category, "sub_judice", nil, "Case pending in civil court", now5))
	got := res.Complaint
	if got.Status != model.StatusSpecialClosurePending || got.SpecialClosureCode != "sub_judice" ||
		!got.DueAt.Equal(c.DueAt) || got.SpecialClosure {
		t.Fatalf("complaint %+v", got)
	}
	e := eventOf(t, res, model.EventSpecialClosureRequested)
	if e.Payload["reason_code"] != "sub_judice" || deref(e.ActorPostID) != postL0 || e.Note == "" {
		t.Fatalf("event %+v", e)
	}
	if len(res.Messages) != 0 {
		t.Fatalf("messages %v", messages(res))
	}
	t.Run("configured codes", func(t *testing.T) {
		okAt(t, now5)(RequestSpecialClosure(c, officerL0, category, "land_ceiling", []string{"land_ceiling"}, "x", now5))
		_, err := RequestSpecialClosure(c, officerL0, category, "sub_judice", []string{"land_ceiling"}, "x", now5)
		wantRefusal(t, err, ErrValidation, "reason_code")
	})
}

func TestRequestSpecialClosureRefusals(t *testing.T) {
	noSC := category
	noSC.SpecialClosureAllowed = false
	tests := []struct {
		name  string
		c     func(*testing.T) model.Complaint
		actor Actor
		cat   model.Category
		code  string
		text  string
		kind  error
		field string
		key   string
	}{
		{"not the accountable officer", registered, officerL1, category, "sub_judice", "x", ErrForbidden, "", ""},
		{"agent", registered, agent, category, "sub_judice", "x", ErrForbidden, "", ""},
		{"already pending", pending, officerL0, category, "sub_judice", "x", ErrInvalidTransition, "", ""},
		{"reported", reported, officerL0, category, "sub_judice", "x", ErrInvalidTransition, "", ""},
		{"category does not allow it", registered, officerL0, noSC, "sub_judice", "x", ErrInvalidTransition, "", "special_closure_not_allowed"},
		{"unknown code", registered, officerL0, category, "too_hard", "x", ErrValidation, "reason_code", ""},
		{"no code", registered, officerL0, category, "", "x", ErrValidation, "reason_code", ""},
		{"no text", registered, officerL0, category, "rti_matter", "", ErrValidation, "text", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := RequestSpecialClosure(tt.c(t), tt.actor, tt.cat, tt.code, nil, tt.text, now5)
			wantRefusal(t, err, tt.kind, tt.field)
			if tt.key != "" && err.(*Refusal).Key != tt.key {
				t.Fatalf("key %q, want %q", err.(*Refusal).Key, tt.key)
			}
		})
	}
}

func TestDecideSpecialClosure(t *testing.T) {
	now := t0.AddDate(0, 0, 7)
	t.Run("approve", func(t *testing.T) {
		c := pending(t)
		res := okAt(t, now)(DecideSpecialClosure(c, officerL1, postL1, true, "Agreed: sub judice", now))
		got := res.Complaint
		if got.Status != model.StatusReported || !got.SpecialClosure || got.ReportedAt == nil ||
			!got.ReportedAt.Equal(now) || got.FeedbackAttempts != 0 || got.SpecialClosureCode != "sub_judice" ||
			got.Level != 0 || got.AccountablePostID != postL0 {
			t.Fatalf("complaint %+v", got)
		}
		e := eventOf(t, res, model.EventSpecialClosureApproved)
		if deref(e.ActorPostID) != postL1 || e.Payload["reason_code"] != "sub_judice" {
			t.Fatalf("event %+v", e)
		}
		if m := messages(res); !slices.Equal(m, []string{"report_filed→citizen"}) {
			t.Fatalf("messages %v", m)
		}
	})
	t.Run("reject", func(t *testing.T) {
		c := pending(t)
		res := okAt(t, now)(DecideSpecialClosure(c, officerL1, postL1, false, "Not sub judice: the case is about another plot", now))
		got := res.Complaint
		if got.Status != model.StatusOpen || got.SpecialClosure || got.SpecialClosureCode != "" || !got.DueAt.Equal(c.DueAt) {
			t.Fatalf("complaint %+v", got)
		}
		if n := kinds(res); n[model.EventSpecialClosureRejected] != 1 || len(res.Messages) != 0 {
			t.Fatalf("events %v messages %v", n, messages(res))
		}
	})
}

func TestDecideSpecialClosureRefusals(t *testing.T) {
	tests := []struct {
		name  string
		c     func(*testing.T) model.Complaint
		actor Actor
		sup   int64
		kind  error
	}{
		{"the accountable officer cannot approve their own", pending, officerL0, postL1, ErrForbidden},
		{"officer two levels up", pending, officerL2, postL1, ErrForbidden},
		{"no supervisor post", pending, officerL1, 0, ErrForbidden},
		{"call-centre supervisor role is not the supervisor post", pending, supervisor, postL1, ErrForbidden},
		{"not pending", registered, officerL1, postL1, ErrInvalidTransition},
		{"reported", reported, officerL1, postL1, ErrInvalidTransition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecideSpecialClosure(tt.c(t), tt.actor, tt.sup, true, "", now5)
			wantRefusal(t, err, tt.kind, "")
		})
	}
}
