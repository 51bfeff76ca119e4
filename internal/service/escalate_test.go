package service_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestTwoEscalatorsEscalateEachLevelOnce runs two nodes' sweeps (two stores,
// two services, one database) at the same time over a few thousand due
// complaints, after one node's sweep was cut off half-way as by a crash, and
// counts the escalated events: exactly one per level per complaint.
func TestTwoEscalatorsEscalateEachLevelOnce(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.NewDSN(t, d)
			open := func() *store.Store {
				st, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				if err := st.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				return st
			}
			a, b := open(), open()
			w := newWorld(t, a)
			const n = 2000
			var wg sync.WaitGroup
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := g; i < n; i += 8 {
						w.register(t, fmt.Sprintf("9%09d", i))
					}
				}()
			}
			wg.Wait()
			// 60 days on: every complaint is due through L4 and past it.
			w.clk.Set(t0.Add(60 * 24 * time.Hour))
			nodeA := w.svc
			nodeB := service.New(b, w.clk, service.Config{}, nil)

			// A crash mid-sweep: the first node's context ends while it works.
			crash, cancel := context.WithCancel(ctx)
			go func() { time.Sleep(30 * time.Millisecond); cancel() }()
			_, _ = nodeA.Sweep(crash)

			var done sync.WaitGroup
			counts := make([]int, 2)
			errs := make([]error, 2)
			for i, node := range []*service.Service{nodeA, nodeB} {
				done.Add(1)
				go func() {
					defer done.Done()
					counts[i], errs[i] = node.Sweep(ctx)
				}()
			}
			done.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			esc, err := a.CountEvents(ctx, 0, model.EventEscalated)
			if err != nil {
				t.Fatal(err)
			}
			if esc != n*4 {
				t.Fatalf("%d escalated events for %d complaints, want %d", esc, n, n*4)
			}
			top, _ := a.CountEvents(ctx, 0, model.EventOverdueAtTop)
			if top != n {
				t.Fatalf("%d overdue_at_top events, want %d", top, n)
			}
			var bad int
			err = a.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT complaint_id, to_level, COUNT(*) AS k FROM complaint_events
				WHERE kind = 'escalated' GROUP BY complaint_id, to_level) x WHERE k <> 1`).Scan(&bad)
			if err != nil || bad != 0 {
				t.Fatalf("%d (complaint, level) pairs escalated more than once (err %v)", bad, err)
			}
			var notTop int
			_ = a.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints WHERE level <> 4`).Scan(&notTop)
			if notTop != 0 {
				t.Fatalf("%d complaints not at L4", notTop)
			}
			// Outbox: one escalation SMS per level per complaint, never two.
			var sms int
			_ = a.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE template = 'complaint_escalated'`).Scan(&sms)
			if sms != n*4 {
				t.Fatalf("%d escalation messages, want %d", sms, n*4)
			}
			t.Logf("node A changed %d, node B changed %d in the concurrent sweep", counts[0], counts[1])
		})
	}
}

// TestSweepMatchesTheRuleOnOneComplaint checks the service sweep against the
// exact due dates of DESIGN §3.3.
func TestSweepMatchesTheRuleOnOneComplaint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		c := w.register(t, "9876500001")
		wantDue := t0.AddDate(0, 0, 15)
		if !c.DueAt.Equal(wantDue) || c.AccountablePostID != w.ladder[0] {
			t.Fatalf("registered due %v post %d, want %v post %d", c.DueAt, c.AccountablePostID, wantDue, w.ladder[0])
		}
		w.clk.Set(wantDue.Add(-time.Minute))
		if n, _ := w.svc.Sweep(ctx); n != 0 {
			t.Fatalf("swept %d before due", n)
		}
		w.clk.Set(wantDue.Add(3 * 24 * time.Hour)) // three days late
		if n, _ := w.svc.Sweep(ctx); n != 1 {
			t.Fatalf("swept %d, want 1", n)
		}
		got, err := st.ComplaintByRef(ctx, c.Ref)
		if err != nil {
			t.Fatal(err)
		}
		if got.Level != 1 || got.AccountablePostID != w.ladder[1] || !got.DueAt.Equal(wantDue.AddDate(0, 0, 7)) {
			t.Fatalf("after sweep: level %d post %d due %v", got.Level, got.AccountablePostID, got.DueAt)
		}
		if n, _ := w.svc.Sweep(ctx); n != 0 {
			t.Fatalf("second sweep at the same time changed %d", n)
		}
	})
}
