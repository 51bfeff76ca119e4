package workflow

import (
	"slices"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// D is the L0 deadline of the registered fixture.
var D = ist("2026-12-13T10:00")

func TestEscalateOneLevel(t *testing.T) {
	tests := []struct {
		name     string
		now      time.Time
		wantDue  time.Time
		wantPost int64
	}{
		{"exactly at the deadline", D, ist("2026-12-20T10:00"), postL1},
		{"a minute late", D.Add(time.Minute), ist("2026-12-20T10:00"), postL1},
		{"three days late: due still D+7", D.AddDate(0, 0, 3), ist("2026-12-20T10:00"), postL1},
		{"six days late", D.AddDate(0, 0, 6).Add(23 * time.Hour), ist("2026-12-20T10:00"), postL1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := registered(t)
			res := okAt(t, tt.now)(Escalate(c, ladder, category.SLADays, tt.now))
			got := res.Complaint
			if got.Level != 1 || got.AccountablePostID != tt.wantPost || !got.DueAt.Equal(tt.wantDue) {
				t.Fatalf("level %d post %d due %v; want 1 %d %v", got.Level, got.AccountablePostID,
					got.DueAt.In(IST), tt.wantPost, tt.wantDue)
			}
			n := kinds(res)
			if n[model.EventEscalated] != 1 || n[model.EventOverdueAtTop] != 0 || n[model.EventSMSQueued] != 2 {
				t.Fatalf("events %v", n)
			}
			e := eventOf(t, res, model.EventEscalated)
			if deref(e.FromLevel) != 0 || deref(e.ToLevel) != 1 || deref(e.FromPostID) != postL0 ||
				deref(e.ToPostID) != postL1 || e.Payload["defaulter_post_id"] != postL0 || e.Level != 1 {
				t.Fatalf("escalated event %+v", e)
			}
			if e.ActorUserID != nil || e.ActorName != "system" || e.ActorPostID != nil {
				t.Fatalf("escalation actor %+v", e)
			}
			if m := messages(res); !slices.Equal(m, []string{"complaint_escalated→102", "escalation_defaulter→101"}) {
				t.Fatalf("messages %v", m)
			}
			if v := res.Messages[0].Vars; v["level"] != "1" || v["due_date"] != "20-12-2026" {
				t.Fatalf("escalated vars %v", v)
			}
			_, err := Escalate(got, ladder[1:], category.SLADays, tt.now)
			wantRefusal(t, err, ErrNotDue, "")
		})
	}
}

func TestEscalateNotDue(t *testing.T) {
	c := registered(t)
	for _, now := range []time.Time{t0, D.Add(-time.Second)} {
		_, err := Escalate(c, ladder, category.SLADays, now)
		wantRefusal(t, err, ErrNotDue, "")
		wantRefusal(t, err, ErrInvalidTransition, "")
	}
}

func TestEscalateLateSweepClimbsLevelByLevel(t *testing.T) {
	now := D.AddDate(0, 0, 40) // 2027-01-22
	res := okAt(t, now)(Escalate(registered(t), ladder, category.SLADays, now))
	c := res.Complaint
	wantDue := ist("2027-01-10T10:00") // D + 7 + 7 + 7 + 7
	if c.Level != 4 || c.AccountablePostID != postL4 || !c.DueAt.Equal(wantDue) || !c.OverdueAtTop {
		t.Fatalf("level %d post %d due %v top %v", c.Level, c.AccountablePostID, c.DueAt.In(IST), c.OverdueAtTop)
	}
	var steps []string
	wantDues := []string{"20-12-2026", "27-12-2026", "03-01-2027", "10-01-2027"}
	i := 0
	for _, e := range res.Events {
		if e.Kind != model.EventEscalated {
			continue
		}
		steps = append(steps, itoa(deref(e.FromLevel).(int))+"→"+itoa(deref(e.ToLevel).(int)))
		if deref(e.FromPostID) != ladder[i] || deref(e.ToPostID) != ladder[i+1] || e.Level != i+1 {
			t.Errorf("step %d: %+v", i, e)
		}
		i++
	}
	if !slices.Equal(steps, []string{"0→1", "1→2", "2→3", "3→4"}) {
		t.Fatalf("steps %v", steps)
	}
	var dues []string
	for _, m := range res.Messages {
		if m.Template == model.TmplEscalated {
			dues = append(dues, m.Vars["due_date"])
		}
	}
	if !slices.Equal(dues, wantDues) {
		t.Fatalf("escalated due dates %v, want %v", dues, wantDues)
	}
	n := kinds(res)
	if n[model.EventEscalated] != 4 || n[model.EventOverdueAtTop] != 1 || len(res.Messages) != 8 {
		t.Fatalf("events %v, %d messages", n, len(res.Messages))
	}
	if last := res.Events[len(res.Events)-1]; last.Kind != model.EventOverdueAtTop || deref(last.FromPostID) != postL4 {
		t.Fatalf("last event %+v", last)
	}
	for _, later := range []time.Time{now, now.AddDate(0, 0, 100)} {
		_, err := Escalate(c, ladder[4:], category.SLADays, later)
		wantRefusal(t, err, ErrNotDue, "")
	}
}

func TestEscalatePartialCatchUp(t *testing.T) {
	// Two deadlines passed (D and D+7), the third (D+14) not yet.
	now := D.AddDate(0, 0, 10)
	res := okAt(t, now)(Escalate(registered(t), ladder, category.SLADays, now))
	c := res.Complaint
	if c.Level != 2 || c.AccountablePostID != postL2 || !c.DueAt.Equal(ist("2026-12-27T10:00")) || c.OverdueAtTop {
		t.Fatalf("level %d post %d due %v top %v", c.Level, c.AccountablePostID, c.DueAt.In(IST), c.OverdueAtTop)
	}
	if n := kinds(res); n[model.EventEscalated] != 2 || n[model.EventOverdueAtTop] != 0 {
		t.Fatalf("events %v", n)
	}
}

func TestEscalateCustomLadderDays(t *testing.T) {
	sla := [model.MaxLevel + 1]int{10, 3, 5, 2, 1}
	c := at(t, 0, postL0, ist("2027-03-01T18:00"))
	now := ist("2027-03-09T09:00") // past D+3 and D+3+5, not D+10
	res := okAt(t, now)(Escalate(c, ladder, sla, now))
	if got := res.Complaint; got.Level != 2 || !got.DueAt.Equal(ist("2027-03-09T18:00")) {
		t.Fatalf("level %d due %v", got.Level, got.DueAt.In(IST))
	}
}

func TestEscalateSweepEveryHourFiresEachLevelOnce(t *testing.T) {
	c := registered(t)
	counts := map[model.EventKind]int{}
	perLevel := map[int]int{}
	keys := map[string]bool{}
	for now := t0; now.Before(t0.AddDate(0, 0, 90)); now = now.Add(time.Hour) {
		res, err := Escalate(c, ladder[c.Level:], category.SLADays, now)
		if err != nil {
			wantRefusal(t, err, ErrNotDue, "")
			continue
		}
		mustOK(t, res, nil, now)
		for _, e := range res.Events {
			counts[e.Kind]++
			if e.Kind == model.EventEscalated {
				perLevel[deref(e.ToLevel).(int)]++
			}
		}
		for _, m := range res.Messages {
			if keys[m.DedupeKey] {
				t.Fatalf("dedupe key %q repeated", m.DedupeKey)
			}
			keys[m.DedupeKey] = true
		}
		c = res.Complaint
	}
	for l := 1; l <= 4; l++ {
		if perLevel[l] != 1 {
			t.Errorf("level %d escalated %d times", l, perLevel[l])
		}
	}
	if counts[model.EventOverdueAtTop] != 1 || len(keys) != 8 {
		t.Fatalf("events %v, %d distinct keys", counts, len(keys))
	}
	if !c.DueAt.Equal(ist("2027-01-10T10:00")) {
		t.Fatalf("final due %v", c.DueAt.In(IST))
	}
}

func TestEscalateShortLadder(t *testing.T) {
	short := ladder[:3] // the ladder ends at L2
	now := D.AddDate(0, 0, 40)
	res := okAt(t, now)(Escalate(registered(t), short, category.SLADays, now))
	c := res.Complaint
	if c.Level != 2 || c.AccountablePostID != postL2 || !c.OverdueAtTop || !c.DueAt.Equal(ist("2026-12-27T10:00")) {
		t.Fatalf("level %d post %d top %v due %v", c.Level, c.AccountablePostID, c.OverdueAtTop, c.DueAt.In(IST))
	}
	if n := kinds(res); n[model.EventEscalated] != 2 || n[model.EventOverdueAtTop] != 1 {
		t.Fatalf("events %v", n)
	}
	_, err := Escalate(c, short[2:], category.SLADays, now.AddDate(0, 0, 1))
	wantRefusal(t, err, ErrNotDue, "")

	t.Run("a supervisor added later resumes the climb", func(t *testing.T) {
		later := now.AddDate(0, 0, 1)
		res := okAt(t, later)(Escalate(c, ladder[2:], category.SLADays, later))
		if got := res.Complaint; got.Level != 4 || !got.OverdueAtTop {
			t.Fatalf("level %d top %v", got.Level, got.OverdueAtTop)
		}
		if n := kinds(res); n[model.EventEscalated] != 2 || n[model.EventOverdueAtTop] != 1 {
			t.Fatalf("events %v", n)
		}
	})
	t.Run("no chain at all", func(t *testing.T) {
		res := okAt(t, now)(Escalate(registered(t), nil, category.SLADays, now))
		if got := res.Complaint; got.Level != 0 || !got.OverdueAtTop || len(res.Messages) != 0 {
			t.Fatalf("level %d top %v messages %d", got.Level, got.OverdueAtTop, len(res.Messages))
		}
	})
	t.Run("zero supervisor id ends the ladder", func(t *testing.T) {
		res := okAt(t, now)(Escalate(registered(t), []int64{postL0, 0, postL2}, category.SLADays, now))
		if got := res.Complaint; got.Level != 0 || !got.OverdueAtTop {
			t.Fatalf("level %d top %v", got.Level, got.OverdueAtTop)
		}
	})
}

func TestEscalateAtTop(t *testing.T) {
	due := ist("2027-01-10T10:00")
	c := at(t, 4, postL4, due)
	now := due.Add(time.Hour)
	res := okAt(t, now)(Escalate(c, []int64{postL4}, category.SLADays, now))
	if n := kinds(res); len(res.Events) != 1 || n[model.EventOverdueAtTop] != 1 || len(res.Messages) != 0 {
		t.Fatalf("events %v messages %v", n, messages(res))
	}
	if got := res.Complaint; got.Level != 4 || !got.DueAt.Equal(due) || !got.OverdueAtTop || got.AccountablePostID != postL4 {
		t.Fatalf("complaint %+v", got)
	}
	_, err := Escalate(res.Complaint, []int64{postL4}, category.SLADays, now.AddDate(0, 1, 0))
	wantRefusal(t, err, ErrNotDue, "")
	_, err = Escalate(c, []int64{postL4}, category.SLADays, due.Add(-time.Minute))
	wantRefusal(t, err, ErrNotDue, "")
}

func TestEscalateVoidsSpecialClosure(t *testing.T) {
	c := registered(t)
	c.Status, c.SpecialClosureCode = model.StatusSpecialClosurePending, "sub_judice"
	now := D.AddDate(0, 0, 8) // two levels
	res := okAt(t, now)(Escalate(c, ladder, category.SLADays, now))
	got := res.Complaint
	if got.Status != model.StatusOpen || got.SpecialClosureCode != "" || got.Level != 2 {
		t.Fatalf("status %s code %q level %d", got.Status, got.SpecialClosureCode, got.Level)
	}
	var voided []any
	for _, e := range res.Events {
		if e.Kind == model.EventEscalated {
			voided = append(voided, e.Payload["special_closure_voided"])
		}
	}
	if !slices.Equal(voided, []any{true, nil}) {
		t.Fatalf("special_closure_voided per step %v, want only on the first", voided)
	}
}

func TestEscalateClearsMark(t *testing.T) {
	c := registered(t)
	c.MarkedPostID = postPtr(postLekhpal)
	res := okAt(t, D)(Escalate(c, ladder, category.SLADays, D))
	if res.Complaint.MarkedPostID != nil {
		t.Fatalf("marked post %v kept after escalation", *res.Complaint.MarkedPostID)
	}
}

func TestEscalateRefusals(t *testing.T) {
	late := D.AddDate(0, 0, 30)
	tests := []struct {
		name  string
		c     func(*testing.T) model.Complaint
		chain []int64
	}{
		{"reported", func(t *testing.T) model.Complaint { return withStatus(registered(t), model.StatusReported) }, ladder},
		{"returned", func(t *testing.T) model.Complaint { return withStatus(registered(t), model.StatusReturned) }, ladder},
		{"closed", func(t *testing.T) model.Complaint { return withStatus(registered(t), model.StatusClosed) }, ladder},
		{"chain of another post", registered, []int64{postOther, postL1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Escalate(tt.c(t), tt.chain, category.SLADays, late)
			wantRefusal(t, err, ErrInvalidTransition, "")
			if errorsIsNotDue(err) {
				t.Fatalf("%v must not read as not due: the sweep would hide it", err)
			}
		})
	}
}

func errorsIsNotDue(err error) bool {
	r, ok := err.(*Refusal)
	return ok && r.Kind == ErrNotDue
}

func TestEscalateDoesNotTouchInput(t *testing.T) {
	c := registered(t)
	before := c
	okAt(t, D)(Escalate(c, ladder, category.SLADays, D))
	if c.Level != before.Level || c.AccountablePostID != before.AccountablePostID || !c.DueAt.Equal(before.DueAt) {
		t.Fatalf("input complaint changed")
	}
}
