package report

import (
	"encoding/json"
	"maps"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

func id(n int64) *int64 { return &n }

// history is one complaint's life, change by change, with its state after
// each change: registered in district 1 (department 10) at post 100,
// returned, re-routed to district 2 (category of department 20) at post 200,
// escalated to 201 and on to the top (202), overdue there, reported late,
// disputed, reopened at the top, reported, satisfied, closed, verified false,
// reopened, …
type step struct {
	after  model.Complaint
	events []model.Event
}

func history() []step {
	at := func(d int) time.Time { return time.Date(2026, 11, d, 6, 0, 0, 0, time.UTC) }
	c := model.Complaint{DistrictID: 1, DepartmentID: 10, AccountablePostID: 100, Status: model.StatusOpen}
	var steps []step
	add := func(mut func(*model.Complaint), events ...model.Event) {
		mut(&c)
		steps = append(steps, step{after: c, events: events})
	}
	add(func(*model.Complaint) {}, model.Event{Kind: model.EventRegistered, At: at(1)},
		model.Event{Kind: model.EventRouted, At: at(1), ToPostID: id(100)},
		model.Event{Kind: model.EventSMSQueued, At: at(1)})
	add(func(c *model.Complaint) { c.Status = model.StatusReturned },
		model.Event{Kind: model.EventReturned, At: at(2), FromPostID: id(100)})
	add(func(c *model.Complaint) {
		c.Status, c.DistrictID, c.DepartmentID, c.AccountablePostID, c.CategoryID, c.AreaID = model.StatusOpen, 2, 20, 200, 7, 70
	}, model.Event{Kind: model.EventRerouted, At: at(3), FromPostID: id(100), ToPostID: id(200),
		Payload: map[string]any{"from_category_id": int64(5), "from_area_id": int64(50), "category_id": int64(7), "area_id": int64(70)}})
	add(func(c *model.Complaint) { c.Level, c.AccountablePostID, c.OverdueAtTop = 2, 202, true },
		model.Event{Kind: model.EventEscalated, At: at(18), FromPostID: id(200), ToPostID: id(201)},
		model.Event{Kind: model.EventEscalated, At: at(18), FromPostID: id(201), ToPostID: id(202)},
		model.Event{Kind: model.EventOverdueAtTop, At: at(18), FromPostID: id(202)})
	add(func(c *model.Complaint) { c.Status = model.StatusReported },
		model.Event{Kind: model.EventReported, At: at(20), ActorPostID: id(202)})
	add(func(c *model.Complaint) { c.Status, c.OverdueAtTop, c.ReopenCount = model.StatusOpen, false, 1 },
		model.Event{Kind: model.EventFeedback, At: at(21), Payload: map[string]any{"outcome": "not_satisfied"}},
		model.Event{Kind: model.EventReopened, At: at(21), FromPostID: id(202), ToPostID: id(202)})
	add(func(c *model.Complaint) { c.Status = model.StatusReported },
		model.Event{Kind: model.EventReported, At: at(22), ActorPostID: id(202)})
	add(func(c *model.Complaint) { c.Status = model.StatusReported },
		model.Event{Kind: model.EventFeedback, At: at(23), Payload: map[string]any{"outcome": "unreachable"}})
	add(func(c *model.Complaint) { c.Status, c.ClosureReason = model.StatusClosed, model.ClosedSatisfied },
		model.Event{Kind: model.EventFeedback, At: at(24), Payload: map[string]any{"outcome": "satisfied"}},
		model.Event{Kind: model.EventClosed, At: at(24), Payload: map[string]any{"closure_reason": "satisfied"}})
	add(func(c *model.Complaint) { c.Status, c.ClosureReason = model.StatusOpen, "" },
		model.Event{Kind: model.EventVerification, At: time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC), Payload: map[string]any{"outcome": "mismatch"}},
		model.Event{Kind: model.EventReopened, At: time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC), FromPostID: id(202), ToPostID: id(202)})
	return steps
}

func TestHookTalliesEqualTheReplay(t *testing.T) {
	steps := history()
	hook := map[TallyKey]int64{}
	var before *model.Complaint
	var all []model.Event
	for _, s := range steps {
		for _, d := range TalliesOf(before, s.after, s.events) {
			hook[d.Key] += d.N
		}
		all = append(all, s.events...)
		b := s.after
		before = &b
	}
	// The replay reads events as the store gives them back: payloads from JSON.
	for i := range all {
		if all[i].Payload != nil {
			raw, _ := json.Marshal(all[i].Payload)
			all[i].Payload = nil
			_ = json.Unmarshal(raw, &all[i].Payload)
		}
	}
	replay := map[TallyKey]int64{}
	places := Places{CategoryDepartment: map[int64]int64{5: 10, 7: 20}, AreaDistrict: map[int64]int64{50: 1, 70: 2}}
	last := steps[len(steps)-1].after
	Replay(all, last.DistrictID, last.DepartmentID, places, func(k TallyKey, n int64) { replay[k] += n })
	if !maps.Equal(hook, replay) {
		t.Fatalf("hook %v\nreplay %v", hook, replay)
	}
	k := func(month int, district, dept, post int64, m Measure) TallyKey {
		return TallyKey{Month: month, DistrictID: district, DepartmentID: dept, PostID: post, Measure: m}
	}
	want := map[TallyKey]int64{
		k(202611, 1, 10, 0, MRegistered):        1,
		k(202611, 1, 10, 100, MReceived):        1,
		k(202611, 1, 10, 100, MReturned):        1, // before the re-route: district 1
		k(202611, 2, 20, 200, MReceived):        1,
		k(202611, 2, 20, 200, MDefaulted):       1,
		k(202611, 2, 20, 201, MReceived):        1,
		k(202611, 2, 20, 201, MDefaulted):       1,
		k(202611, 2, 20, 202, MReceived):        2, // escalated to, and reopened to
		k(202611, 2, 20, 202, MDefaulted):       1, // overdue at the top
		k(202611, 2, 20, 202, MDisposed):        2,
		k(202611, 2, 20, 202, MDisposedInTime):  1, // the first report came after the top deadline
		k(202611, 2, 20, 202, MFbNotSatisfied):  1,
		k(202611, 2, 20, 202, MFbUnreachable):   1,
		k(202611, 2, 20, 202, MFbSatisfied):     1,
		k(202611, 2, 20, 202, MClosedSatisfied): 1,
		k(202611, 2, 20, 202, MReopened):        1,
		k(202612, 2, 20, 202, MVerified):        1,
		k(202612, 2, 20, 202, MVerifyMismatch):  1,
		k(202612, 2, 20, 202, MReopened):        1,
		k(202612, 2, 20, 202, MReceived):        1,
	}
	if !maps.Equal(hook, want) {
		for key, n := range hook {
			if want[key] != n {
				t.Errorf("%+v: %d, want %d", key, n, want[key])
			}
		}
		for key, n := range want {
			if _, ok := hook[key]; !ok {
				t.Errorf("%+v: missing, want %d", key, n)
			}
		}
	}
}

func TestTalliesOfIsSortedAndSummed(t *testing.T) {
	after := model.Complaint{DistrictID: 3, DepartmentID: 4, Status: model.StatusReported}
	before := after
	before.AccountablePostID = 9
	at := time.Date(2026, 11, 5, 6, 0, 0, 0, time.UTC)
	got := TalliesOf(&before, after, []model.Event{
		{Kind: model.EventFeedback, At: at, Payload: map[string]any{"outcome": "unreachable"}},
		{Kind: model.EventFeedback, At: at, Payload: map[string]any{"outcome": "unreachable"}},
		{Kind: model.EventCommented, At: at},
	})
	if len(got) != 1 || got[0].N != 2 || got[0].Key.PostID != 9 || got[0].Key.Measure != MFbUnreachable {
		t.Fatalf("got %+v", got)
	}
}

func TestCountsShares(t *testing.T) {
	c := Counts{MFbSatisfied: 2, MFbNotSatisfied: 1, MDisposedInTime: 3, MDisposed: 3, MDefaulted: 1}
	if c.SatisfiedShare() != 0.6667 || c.InTimeShare() != 0.75 || (Counts{}).SatisfiedShare() != 0 {
		t.Fatalf("shares %v %v", c.SatisfiedShare(), c.InTimeShare())
	}
}
