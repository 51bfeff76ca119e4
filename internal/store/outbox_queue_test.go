package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/outbox"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

var t0 = time.Date(2026, 8, 1, 4, 30, 0, 0, time.UTC)

// queueRows inserts one pending message per due time, created at t0, with a
// unique ref so that sent texts can be told apart; it returns their ids in
// insertion order.
func queueRows(t testing.TB, st *store.Store, dues ...time.Time) []int64 {
	t.Helper()
	return queueRowsAt(t, st, t0, dues...)
}

// queueRowsAt is queueRows with the rows created at created.
func queueRowsAt(t testing.TB, st *store.Store, created time.Time, dues ...time.Time) []int64 {
	t.Helper()
	ctx := context.Background()
	base, err := st.MaxID(ctx, "outbox")
	if err != nil {
		t.Fatal(err)
	}
	err = st.Tx(ctx, func(tx *store.Tx) error {
		for i, due := range dues {
			n := base + int64(i) + 1
			if _, err := tx.InsertOutbox(ctx, store.OutboxRow{Mobile: "9876543210", Template: model.TmplClosed, Language: "hi",
				Vars: map[string]string{"ref": fmt.Sprintf("1076%08d", n)}, DedupeKey: fmt.Sprintf("test:%d", n),
				NextAt: due, CreatedAt: created}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(dues))
	for i := range dues {
		ids[i] = base + int64(i) + 1
	}
	return ids
}

// queueMany inserts n rows created and due at at, in batches.
func queueMany(t testing.TB, st *store.Store, n int, at time.Time) {
	t.Helper()
	for done := 0; done < n; {
		k := min(500, n-done)
		dues := make([]time.Time, k)
		for i := range dues {
			dues[i] = at
		}
		queueRowsAt(t, st, at, dues...)
		done += k
	}
}

func message(t testing.TB, st *store.Store, id int64) store.OutboxMessage {
	t.Helper()
	ms, err := st.OutboxMessages(context.Background(), store.OutboxMessageFilter{BeforeID: id + 1, Limit: 1})
	if err != nil || len(ms) != 1 || ms[0].ID != id {
		t.Fatalf("outbox row %d: %v %v", id, ms, err)
	}
	return ms[0]
}

func ids(rows []outbox.Row) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

// Claims hand out due rows oldest due first, skip rows under a live lease,
// and hand unmarked rows out again once their lease is over, with a newer
// token.
func TestQueueClaimOrderAndLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		q := store.NewOutboxQueue(st)
		min := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
		// Due at 5, 1, 3, 2, 20 minutes past t0, and a second row due at 1.
		r := queueRows(t, st, min(5), min(1), min(3), min(2), min(20), min(1))
		now := min(10)
		got, err := q.Claim(ctx, now, 3, 2*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{r[1], r[5], r[3]}; !slices.Equal(ids(got), want) {
			t.Fatalf("first claim %v, want %v (due order, then id)", ids(got), want)
		}
		for _, row := range got {
			if row.Token != 1 || row.Attempts != 0 || row.Vars["ref"] == "" || !row.CreatedAt.Equal(t0) {
				t.Errorf("row %+v", row)
			}
		}
		got2, err := q.Claim(ctx, now, 10, 2*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{r[2], r[0]}; !slices.Equal(ids(got2), want) {
			t.Fatalf("second claim %v, want %v (leased rows skipped, row due at 20m not yet)", ids(got2), want)
		}
		if more, _ := q.Claim(ctx, now.Add(time.Minute), 10, 2*time.Minute); len(more) != 0 {
			t.Fatalf("claimed %v under live leases", ids(more))
		}
		// One row of the first claim is marked; the others are abandoned.
		if err := q.MarkSent(ctx, got[0].ID, got[0].Token, "fake", "f-1", now); err != nil {
			t.Fatal(err)
		}
		again, err := q.Claim(ctx, now.Add(2*time.Minute), 10, 2*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{r[5], r[3], r[2], r[0]}; !slices.Equal(ids(again), want) {
			t.Fatalf("after the lease %v, want %v", ids(again), want)
		}
		for _, row := range again {
			if row.Token != 2 {
				t.Errorf("row %d token %d, want 2", row.ID, row.Token)
			}
		}
	})
}

// A mark applies only for the claim that holds the row now, and only to a
// pending row.
func TestQueueMarksNeedTheCurrentClaim(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		q := store.NewOutboxQueue(st)
		id := queueRows(t, st, t0)[0]
		first, _ := q.Claim(ctx, t0, 1, time.Minute)
		second, _ := q.Claim(ctx, t0.Add(time.Minute), 1, time.Minute) // the first lease is over
		if len(first) != 1 || len(second) != 1 || second[0].Token <= first[0].Token {
			t.Fatalf("claims %+v %+v", first, second)
		}
		stale := first[0].Token
		for name, err := range map[string]error{
			"sent":   q.MarkSent(ctx, id, stale, "fake", "stale", t0),
			"retry":  q.MarkRetry(ctx, id, stale, t0.Add(time.Hour), "stale"),
			"failed": q.MarkFailed(ctx, id, stale, "stale", t0),
		} {
			if !errors.Is(err, outbox.ErrLeaseLost) {
				t.Errorf("stale mark %s: %v, want ErrLeaseLost", name, err)
			}
		}
		if err := q.Release(ctx, first); err != nil {
			t.Fatal(err)
		}
		if more, _ := q.Claim(ctx, t0.Add(time.Minute), 1, time.Minute); len(more) != 0 {
			t.Fatal("a stale release freed the row under the current lease")
		}
		if err := q.MarkSent(ctx, id, second[0].Token, "fake", "f-2", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := q.MarkFailed(ctx, id, second[0].Token, "late", t0); !errors.Is(err, outbox.ErrLeaseLost) {
			t.Errorf("mark after sent: %v, want ErrLeaseLost", err)
		}
		m := message(t, st, id)
		if m.Status != store.OutboxSent || m.ProviderID != "f-2" || m.Attempts != 1 || m.Claims != 2 ||
			m.SentAt == nil || !m.SentAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("row %+v", m)
		}
	})
}

// Retry and failure record the attempt, the reason and the times; release
// frees a row without counting an attempt.
func TestQueueRetryFailRelease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		q := store.NewOutboxQueue(st)
		r := queueRows(t, st, t0, t0, t0)
		rows, _ := q.Claim(ctx, t0, 3, time.Minute)
		if err := q.MarkRetry(ctx, r[0], rows[0].Token, t0.Add(30*time.Second), "gateway answered 503"); err != nil {
			t.Fatal(err)
		}
		if err := q.MarkFailed(ctx, r[1], rows[1].Token, "render: unknown template", t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := q.Release(ctx, rows[2:]); err != nil {
			t.Fatal(err)
		}
		if m := message(t, st, r[0]); m.Status != store.OutboxPending || m.Attempts != 1 ||
			!m.NextAt.Equal(t0.Add(30*time.Second)) || m.LastError != "gateway answered 503" {
			t.Errorf("retried row %+v", m)
		}
		if m := message(t, st, r[1]); m.Status != store.OutboxFailed || m.Attempts != 1 || m.FailedAt == nil ||
			!m.FailedAt.Equal(t0.Add(time.Second)) || m.LastError != "render: unknown template" {
			t.Errorf("failed row %+v", m)
		}
		// The released row is claimable at once; the retried one when due.
		got, _ := q.Claim(ctx, t0, 10, time.Minute)
		if !slices.Equal(ids(got), []int64{r[2]}) {
			t.Errorf("claim after release %v, want [%d]", ids(got), r[2])
		}
		if m := message(t, st, r[2]); m.Attempts != 0 {
			t.Errorf("release counted an attempt: %+v", m)
		}
		got, _ = q.Claim(ctx, t0.Add(30*time.Second), 10, time.Minute)
		if !slices.Equal(ids(got), []int64{r[0]}) || got[0].Attempts != 1 {
			t.Errorf("claim when due %+v", got)
		}
	})
}

// Delivery receipts find the row by provider and message id; a receipt for
// a message not yet recorded as sent is refused so that it comes again.
func TestQueueDeliveryReceipts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		q := store.NewOutboxQueue(st)
		r := queueRows(t, st, t0, t0)
		if err := q.MarkDelivery(ctx, "smpp", "abc", true, t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("receipt before send: %v, want ErrNotFound", err)
		}
		rows, _ := q.Claim(ctx, t0, 2, time.Minute)
		_ = q.MarkSent(ctx, r[0], rows[0].Token, "smpp", "abc", t0)
		_ = q.MarkSent(ctx, r[1], rows[1].Token, "smpp", "def", t0)
		if err := q.MarkDelivery(ctx, "smpp", "abc", true, t0.Add(5*time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := q.MarkDelivery(ctx, "smpp", "def", false, t0.Add(6*time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := q.MarkDelivery(ctx, "http", "abc", true, t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("receipt of another provider: %v", err)
		}
		if m := message(t, st, r[0]); m.Status != store.OutboxDelivered || m.DeliveredAt == nil ||
			!m.DeliveredAt.Equal(t0.Add(5*time.Second)) {
			t.Errorf("row %+v", m)
		}
		if m := message(t, st, r[1]); m.Status != store.OutboxUndelivered {
			t.Errorf("row %+v", m)
		}
		// A repeated receipt applies again rather than failing.
		if err := q.MarkDelivery(ctx, "smpp", "abc", true, t0.Add(7*time.Second)); err != nil {
			t.Errorf("repeated receipt: %v", err)
		}
	})
}

// Claimers on separate connections pools — separate nodes — never get the
// same row: on PostgreSQL FOR UPDATE SKIP LOCKED, on SQLite the one writer.
func TestQueueConcurrentClaimersNeverShareARow(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.NewDSN(t, d)
			var nodes []*store.Store
			for range 2 {
				st, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				nodes = append(nodes, st)
			}
			if err := nodes[0].Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			const n = 2000
			queueMany(t, nodes[0], n, t0)
			var mu sync.Mutex
			seen := map[int64]int{}
			var wg sync.WaitGroup
			for _, st := range nodes {
				q := store.NewOutboxQueue(st)
				for range 4 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							rows, err := q.Claim(ctx, t0, 25, time.Hour)
							if err != nil {
								t.Error(err)
								return
							}
							if len(rows) == 0 {
								return
							}
							mu.Lock()
							for _, r := range rows {
								seen[r.ID]++
							}
							mu.Unlock()
						}
					}()
				}
			}
			wg.Wait()
			if len(seen) != n {
				t.Errorf("%d rows claimed, want %d", len(seen), n)
			}
			for id, c := range seen {
				if c != 1 {
					t.Errorf("row %d claimed %d times", id, c)
				}
			}
		})
	}
}
