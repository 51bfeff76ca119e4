package workflow

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

func TestRegister(t *testing.T) {
	res := okAt(t, t0)(Register(registerInput(), agent, DefaultPolicy(), t0))
	c := res.Complaint
	wantDue := ist("2026-12-13T10:00")
	if !c.DueAt.Equal(wantDue) {
		t.Errorf("due %v, want %v", c.DueAt.In(IST), wantDue)
	}
	if c.Status != model.StatusOpen || c.Level != 0 || c.AccountablePostID != postL0 {
		t.Errorf("status %s level %d post %d", c.Status, c.Level, c.AccountablePostID)
	}
	if !c.RegisteredAt.Equal(t0) || c.DepartmentID != category.DepartmentID || c.CategoryID != category.ID ||
		c.AreaID != 900 || c.Ref != "260000012345" || c.Channel != "phone" {
		t.Errorf("complaint %+v", c)
	}
	if c.Complainant.Language != "hi" {
		t.Errorf("language %q, want hi by default", c.Complainant.Language)
	}
	wantKinds := []model.EventKind{model.EventRegistered, model.EventRouted, model.EventSMSQueued, model.EventSMSQueued}
	var got []model.EventKind
	for _, e := range res.Events {
		got = append(got, e.Kind)
	}
	if !slices.Equal(got, wantKinds) {
		t.Errorf("events %v, want %v", got, wantKinds)
	}
	if reg := eventOf(t, res, model.EventRegistered); reg.Payload["channel"] != "phone" ||
		reg.Payload["override_reason"] != nil || deref(reg.ActorUserID) != agent.UserID || reg.ActorName != agent.Name ||
		reg.ActorPostID != nil {
		t.Errorf("registered event %+v", reg)
	}
	if routed := eventOf(t, res, model.EventRouted); deref(routed.ToPostID) != postL0 || routed.Payload["how"] != RouteDesignation {
		t.Errorf("routed event %+v", routed)
	}
	if m := messages(res); !slices.Equal(m, []string{"complaint_registered→citizen", "complaint_assigned→101"}) {
		t.Errorf("messages %v", m)
	}
	for _, m := range res.Messages {
		if m.Vars["due_date"] != "13-12-2026" {
			t.Errorf("%s due_date %q", m.Template, m.Vars["due_date"])
		}
	}
	if k := res.Messages[0].DedupeKey; k != "260000012345:registered" {
		t.Errorf("registered key %q", k)
	}
}

func TestRegisterDueDates(t *testing.T) {
	tests := []struct {
		name string
		now  time.Time
		sla  int
		want time.Time
	}{
		{"fifteen days", ist("2026-11-28T10:00"), 15, ist("2026-12-13T10:00")},
		{"across the year", ist("2026-12-25T23:30"), 15, ist("2027-01-09T23:30")},
		{"early morning IST is the previous UTC day", ist("2026-03-01T02:00"), 30, ist("2026-03-31T02:00")},
		{"across february", ist("2028-02-20T09:00"), 10, ist("2028-03-01T09:00")},
		{"zero SLA reads as default", ist("2026-11-28T10:00"), 0, ist("2026-12-13T10:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := registerInput()
			in.Category.SLADays[0] = tt.sla
			res, err := Register(in, agent, DefaultPolicy(), tt.now)
			mustOK(t, res, err, tt.now)
			if !res.Complaint.DueAt.Equal(tt.want) {
				t.Fatalf("due %v, want %v", res.Complaint.DueAt.In(IST), tt.want)
			}
			if got := res.Messages[0].Vars["due_date"]; got != tt.want.Format("02-01-2006") {
				t.Fatalf("due_date %q", got)
			}
		})
	}
}

func TestRegisterRefusals(t *testing.T) {
	tests := []struct {
		name  string
		actor Actor
		edit  func(*RegisterInput)
		kind  error
		field string
	}{
		{"officer may not register", officerL0, nil, ErrForbidden, ""},
		{"monitor may not register", monitor, nil, ErrForbidden, ""},
		{"citizen for another mobile", stranger, nil, ErrForbidden, ""},
		{"actor with matching mobile but no citizen role", Actor{UserID: 9, Mobile: mobile}, nil, ErrForbidden, ""},
		{"unknown channel", agent, func(in *RegisterInput) { in.Channel = "fax" }, ErrValidation, "channel"},
		{"empty channel", agent, func(in *RegisterInput) { in.Channel = "" }, ErrValidation, "channel"},
		{"role checked before channel", officerL0, func(in *RegisterInput) { in.Channel = "fax" }, ErrForbidden, ""},
		{"blocked", agent, func(in *RegisterInput) { in.Blocked = true }, ErrCallerBlocked, ""},
		{"channel checked before block", agent, func(in *RegisterInput) { in.Blocked = true; in.Channel = "fax" }, ErrValidation, "channel"},
		{"blocked even with override", supervisor, func(in *RegisterInput) {
			in.Blocked, in.MonthCount, in.Override, in.OverrideReason = true, 10, true, "flood relief"
		}, ErrCallerBlocked, ""},
		{"monthly limit", agent, func(in *RegisterInput) { in.MonthCount = 10 }, ErrMonthlyLimit, ""},
		{"monthly limit for a supervisor without override", supervisor, func(in *RegisterInput) { in.MonthCount = 12 }, ErrMonthlyLimit, ""},
		{"agent may not override", agent, func(in *RegisterInput) {
			in.MonthCount, in.Override, in.OverrideReason = 10, true, "flood relief"
		}, ErrForbidden, ""},
		{"citizen may not override", citizen, func(in *RegisterInput) {
			in.MonthCount, in.Override, in.OverrideReason = 10, true, "please"
		}, ErrForbidden, ""},
		{"override without reason", supervisor, func(in *RegisterInput) { in.MonthCount, in.Override = 10, true }, ErrValidation, "override_reason"},
		{"override with blank reason", supervisor, func(in *RegisterInput) {
			in.MonthCount, in.Override, in.OverrideReason = 10, true, "  "
		}, ErrValidation, "override_reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := registerInput()
			if tt.edit != nil {
				tt.edit(&in)
			}
			_, err := Register(in, tt.actor, DefaultPolicy(), t0)
			wantRefusal(t, err, tt.kind, tt.field)
		})
	}
}

func TestRegisterAllowed(t *testing.T) {
	tests := []struct {
		name     string
		actor    Actor
		edit     func(*RegisterInput)
		p        Policy
		override bool
	}{
		{"agent", agent, nil, DefaultPolicy(), false},
		{"supervisor", supervisor, nil, DefaultPolicy(), false},
		{"admin", admin, nil, DefaultPolicy(), false},
		{"citizen for own mobile", citizen, func(in *RegisterInput) { in.Channel = "portal" }, DefaultPolicy(), false},
		{"ninth of the month", agent, func(in *RegisterInput) { in.MonthCount = 9 }, DefaultPolicy(), false},
		{"override flag below the limit is ignored", agent, func(in *RegisterInput) { in.MonthCount, in.Override = 3, true }, DefaultPolicy(), false},
		{"supervisor override with reason", supervisor, func(in *RegisterInput) {
			in.MonthCount, in.Override, in.OverrideReason = 10, true, "flood relief camp"
		}, DefaultPolicy(), true},
		{"admin override with reason", admin, func(in *RegisterInput) {
			in.MonthCount, in.Override, in.OverrideReason = 25, true, "flood relief camp"
		}, DefaultPolicy(), true},
		{"zero policy means the default limit", agent, func(in *RegisterInput) { in.MonthCount = 9 }, Policy{}, false},
		{"raised limit", agent, func(in *RegisterInput) { in.MonthCount = 14 }, Policy{MonthlyLimit: 15}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := registerInput()
			if tt.edit != nil {
				tt.edit(&in)
			}
			res, err := Register(in, tt.actor, tt.p, t0)
			mustOK(t, res, err, t0)
			reg := eventOf(t, res, model.EventRegistered)
			if got := reg.Payload["override_reason"] != nil; got != tt.override {
				t.Fatalf("override recorded %v, want %v (payload %v)", got, tt.override, reg.Payload)
			}
			if tt.override && reg.Payload["override_reason"] != in.OverrideReason {
				t.Fatalf("override reason %v", reg.Payload["override_reason"])
			}
			if deref(reg.ActorUserID) != tt.actor.UserID {
				t.Fatalf("actor %v", deref(reg.ActorUserID))
			}
		})
	}
	t.Run("limit counts up to the policy", func(t *testing.T) {
		in := registerInput()
		in.MonthCount = 15
		_, err := Register(in, agent, Policy{MonthlyLimit: 15}, t0)
		wantRefusal(t, err, ErrMonthlyLimit, "")
	})
}

func TestRegisterLanguage(t *testing.T) {
	in := registerInput()
	in.Complainant.Language = "en"
	res := okAt(t, t0)(Register(in, agent, DefaultPolicy(), t0))
	if res.Complaint.Complainant.Language != "en" {
		t.Fatalf("language %q", res.Complaint.Complainant.Language)
	}
	for _, m := range res.Messages {
		want := "en"
		if m.To.PostID != 0 {
			want = "hi"
		}
		if m.Language != want {
			t.Errorf("%s in %q, want %q", m.Template, m.Language, want)
		}
	}
}

func TestRegisterUnroutable(t *testing.T) {
	in := registerInput()
	in.Route = RouteDecision{}
	res := okAt(t, t0)(Register(in, agent, DefaultPolicy(), t0))
	c := res.Complaint
	if c.Status != model.StatusReturned || c.AccountablePostID != 0 || c.Level != 0 || c.ReturnCount != 0 {
		t.Fatalf("status %s post %d level %d returns %d", c.Status, c.AccountablePostID, c.Level, c.ReturnCount)
	}
	n := kinds(res)
	if n[model.EventRegistered] != 1 || n[model.EventReturned] != 1 || n[model.EventRouted] != 0 {
		t.Fatalf("events %v", n)
	}
	if e := eventOf(t, res, model.EventReturned); e.Note != "unroutable" {
		t.Fatalf("returned note %q", e.Note)
	}
	if m := messages(res); !slices.Equal(m, []string{"complaint_registered→citizen"}) {
		t.Fatalf("messages %v", m)
	}
}

func TestRegisterRouteHowRecorded(t *testing.T) {
	for _, how := range []string{RouteDesignation, RouteDistrictNodal, RouteStateNodal} {
		in := registerInput()
		in.Route = RouteDecision{PostID: 555, How: how}
		res := okAt(t, t0)(Register(in, agent, DefaultPolicy(), t0))
		if e := eventOf(t, res, model.EventRouted); e.Payload["how"] != how || deref(e.ToPostID) != int64(555) {
			t.Errorf("%s: routed %+v", how, e)
		}
	}
}

func TestRegisterDeterministic(t *testing.T) {
	a, _ := Register(registerInput(), agent, DefaultPolicy(), t0)
	b, _ := Register(registerInput(), agent, DefaultPolicy(), t0)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("two identical registrations differ:\n%+v\n%+v", a, b)
	}
}
