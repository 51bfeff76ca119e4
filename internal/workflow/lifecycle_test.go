package workflow

import (
	"reflect"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// TestLifecycleDedupeKeys drives one complaint through every kind of message —
// including a re-route back to its first post and a second climb of the same
// levels — and checks that no two messages share a dedupe key.
func TestLifecycleDedupeKeys(t *testing.T) {
	var all []Result
	step := func(name string, now time.Time, res Result, err error) model.Complaint {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		mustOK(t, res, err, now)
		all = append(all, res)
		return res.Complaint
	}
	sla := category.SLADays
	now := t0
	res, err := Register(registerInput(), agent, DefaultPolicy(), now)
	c := step("register", now, res, err)

	now = D.AddDate(0, 0, 1)
	res, err = Escalate(c, ladder, sla, now)
	c = step("escalate to L1", now, res, err)

	now = now.Add(time.Hour)
	res, err = Report(c, officerL1, "Stones restored", "h1", now)
	c = step("report", now, res, err)

	for i := 0; i < 2; i++ {
		now = now.Add(4 * time.Hour)
		res, err = Feedback(c, agent, OutcomeUnreachable, "", postL2, sla, DefaultPolicy(), now)
		c = step("unreachable", now, res, err)
	}
	now = now.Add(4 * time.Hour)
	res, err = Feedback(c, agent, OutcomeNotSatisfied, "stones moved again", postL2, sla, DefaultPolicy(), now)
	c = step("reopen to L2", now, res, err)

	now = now.AddDate(0, 0, 1)
	res, err = Return(c, officerL2, "Municipal land", now)
	c = step("return", now, res, err)

	res, err = Reroute(c, supervisor, category, 900, RouteDecision{PostID: postL0, How: RouteDesignation}, "tehsil after all", now)
	c = step("reroute to the first post", now, res, err)

	now = c.DueAt.AddDate(0, 0, 8) // two levels again: L1, L2 with the new round
	res, err = Escalate(c, ladder, sla, now)
	c = step("second climb", now, res, err)

	res, err = Report(c, officerL2, "Stones restored, photos", "h2", now)
	c = step("second report", now, res, err)

	res, err = Feedback(c, agent, OutcomeNotSatisfied, "", postL3, sla, DefaultPolicy(), now)
	c = step("reopen to L3", now, res, err)

	officerL3 := Actor{UserID: 30, Name: "DM", Roles: []model.Role{model.RoleOfficer}, Posts: []int64{postL3}}
	officerL4 := Actor{UserID: 31, Name: "Commissioner", Roles: []model.Role{model.RoleOfficer}, Posts: []int64{postL4}}
	res, err = RequestSpecialClosure(c, officerL3, category, "sub_judice", nil, "civil suit", now)
	c = step("request special closure", now, res, err)
	res, err = DecideSpecialClosure(c, officerL4, postL4, true, "", now)
	c = step("approve special closure", now, res, err)

	res, err = Feedback(c, agent, OutcomeNotSatisfied, "", postL4, sla, DefaultPolicy(), now)
	c = step("disputed special closure", now, res, err)

	if c.Status != model.StatusClosed || c.ClosureReason != model.ClosedSpecialClosure || !c.VerificationSample {
		t.Fatalf("end state %s/%s sample %v", c.Status, c.ClosureReason, c.VerificationSample)
	}

	seen := map[string]string{}
	n := 0
	counts := map[string]int{}
	for _, r := range all {
		for _, m := range r.Messages {
			n++
			counts[m.Template]++
			if prev, ok := seen[m.DedupeKey]; ok {
				t.Errorf("dedupe key %q used by %s and %s", m.DedupeKey, prev, m.Template)
			}
			seen[m.DedupeKey] = m.Template
		}
	}
	want := map[string]int{
		model.TmplRegistered: 1, model.TmplAssigned: 2, model.TmplEscalated: 3, model.TmplDefaulter: 3,
		model.TmplReportFiled: 3, model.TmplReopened: 2, model.TmplClosed: 1,
	}
	if !reflect.DeepEqual(counts, want) {
		t.Fatalf("messages per template %v, want %v", counts, want)
	}
	if n != len(seen) {
		t.Fatalf("%d messages, %d keys", n, len(seen))
	}
}

// TestDeterministic: the same call on the same state yields the same result,
// keys included, so a retried transaction queues nothing new.
func TestDeterministic(t *testing.T) {
	late := D.AddDate(0, 0, 40)
	calls := map[string]func() (Result, error){
		"register": func() (Result, error) { return Register(registerInput(), agent, DefaultPolicy(), t0) },
		"escalate": func() (Result, error) { return Escalate(registered(t), ladder, category.SLADays, late) },
		"report":   func() (Result, error) { return Report(registered(t), officerL0, "x", "h", now5) },
		"feedback": func() (Result, error) {
			return Feedback(reported(t), agent, OutcomeNotSatisfied, "", postL1, category.SLADays, DefaultPolicy(), callAt)
		},
		"reroute": func() (Result, error) {
			return Reroute(returned(t), supervisor, category, 900, RouteDecision{PostID: postL0, How: RouteDesignation}, "", now5)
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			a, errA := call()
			b, errB := call()
			if errA != nil || errB != nil {
				t.Fatalf("errors %v %v", errA, errB)
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("results differ")
			}
			if len(a.Messages) == 0 {
				t.Fatalf("no messages to compare")
			}
		})
	}
}

func TestTimesStoredInUTC(t *testing.T) {
	// A caller passing an IST time must still get UTC in the complaint and events.
	now := ist("2026-11-28T23:45")
	res := okAt(t, now)(Register(registerInput(), agent, DefaultPolicy(), now))
	if res.Complaint.RegisteredAt.Location() != time.UTC || res.Events[0].At.Location() != time.UTC {
		t.Fatalf("times not in UTC: %v %v", res.Complaint.RegisteredAt, res.Events[0].At)
	}
	if got := res.Complaint.RegisteredAt.Format(time.RFC3339); got != "2026-11-28T18:15:00Z" {
		t.Fatalf("registered at %s", got)
	}
}

func TestMonthBounds(t *testing.T) {
	tests := []struct {
		name       string
		now        time.Time
		start, end string
	}{
		{"mid month", ist("2026-11-28T10:00"), "2026-10-31T18:30:00Z", "2026-11-30T18:30:00Z"},
		{"first minute of the month in IST is still the previous month in UTC", ist("2026-12-01T00:10"),
			"2026-11-30T18:30:00Z", "2026-12-31T18:30:00Z"},
		{"last minute of the month", ist("2026-11-30T23:59"), "2026-10-31T18:30:00Z", "2026-11-30T18:30:00Z"},
		{"december rolls over the year", ist("2026-12-31T23:00"), "2026-11-30T18:30:00Z", "2026-12-31T18:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range []Policy{DefaultPolicy(), {}} {
				s, e := p.MonthBounds(tt.now)
				if s.Format(time.RFC3339) != tt.start || e.Format(time.RFC3339) != tt.end {
					t.Fatalf("MonthBounds = %s, %s; want %s, %s", s.Format(time.RFC3339), e.Format(time.RFC3339), tt.start, tt.end)
				}
			}
		})
	}
}

func TestRefusalError(t *testing.T) {
	err := invalid("channel", "unknown_channel")
	if got := err.Error(); got != "workflow: validation: channel: unknown_channel" {
		t.Fatalf("Error() = %q", got)
	}
	if got := refuse(ErrNotDue, "not_due").Error(); got != "workflow: not_due: invalid_transition: not_due" {
		t.Fatalf("Error() = %q", got)
	}
}
