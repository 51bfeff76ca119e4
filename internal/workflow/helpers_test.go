package workflow

import (
	"errors"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// The ladder of the fixtures: a Tehsildar (L0) up to a Commissioner (L4), and
// a Lekhpal below the Tehsildar for marking.
const (
	postL0      int64 = 101
	postL1      int64 = 102
	postL2      int64 = 103
	postL3      int64 = 104
	postL4      int64 = 105
	postLekhpal int64 = 201
	postOther   int64 = 301
)

var ladder = []int64{postL0, postL1, postL2, postL3, postL4}

const mobile = "9876543210"

var (
	agent      = Actor{UserID: 1, Name: "Asha (agent)", Roles: []model.Role{model.RoleAgent}}
	supervisor = Actor{UserID: 2, Name: "Suresh (supervisor)", Roles: []model.Role{model.RoleSupervisor}}
	admin      = Actor{UserID: 3, Name: "Admin", Roles: []model.Role{model.RoleAdmin}}
	monitor    = Actor{UserID: 4, Name: "Monitor", Roles: []model.Role{model.RoleMonitor}}
	officerL0  = Actor{UserID: 10, Name: "Tehsildar", Roles: []model.Role{model.RoleOfficer}, Posts: []int64{postL0}}
	officerL1  = Actor{UserID: 11, Name: "SDM", Roles: []model.Role{model.RoleOfficer}, Posts: []int64{postL1}}
	officerL2  = Actor{UserID: 12, Name: "ADM", Roles: []model.Role{model.RoleOfficer}, Posts: []int64{postL2}}
	lekhpal    = Actor{UserID: 13, Name: "Lekhpal", Roles: []model.Role{model.RoleOfficer}, Posts: []int64{postLekhpal}}
	outsider   = Actor{UserID: 14, Name: "Other officer", Roles: []model.Role{model.RoleOfficer}, Posts: []int64{postOther}}
	citizen    = Actor{UserID: 20, Name: "Ram", Roles: []model.Role{model.RoleCitizen}, Mobile: mobile}
	stranger   = Actor{UserID: 21, Name: "Shyam", Roles: []model.Role{model.RoleCitizen}, Mobile: "9123456789"}
)

var category = model.Category{
	ID: 7, Code: "REV-BOUNDARY", DepartmentID: 3, DesignationID: 30, Designation: "tehsildar",
	SLADays: model.DefaultSLA, SpecialClosureAllowed: true,
}

// ist reads a wall-clock time in Asia/Kolkata, "2006-01-02T15:04".
func ist(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04", s, IST)
	if err != nil {
		panic(err)
	}
	return t
}

var t0 = ist("2026-11-28T10:00")

func registerInput() RegisterInput {
	return RegisterInput{
		Ref:         "260000012345",
		Channel:     "phone",
		Complainant: model.Complainant{Name: "Ram", Mobile: mobile, Address: "Village Rampur"},
		Category:    category,
		AreaID:      900,
		Description: "Boundary stones removed by neighbour",
		Route:       RouteDecision{PostID: postL0, How: RouteDesignation},
		MonthCount:  0,
	}
}

// registered returns a fresh open complaint at L0, registered at t0.
func registered(t *testing.T) model.Complaint {
	t.Helper()
	res, err := Register(registerInput(), agent, DefaultPolicy(), t0)
	if err != nil {
		t.Fatal(err)
	}
	res.Complaint.ID = 42
	return res.Complaint
}

// at returns an open complaint at level with the given accountable post and due date.
func at(t *testing.T, level int, post int64, due time.Time) model.Complaint {
	t.Helper()
	c := registered(t)
	c.Level, c.AccountablePostID, c.DueAt = level, post, due.UTC()
	return c
}

func reported(t *testing.T) model.Complaint {
	t.Helper()
	res, err := Report(registered(t), officerL0, "Stones restored in presence of both parties", "h1", t0.AddDate(0, 0, 5))
	if err != nil {
		t.Fatal(err)
	}
	return res.Complaint
}

func withStatus(c model.Complaint, s model.Status) model.Complaint {
	c.Status = s
	return c
}

// wantRefusal asserts that err is a *Refusal of kind, naming field.
func wantRefusal(t *testing.T, err error, kind error, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", kind)
	}
	if !errors.Is(err, kind) {
		t.Fatalf("error %v, want %v", err, kind)
	}
	var r *Refusal
	if !errors.As(err, &r) {
		t.Fatalf("error %T is not a *Refusal", err)
	}
	if r.Field != field {
		t.Fatalf("refusal field %q, want %q", r.Field, field)
	}
	if r.Key == "" {
		t.Fatalf("refusal %v has no locale key", err)
	}
}

// mustOK asserts err is nil and that res keeps the conventions every Result
// shares: events stamped now, complaint times in UTC, one sms_queued event per
// message with the same template and key, messages carrying the reference.
func mustOK(t *testing.T, res Result, err error, now time.Time) Result {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected refusal: %v", err)
	}
	c := res.Complaint
	if !c.UpdatedAt.Equal(now) || c.UpdatedAt.Location() != time.UTC {
		t.Errorf("UpdatedAt = %v, want %v in UTC", c.UpdatedAt, now)
	}
	if c.DueAt.Location() != time.UTC || c.RegisteredAt.Location() != time.UTC {
		t.Errorf("complaint times not UTC: due %v registered %v", c.DueAt, c.RegisteredAt)
	}
	if len(res.Events) == 0 {
		t.Fatalf("no events")
	}
	var queued []model.Event
	for _, e := range res.Events {
		if !e.At.Equal(now) {
			t.Errorf("event %s at %v, want %v", e.Kind, e.At, now)
		}
		if e.Level > c.Level || e.Level < 0 {
			t.Errorf("event %s level %d, complaint at %d", e.Kind, e.Level, c.Level)
		}
		if e.ComplaintID != c.ID {
			t.Errorf("event %s complaint id %d, want %d", e.Kind, e.ComplaintID, c.ID)
		}
		if e.Kind == model.EventSMSQueued {
			queued = append(queued, e)
		}
	}
	if last := res.Events[len(res.Events)-1]; last.Level != c.Level {
		t.Errorf("last event %s level %d, complaint at %d", last.Kind, last.Level, c.Level)
	}
	if len(queued) != len(res.Messages) {
		t.Fatalf("%d sms_queued events for %d messages", len(queued), len(res.Messages))
	}
	for i, m := range res.Messages {
		p := queued[i].Payload
		if p["template"] != m.Template || p["dedupe_key"] != m.DedupeKey {
			t.Errorf("sms_queued %v does not match message %s %s", p, m.Template, m.DedupeKey)
		}
		if m.Vars["ref"] != c.Ref || m.DedupeKey == "" || m.Language == "" {
			t.Errorf("message %s: ref %q key %q language %q", m.Template, m.Vars["ref"], m.DedupeKey, m.Language)
		}
		switch {
		case m.To.PostID != 0 && m.To.Mobile == "":
			if p["recipient"] != "officer" || p["post_id"] != m.To.PostID || m.Language != "hi" {
				t.Errorf("officer message %s: payload %v, language %s", m.Template, p, m.Language)
			}
		case m.To.PostID == 0 && m.To.Mobile != "":
			if p["recipient"] != "citizen" || m.To.Mobile != c.Complainant.Mobile {
				t.Errorf("citizen message %s: payload %v to %q", m.Template, p, m.To.Mobile)
			}
		default:
			t.Errorf("message %s has recipient %+v", m.Template, m.To)
		}
	}
	return res
}

func kinds(res Result) map[model.EventKind]int {
	n := map[model.EventKind]int{}
	for _, e := range res.Events {
		n[e.Kind]++
	}
	return n
}

func eventOf(t *testing.T, res Result, kind model.EventKind) model.Event {
	t.Helper()
	for _, e := range res.Events {
		if e.Kind == kind {
			return e
		}
	}
	t.Fatalf("no %s event in %v", kind, kinds(res))
	return model.Event{}
}

// messages returns "template→recipient" for each message, recipient being
// "citizen" or the post id.
func messages(res Result) []string {
	var out []string
	for _, m := range res.Messages {
		to := "citizen"
		if m.To.PostID != 0 {
			to = itoa64(m.To.PostID)
		}
		out = append(out, m.Template+"→"+to)
	}
	return out
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// okAt returns mustOK for now, to wrap a call: okAt(t, now)(Register(…)).
func okAt(t *testing.T, now time.Time) func(Result, error) Result {
	t.Helper()
	return func(res Result, err error) Result {
		t.Helper()
		return mustOK(t, res, err, now)
	}
}
