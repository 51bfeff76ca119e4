package service_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// agents adds n agent users named prefix1..prefixN, each signed in (a live
// session), and returns their principals.
func (w *world) agents(t testing.TB, prefix string, n int) []*auth.Principal {
	t.Helper()
	ctx := context.Background()
	var out []*auth.Principal
	for i := 1; i <= n; i++ {
		u := model.User{Username: fmt.Sprintf("%s%d", prefix, i), Name: fmt.Sprintf("Agent %s%d", prefix, i), Roles: []model.Role{model.RoleAgent}}
		err := w.st.Tx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertUser(ctx, &u, "", t0); err != nil {
				return err
			}
			_, hash, err := auth.NewToken()
			if err != nil {
				return err
			}
			return tx.InsertSession(ctx, hash, u.ID, t0, t0.Add(365*24*time.Hour))
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, w.principal(t, u.Username))
	}
	return out
}

// reported registers a complaint and has the L0 officer report on it.
func (w *world) reported(t testing.TB, mobile string) store.ComplaintRow {
	t.Helper()
	c := w.register(t, mobile)
	r, err := w.svc.Report(context.Background(), w.officers[0], c.Ref, "सड़क की मरम्मत करा दी गई "+mobile, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestTwoNodesNeverLeaseTheSameItem: agents on two nodes (two stores and
// services over one database) take feedback calls at once, each recording
// an outcome before taking the next, until the queue is empty; every
// reported complaint is handed out exactly once.
func TestTwoNodesNeverLeaseTheSameItem(t *testing.T) {
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
			const n = 120
			for i := 0; i < n; i++ {
				w.reported(t, fmt.Sprintf("9%09d", i))
			}
			w.clk.Advance(time.Hour)
			nodeA, nodeB := w.svc, service.New(b, w.clk, service.Config{}, nil)
			agents := w.agents(t, "floor", 8)
			var mu sync.Mutex
			taken := map[int64][]string{}
			var wg sync.WaitGroup
			errs := make(chan error, len(agents))
			for i, p := range agents {
				node := nodeA
				if i%2 == 1 {
					node = nodeB
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						l, err := node.NextFeedbackCall(ctx, p)
						if errors.Is(err, service.ErrQueueEmpty) {
							return
						}
						if err != nil {
							errs <- err
							return
						}
						mu.Lock()
						taken[l.Complaint.ID] = append(taken[l.Complaint.ID], p.User.Username)
						mu.Unlock()
						if _, err := node.Feedback(ctx, p, l.Complaint.Ref, "satisfied", "ठीक है"); err != nil {
							errs <- fmt.Errorf("feedback on %s: %w", l.Complaint.Ref, err)
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if len(taken) != n {
				t.Fatalf("%d complaints handed out, want %d", len(taken), n)
			}
			for id, who := range taken {
				if len(who) != 1 {
					t.Fatalf("complaint %d leased to %v", id, who)
				}
			}
			var left int
			_ = a.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM call_leases`).Scan(&left)
			if left != 0 {
				t.Fatalf("%d leases left after every outcome", left)
			}
			var timed int
			_ = a.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM ops_actions WHERE kind = 'feedback' AND handling_ms IS NOT NULL`).Scan(&timed)
			if timed != n {
				t.Fatalf("%d feedback calls with a handling time, want %d", timed, n)
			}
		})
	}
}

// TestConcurrentNextNeverDoubles: many agents ask for the next item at the
// same instant, without recording outcomes, on two nodes; each gets a
// different item, and those left over get none.
func TestConcurrentNextNeverDoubles(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			a := storetest.New(t, d)
			w := newWorld(t, a)
			b, err := store.Open(ctx, a.DSN)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { b.Close() })
			const items = 10
			for i := 0; i < items; i++ {
				w.reported(t, fmt.Sprintf("8%09d", i))
			}
			nodes := []*service.Service{w.svc, service.New(b, w.clk, service.Config{}, nil)}
			agents := w.agents(t, "rush", 16)
			got := make([]int64, len(agents))
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, p := range agents {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					l, err := nodes[i%2].NextFeedbackCall(ctx, p)
					if err == nil {
						got[i] = l.Complaint.ID
					} else if !errors.Is(err, service.ErrQueueEmpty) {
						t.Error(err)
					}
				}()
			}
			close(start)
			wg.Wait()
			seen := map[int64]bool{}
			for _, id := range got {
				if id == 0 {
					continue
				}
				if seen[id] {
					t.Fatalf("complaint %d leased twice: %v", id, got)
				}
				seen[id] = true
			}
			if len(seen) != items {
				t.Fatalf("%d items leased of %d with %d agents asking", len(seen), items, len(agents))
			}
		})
	}
}

// TestLeaseExpiryAndRelease: a lease keeps an item from other agents until
// it runs out; asking again renews one's own; an outcome releases it, with
// the handling time logged; an unanswered call rests the item.
func TestLeaseExpiryAndRelease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		first := w.reported(t, "9876500001")
		w.clk.Advance(time.Minute)
		second := w.reported(t, "9876500002")
		ag := w.agents(t, "a", 2)
		one, two := ag[0], ag[1]

		l1, err := w.svc.NextFeedbackCall(ctx, one)
		if err != nil || l1.Complaint.Ref != first.Ref {
			t.Fatalf("first agent got %v, %v; want the oldest report %s", l1.Complaint.Ref, err, first.Ref)
		}
		if !l1.ExpiresAt.Equal(w.clk.Now().Add(5*time.Minute)) || l1.Report == nil {
			t.Fatalf("lease until %v, report %v", l1.ExpiresAt, l1.Report)
		}
		l2, err := w.svc.NextFeedbackCall(ctx, two)
		if err != nil || l2.Complaint.Ref != second.Ref {
			t.Fatalf("second agent got %v, %v; want %s", l2.Complaint.Ref, err, second.Ref)
		}
		if _, err := w.svc.NextFeedbackCall(ctx, w.agent); !errors.Is(err, service.ErrQueueEmpty) {
			t.Fatalf("a third agent got %v, want an empty queue", err)
		}
		w.clk.Advance(2 * time.Minute)
		again, err := w.svc.NextFeedbackCall(ctx, one)
		if err != nil || again.Complaint.Ref != first.Ref || !again.LeasedAt.Equal(l1.LeasedAt) {
			t.Fatalf("asking again gave %v (from %v), %v", again.Complaint.Ref, again.LeasedAt, err)
		}

		// Both leases run out: the oldest item goes to whoever asks first.
		w.clk.Advance(6 * time.Minute)
		l3, err := w.svc.NextFeedbackCall(ctx, two)
		if err != nil || l3.Complaint.Ref != first.Ref {
			t.Fatalf("after expiry the second agent got %v, %v; want %s", l3.Complaint.Ref, err, first.Ref)
		}
		w.clk.Advance(90 * time.Second)
		if _, err := w.svc.Feedback(ctx, two, first.Ref, "satisfied", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := st.LeaseOf(ctx, store.QueueFeedback, first.ID, w.clk.Now()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the outcome left the lease: %v", err)
		}
		var handling int64
		err = st.DB().QueryRowContext(ctx, `SELECT handling_ms FROM ops_actions WHERE kind = 'feedback' AND complaint_id = $1`, first.ID).Scan(&handling)
		if err != nil || handling != 90_000 {
			t.Fatalf("handling %d ms (%v), want 90000", handling, err)
		}

		// The first agent's expired lease on the other item is free again.
		l4, err := w.svc.NextFeedbackCall(ctx, one)
		if err != nil || l4.Complaint.Ref != second.Ref {
			t.Fatalf("first agent got %v, %v; want %s", l4.Complaint.Ref, err, second.Ref)
		}
		// Unanswered: the citizen is tried again only after RetryAfter.
		if _, err := w.svc.Feedback(ctx, one, second.Ref, "unreachable", "फ़ोन बंद"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.NextFeedbackCall(ctx, two); !errors.Is(err, service.ErrQueueEmpty) {
			t.Fatalf("an unanswered citizen was offered again at once: %v", err)
		}
		w.clk.Advance(2*time.Hour + time.Second)
		l5, err := w.svc.NextFeedbackCall(ctx, two)
		if err != nil || l5.Complaint.Ref != second.Ref {
			t.Fatalf("after the retry gap got %v, %v", l5.Complaint.Ref, err)
		}
		// An outcome recorded without taking the item (a supervisor calling
		// directly) still releases the lease, with no handling time.
		if _, err := w.svc.Feedback(ctx, w.sup, second.Ref, "satisfied", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := st.LeaseOf(ctx, store.QueueFeedback, second.ID, w.clk.Now()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a closed complaint kept its lease: %v", err)
		}
		var untimed int
		_ = st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM ops_actions WHERE kind = 'feedback' AND handling_ms IS NULL`).Scan(&untimed)
		if untimed != 1 {
			t.Fatalf("%d untimed feedback calls, want 1", untimed)
		}
		// Officers and citizens may not take items.
		if _, err := w.svc.NextFeedbackCall(ctx, w.officers[0]); err == nil {
			t.Fatal("an officer took a feedback call")
		}
	})
}
