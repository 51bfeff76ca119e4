package service_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
	"github.com/nivaran/nivaran/internal/workflow"
)

// TestFollowupCall: a complaint enters the follow-up queue three days before
// its deadline, with its officer's phone; an agent takes it, records the
// officer's commitment, and the answer stands on the timeline, readable by
// the officer's supervisor; the complaint then rests out of the queue.
func TestFollowupCall(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		c := w.register(t, "9876500011")
		other := w.register(t, "9876500012")
		ag := w.agents(t, "f", 2)

		items, _, err := w.svc.FollowupQueue(ctx, w.sup, 0, "", 50)
		if err != nil || len(items) != 0 {
			t.Fatalf("fresh complaints in the follow-up queue: %d, %v", len(items), err)
		}
		if _, err := w.svc.NextFollowupCall(ctx, ag[0], 0); !errors.Is(err, service.ErrQueueEmpty) {
			t.Fatalf("next follow-up on an empty queue: %v", err)
		}
		w.clk.Set(c.DueAt.Add(-3*24*time.Hour + time.Minute))
		items, _, err = w.svc.FollowupQueue(ctx, ag[1], 0, "", 50)
		if err != nil || len(items) != 2 || items[0].Ref != c.Ref {
			t.Fatalf("follow-up queue %v, %v", items, err)
		}
		if items[0].Officer.Mobile == "" || items[0].Officer.ID == 0 || items[0].Lease != nil {
			t.Fatalf("item without the officer to phone: %+v", items[0].Officer)
		}
		l, err := w.svc.NextFollowupCall(ctx, ag[0], 0)
		if err != nil || l.Complaint.Ref != c.Ref || l.Officer == nil || l.Officer.Mobile != items[0].Officer.Mobile {
			t.Fatalf("next follow-up %v officer %v, %v", l.Complaint.Ref, l.Officer, err)
		}
		items, _, _ = w.svc.FollowupQueue(ctx, w.sup, 0, "", 50)
		if len(items) != 2 || items[0].Lease == nil || items[0].Lease.AgentUserID != ag[0].User.ID {
			t.Fatalf("the list does not show who is calling: %+v", items[0].Lease)
		}
		l2, err := w.svc.NextFollowupCall(ctx, ag[1], 0)
		if err != nil || l2.Complaint.Ref != other.Ref {
			t.Fatalf("second agent got %v, %v", l2.Complaint.Ref, err)
		}

		w.clk.Advance(3 * time.Minute)
		tomorrow := workflow.Day(w.clk.Now().Add(24 * time.Hour))
		if _, err := w.svc.RecordFollowup(ctx, ag[0], c.Ref, service.FollowupRequest{Outcome: "committed", CommittedDate: "yesterday"}); !errors.Is(err, workflow.ErrValidation) {
			t.Fatalf("a malformed date: %v", err)
		}
		past := workflow.Day(w.clk.Now().Add(-24 * time.Hour))
		if _, err := w.svc.RecordFollowup(ctx, ag[0], c.Ref, service.FollowupRequest{Outcome: "committed", CommittedDate: past}); !errors.Is(err, workflow.ErrValidation) {
			t.Fatalf("a past date: %v", err)
		}
		if _, err := w.svc.RecordFollowup(ctx, w.officers[0], c.Ref, service.FollowupRequest{Outcome: "unreachable"}); !errors.Is(err, workflow.ErrForbidden) {
			t.Fatalf("an officer recording a follow-up: %v", err)
		}
		if _, err := w.svc.RecordFollowup(ctx, ag[0], c.Ref, service.FollowupRequest{Outcome: "committed", CommittedDate: tomorrow,
			Remarks: "कल स्थल निरीक्षण"}); err != nil {
			t.Fatal(err)
		}
		// The supervisor post's officer reads the answer on the timeline.
		d, err := w.svc.Complaint(ctx, w.officers[1], c.Ref)
		if err != nil {
			t.Fatal(err)
		}
		var found *model.Event
		for i, e := range d.Events {
			if e.Kind == model.EventFollowup {
				found = &d.Events[i]
			}
		}
		if found == nil || found.Payload["committed_date"] != tomorrow || found.Note != "कल स्थल निरीक्षण" ||
			found.ToPostID == nil || *found.ToPostID != w.ladder[0] || *found.ActorUserID != ag[0].User.ID {
			t.Fatalf("followup event %+v", found)
		}
		var handling int64
		if err := st.DB().QueryRowContext(ctx, `SELECT handling_ms FROM ops_actions WHERE kind = 'followup'`).Scan(&handling); err != nil ||
			handling != (3*time.Minute).Milliseconds() {
			t.Fatalf("handling %d (%v)", handling, err)
		}
		// Answered: out of the queue until the deadline has passed.
		items, _, _ = w.svc.FollowupQueue(ctx, w.sup, 0, "", 50)
		if len(items) != 1 || items[0].Ref != other.Ref {
			t.Fatalf("after the answer the queue holds %d", len(items))
		}
		// Unreachable: tried again after the retry gap.
		if _, err := w.svc.RecordFollowup(ctx, ag[1], other.Ref, service.FollowupRequest{Outcome: "unreachable"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.NextFollowupCall(ctx, ag[1], 0); !errors.Is(err, service.ErrQueueEmpty) {
			t.Fatalf("an unreachable officer offered again at once: %v", err)
		}
		w.clk.Advance(2*time.Hour + time.Minute)
		if l, err := w.svc.NextFollowupCall(ctx, ag[1], 0); err != nil || l.Complaint.Ref != other.Ref {
			t.Fatalf("after the retry gap: %v, %v", l.Complaint.Ref, err)
		}
		// A report takes the complaint out of the queue and ends the lease.
		if _, err := w.svc.Report(ctx, w.officers[0], other.Ref, "मरम्मत हो गई", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.LeaseOf(ctx, store.QueueFollowup, other.ID, w.clk.Now()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a reported complaint kept its follow-up lease: %v", err)
		}
		if _, err := w.svc.RecordFollowup(ctx, ag[1], other.Ref, service.FollowupRequest{Outcome: "unreachable"}); !errors.Is(err, workflow.ErrInvalidTransition) {
			t.Fatalf("a follow-up on a reported complaint: %v", err)
		}
		if _, _, err := w.svc.FollowupQueue(ctx, w.officers[0], 0, "", 50); !errors.Is(err, workflow.ErrForbidden) {
			t.Fatalf("an officer listed the follow-up queue: %v", err)
		}
		if _, _, err := w.svc.FollowupQueue(ctx, w.sup, -1, "", 50); !errors.Is(err, workflow.ErrValidation) {
			t.Fatalf("within_days -1: %v", err)
		}
	})
}

// outboxCount counts the outbox messages of template.
func outboxCount(t testing.TB, st *store.Store, template string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM outbox WHERE template = $1`, template).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReminderOncePerLevel: the deadline reminder is queued once per level,
// however many sweeps run, on however many nodes, across escalations.
func TestReminderOncePerLevel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		b, err := store.Open(ctx, st.DSN)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		nodes := []*service.Service{w.svc, service.New(b, w.clk, service.Config{}, nil)}
		sweep := func() {
			t.Helper()
			for _, n := range nodes {
				if _, err := n.Sweep(ctx); err != nil {
					t.Fatal(err)
				}
				for i := 0; i < 3; i++ {
					if _, err := n.SweepReminders(ctx); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		const n = 30
		var refs []string
		for i := 0; i < n; i++ {
			refs = append(refs, w.register(t, fmt.Sprintf("97%08d", i)).Ref)
		}
		// Walk the clock in six-hour steps through L0 and L1 and into L2.
		due := t0.AddDate(0, 0, 15)
		want := map[time.Time]int{}
		for step := 0; step < 4*25; step++ {
			w.clk.Advance(6 * time.Hour)
			sweep()
			now := w.clk.Now()
			levels := 0
			switch {
			case !now.Before(due.AddDate(0, 0, 7).Add(-48 * time.Hour)):
				levels = 2
			case !now.Before(due.Add(-48 * time.Hour)):
				levels = 1
			}
			want[now] = levels * n
			if got := outboxCount(t, st, model.TmplFollowupDue); got != want[now] {
				t.Fatalf("at %s: %d reminders, want %d", now.In(workflow.IST), got, want[now])
			}
		}
		// One sms_queued event per reminder, on the complaint's timeline.
		d, err := w.svc.Complaint(ctx, w.sup, refs[0])
		if err != nil {
			t.Fatal(err)
		}
		var posts []int64
		for _, e := range d.Events {
			if e.Kind == model.EventSMSQueued && e.Payload["template"] == model.TmplFollowupDue {
				posts = append(posts, *e.ToPostID)
			}
		}
		if len(posts) != 2 || posts[0] != w.ladder[0] || posts[1] != w.ladder[1] {
			t.Fatalf("reminder events to posts %v, want L0 then L1", posts)
		}
		var bad int
		_ = st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT complaint_id, post_id, COUNT(*) AS k FROM outbox
			WHERE template = 'followup_due' GROUP BY complaint_id, post_id) x WHERE k <> 1`).Scan(&bad)
		if bad != 0 {
			t.Fatalf("%d (complaint, post) pairs reminded more than once", bad)
		}
	})
}

// TestReminderForADeadlineSetInsideTheWindow: a complaint type with a
// two-day deadline is reminded at registration, once.
func TestReminderForADeadlineSetInsideTheWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		cat, err := st.Category(ctx, w.category)
		if err != nil {
			t.Fatal(err)
		}
		cat.SLADays = [model.MaxLevel + 1]int{1, 7, 7, 7, 7}
		if err := st.Tx(ctx, func(tx *store.Tx) error { return tx.SaveCategory(ctx, &cat) }); err != nil {
			t.Fatal(err)
		}
		w.svc = service.New(st, w.clk, service.Config{}, nil) // fresh category cache
		w.agent = w.principal(t, "agent")
		w.register(t, "9876500099")
		if got := outboxCount(t, st, model.TmplFollowupDue); got != 1 {
			t.Fatalf("%d reminders at registration, want 1", got)
		}
		w.clk.Advance(time.Hour)
		if _, err := w.svc.SweepReminders(ctx); err != nil {
			t.Fatal(err)
		}
		if got := outboxCount(t, st, model.TmplFollowupDue); got != 1 {
			t.Fatalf("%d reminders after a sweep, want 1", got)
		}
	})
}
