package workflow

import (
	"slices"
	"testing"

	"github.com/nivaran/nivaran/internal/model"
)

func returned(t *testing.T) model.Complaint {
	t.Helper()
	c := registered(t)
	c.MarkedPostID = postPtr(postLekhpal)
	res, err := Return(c, officerL0, "Land is in the municipal area, not the tehsil's", now5)
	if err != nil {
		t.Fatal(err)
	}
	return res.Complaint
}

func TestReturn(t *testing.T) {
	c := returned(t)
	if c.Status != model.StatusReturned || c.ReturnCount != 1 || c.MarkedPostID != nil || c.AccountablePostID != postL0 {
		t.Fatalf("complaint %+v", c)
	}
	c.Status = model.StatusOpen
	res := okAt(t, now5)(Return(c, officerL0, "Still not ours", now5))
	if res.Complaint.ReturnCount != 2 {
		t.Fatalf("return count %d", res.Complaint.ReturnCount)
	}
	e := eventOf(t, res, model.EventReturned)
	if deref(e.FromPostID) != postL0 || e.Payload["reason"] != "Still not ours" || deref(e.ActorPostID) != postL0 {
		t.Fatalf("event %+v", e)
	}
}

func TestReturnRefusals(t *testing.T) {
	tests := []struct {
		name   string
		c      func(*testing.T) model.Complaint
		actor  Actor
		reason string
		kind   error
		field  string
	}{
		{"not accountable", registered, outsider, "x", ErrForbidden, ""},
		{"supervisor role", registered, supervisor, "x", ErrForbidden, ""},
		{"already returned", returned, officerL0, "x", ErrInvalidTransition, ""},
		{"reported", reported, officerL0, "x", ErrInvalidTransition, ""},
		{"no reason", registered, officerL0, "", ErrValidation, "reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Return(tt.c(t), tt.actor, tt.reason, now5)
			wantRefusal(t, err, tt.kind, tt.field)
		})
	}
}

func TestReroute(t *testing.T) {
	now := ist("2026-12-20T16:30")
	newCat := model.Category{ID: 8, DepartmentID: 5, SLADays: [model.MaxLevel + 1]int{10, 5, 5, 5, 5}}
	c := returned(t)
	c.Level, c.OverdueAtTop, c.SpecialClosure = 2, true, true // as if it had climbed before
	res := okAt(t, now)(Reroute(c, supervisor, newCat, 901, RouteDecision{PostID: postOther, How: RouteDistrictNodal}, "Nagar palika", now))
	got := res.Complaint
	if got.Status != model.StatusOpen || got.Level != 0 || got.CategoryID != 8 || got.DepartmentID != 5 ||
		got.AreaID != 901 || got.AccountablePostID != postOther || got.OverdueAtTop || got.SpecialClosure ||
		!got.DueAt.Equal(ist("2026-12-30T16:30")) {
		t.Fatalf("complaint %+v", got)
	}
	e := eventOf(t, res, model.EventRerouted)
	if deref(e.FromPostID) != postL0 || deref(e.ToPostID) != postOther || deref(e.FromLevel) != 2 ||
		deref(e.ToLevel) != 0 || e.Payload["how"] != RouteDistrictNodal || e.ActorPostID != nil {
		t.Fatalf("event %+v", e)
	}
	if m := messages(res); !slices.Equal(m, []string{"complaint_assigned→301"}) {
		t.Fatalf("messages %v", m)
	}
	if v := res.Messages[0].Vars; v["due_date"] != "30-12-2026" {
		t.Fatalf("vars %v", v)
	}
}

func TestRerouteToTheSamePostIsANewAssignment(t *testing.T) {
	first, _ := Register(registerInput(), agent, DefaultPolicy(), t0)
	res := okAt(t, now5)(Reroute(returned(t), admin, category, 900, RouteDecision{PostID: postL0, How: RouteDesignation}, "", now5))
	if first.Messages[1].DedupeKey == res.Messages[0].DedupeKey {
		t.Fatalf("re-route reused the first assignment's key %q", first.Messages[1].DedupeKey)
	}
}

func TestRerouteUnroutable(t *testing.T) {
	in := registerInput()
	in.Route = RouteDecision{}
	reg, _ := Register(in, agent, DefaultPolicy(), t0)
	res := okAt(t, now5)(Reroute(reg.Complaint, supervisor, category, 900, RouteDecision{PostID: postL0, How: RouteStateNodal}, "", now5))
	if e := eventOf(t, res, model.EventRerouted); e.FromPostID != nil || deref(e.ToPostID) != postL0 {
		t.Fatalf("event %+v", e)
	}
	if res.Complaint.Status != model.StatusOpen || res.Complaint.AccountablePostID != postL0 {
		t.Fatalf("complaint %+v", res.Complaint)
	}
}

func TestRerouteRefusals(t *testing.T) {
	route := RouteDecision{PostID: postOther, How: RouteDesignation}
	tests := []struct {
		name  string
		c     func(*testing.T) model.Complaint
		actor Actor
		route RouteDecision
		kind  error
		field string
	}{
		{"agent", returned, agent, route, ErrForbidden, ""},
		{"officer", returned, officerL1, route, ErrForbidden, ""},
		{"open", registered, supervisor, route, ErrInvalidTransition, ""},
		{"closed", func(t *testing.T) model.Complaint { return withStatus(returned(t), model.StatusClosed) }, supervisor, route, ErrInvalidTransition, ""},
		{"no route", returned, supervisor, RouteDecision{}, ErrValidation, "area_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Reroute(tt.c(t), tt.actor, category, 900, tt.route, "", now5)
			wantRefusal(t, err, tt.kind, tt.field)
		})
	}
}

func TestRejectReturn(t *testing.T) {
	c := returned(t)
	now := t0.AddDate(0, 0, 20) // past the original deadline: the clock kept running
	res := okAt(t, now)(RejectReturn(c, supervisor, "Plot is in the tehsil's records", now))
	got := res.Complaint
	if got.Status != model.StatusOpen || got.AccountablePostID != postL0 || !got.DueAt.Equal(D) ||
		got.Level != 0 || got.ReturnCount != 1 {
		t.Fatalf("complaint %+v", got)
	}
	if e := eventOf(t, res, model.EventReturnRejected); deref(e.ToPostID) != postL0 || e.Note == "" {
		t.Fatalf("event %+v", e)
	}
	// The clock was not reset, so the next sweep escalates at once.
	if _, err := Escalate(got, ladder, category.SLADays, now); err != nil {
		t.Fatalf("escalate after rejected return: %v", err)
	}
}

func TestRejectReturnRefusals(t *testing.T) {
	unroutable := func(t *testing.T) model.Complaint {
		in := registerInput()
		in.Route = RouteDecision{}
		res, _ := Register(in, agent, DefaultPolicy(), t0)
		return res.Complaint
	}
	tests := []struct {
		name  string
		c     func(*testing.T) model.Complaint
		actor Actor
		kind  error
	}{
		{"agent", returned, agent, ErrForbidden},
		{"the returning officer", returned, officerL0, ErrForbidden},
		{"open", registered, supervisor, ErrInvalidTransition},
		{"unroutable has no post to go back to", unroutable, supervisor, ErrInvalidTransition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := RejectReturn(tt.c(t), tt.actor, "", now5)
			wantRefusal(t, err, tt.kind, "")
		})
	}
}

func TestMarkFalse(t *testing.T) {
	tests := []struct {
		name  string
		c     func(*testing.T) model.Complaint
		actor Actor
		block bool
	}{
		{"open, no block", registered, supervisor, false},
		{"open, block", registered, supervisor, true},
		{"reported, admin", reported, admin, false},
		{"returned", returned, supervisor, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := okAt(t, now5)(MarkFalse(tt.c(t), tt.actor, "Same complaint filed 9 times with abuse", tt.block, now5))
			got := res.Complaint
			if got.Status != model.StatusClosed || got.ClosureReason != model.ClosedFalse || got.ClosedAt == nil || !got.ClosedAt.Equal(now5) {
				t.Fatalf("complaint %+v", got)
			}
			n := kinds(res)
			wantBlocked := 0
			if tt.block {
				wantBlocked = 1
			}
			if n[model.EventClosed] != 1 || n[model.EventCallerBlocked] != wantBlocked || len(res.Messages) != 0 {
				t.Fatalf("events %v messages %v", n, messages(res))
			}
			if e := eventOf(t, res, model.EventClosed); e.Payload["reason"] != "Same complaint filed 9 times with abuse" ||
				e.Payload["closure_reason"] != "false_complaint" {
				t.Fatalf("closed event %+v", e)
			}
			if tt.block {
				if e := eventOf(t, res, model.EventCallerBlocked); e.Payload["mobile"] != mobile {
					t.Fatalf("blocked event %+v", e)
				}
			}
		})
	}
}

func TestMarkFalseRefusals(t *testing.T) {
	tests := []struct {
		name   string
		c      func(*testing.T) model.Complaint
		actor  Actor
		reason string
		kind   error
		field  string
	}{
		{"agent", registered, agent, "x", ErrForbidden, ""},
		{"accountable officer", registered, officerL0, "x", ErrForbidden, ""},
		{"closed", func(t *testing.T) model.Complaint { return withStatus(registered(t), model.StatusClosed) }, supervisor, "x", ErrInvalidTransition, ""},
		{"no reason", registered, supervisor, "", ErrValidation, "reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := MarkFalse(tt.c(t), tt.actor, tt.reason, true, now5)
			wantRefusal(t, err, tt.kind, tt.field)
		})
	}
}
