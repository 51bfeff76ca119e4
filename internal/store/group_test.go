package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// item is a grouped write: a counters row of its own, an SMS in the outbox,
// one on a pendency counter shared by every item and one on a counter of its
// own, and a tally.
func item(i int, fail error) func(tx *store.Tx) error {
	return func(tx *store.Tx) error {
		ctx := context.Background()
		if err := tx.InsertRows(ctx, "counters", []string{"name", "value"}, [][]any{{fmt.Sprintf("item-%d", i), int64(i)}}); err != nil {
			return err
		}
		now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		if err := tx.InsertOutboxRows(ctx, []store.OutboxRow{{Mobile: "9000000000", Template: "registered", Language: "hi",
			DedupeKey: fmt.Sprintf("item-%d", i), NextAt: now, CreatedAt: now, Vars: map[string]string{}}}); err != nil {
			return err
		}
		_ = tx.AddPendency(ctx, []report.PendencyDelta{{Key: sharedKey, N: 1}, {Key: ownKey(i), N: 1}})
		_ = tx.AddTallies(ctx, []report.TallyDelta{{Key: report.TallyKey{Month: 202611, DistrictID: 1, DepartmentID: 1,
			PostID: int64(100 + i), Measure: report.MRegistered}, N: 1}})
		return fail
	}
}

var sharedKey = report.PendencyKey{DistrictID: 1, DepartmentID: 1, PostID: 1, Level: 0, Bucket: report.BucketOpen}

func ownKey(i int) report.PendencyKey {
	k := sharedKey
	k.PostID = int64(100 + i)
	return k
}

// written reads the counters the items wrote: the shared pendency counter,
// the items' own ones by post, and the tallies by post.
func written(t *testing.T, s *store.Store) (shared int64, own map[int64]int64, tallies map[int64]int64) {
	t.Helper()
	ctx := context.Background()
	counts, err := s.StoredPendency(ctx)
	if err != nil {
		t.Fatal(err)
	}
	own = map[int64]int64{}
	for _, c := range counts {
		if c.PendencyKey == sharedKey {
			shared = c.N
		} else {
			own[c.PostID] = c.N
		}
	}
	stored, err := s.StoredTallies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tallies = map[int64]int64{}
	for k, v := range stored {
		tallies[k.PostID] = v
	}
	return shared, own, tallies
}

func TestGroupedBatchCommitsTogetherWithoutSavepoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctxs := make([]context.Context, 5)
		fns := make([]func(*store.Tx) error, 5)
		for i := range fns {
			ctxs[i], fns[i] = context.Background(), item(i+1, nil)
		}
		for i, err := range store.RunBatch(s, ctxs, fns) {
			if err != nil {
				t.Fatalf("item %d: %v", i+1, err)
			}
		}
		shared, own, tallies := written(t, s)
		if shared != 5 || len(own) != 5 || len(tallies) != 5 {
			t.Fatalf("shared counter %d, own counters %v, tallies %v; want 5, five of 1, five of 1", shared, own, tallies)
		}
		for i := 1; i <= 5; i++ {
			if v, _ := s.Counter(context.Background(), fmt.Sprintf("item-%d", i)); v != int64(i) {
				t.Errorf("item %d's row: %d", i, v)
			}
		}
		if st := s.GroupStats(); st.Batches != 1 || st.Items != 5 || st.Retries != 0 {
			t.Fatalf("stats %+v; want one batch of five, no retry", st)
		}
	})
}

func TestGroupedItemThatFailsFailsAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		boom := errors.New("boom")
		cancelled, cancel := context.WithCancel(context.Background())
		cancel()
		ctxs := []context.Context{context.Background(), context.Background(), context.Background(), cancelled, context.Background()}
		fns := []func(*store.Tx) error{item(1, nil), item(2, boom), item(3, nil), item(4, nil), item(5, nil)}
		errs := store.RunBatch(s, ctxs, fns)
		if !errors.Is(errs[1], boom) || !errors.Is(errs[3], context.Canceled) {
			t.Fatalf("errors %v; want boom for item 2 and cancelled for item 4", errs)
		}
		for _, i := range []int{0, 2, 4} {
			if errs[i] != nil {
				t.Fatalf("item %d: %v", i+1, errs[i])
			}
		}
		ctx := context.Background()
		for i, want := range map[int]bool{1: true, 2: false, 3: true, 4: false, 5: true} {
			v, err := s.Counter(ctx, fmt.Sprintf("item-%d", i))
			if err != nil || (v == int64(i)) != want {
				t.Errorf("item %d's row: %d (%v); written %v", i, v, err, want)
			}
		}
		// The failed item's deferred counters went with its savepoint.
		shared, own, tallies := written(t, s)
		if shared != 3 || len(own) != 3 || own[102] != 0 || own[104] != 0 || len(tallies) != 3 || tallies[102] != 0 {
			t.Fatalf("shared counter %d, own %v, tallies %v; want 3 and items 1, 3, 5 only", shared, own, tallies)
		}
		msgs, err := s.OutboxMessages(ctx, store.OutboxMessageFilter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, m := range msgs {
			keys = append(keys, m.DedupeKey)
		}
		if !slices.Equal(keys, []string{"item-5", "item-3", "item-1"}) {
			t.Fatalf("outbox %v; want the messages of items 1, 3 and 5, newest first", keys)
		}
		if st := s.GroupStats(); st.Retries != 1 {
			t.Fatalf("stats %+v; want the batch run again once", st)
		}
	})
}

// TestGroupedItemDeadlockedRunsAgainAlone: an item that fails with a
// deadlock on PostgreSQL, in both runs of its batch, is run once more on its
// own and commits; the same error is not a retryable one on SQLite, where
// the item fails alone.
func TestGroupedItemDeadlockedRunsAgainAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		deadlock := &pgconn.PgError{Code: "40P01", Message: "deadlock detected"}
		calls := 0
		flaky := func(tx *store.Tx) error {
			calls++
			fail := error(nil)
			if calls <= 2 {
				fail = deadlock
			}
			return item(2, fail)(tx)
		}
		ctxs := []context.Context{context.Background(), context.Background(), context.Background()}
		errs := store.RunBatch(s, ctxs, []func(*store.Tx) error{item(1, nil), flaky, item(3, nil)})
		if errs[0] != nil || errs[2] != nil {
			t.Fatalf("items 1 and 3: %v", errs)
		}
		v, err := s.Counter(context.Background(), "item-2")
		if s.Dialect() == store.Postgres {
			if errs[1] != nil || calls != 3 || err != nil || v != 2 {
				t.Fatalf("deadlocked item: %v after %d runs, row %d (%v); want committed on its third run", errs[1], calls, v, err)
			}
			return
		}
		if !errors.Is(errs[1], deadlock) || calls != 2 || v == 2 {
			t.Fatalf("item on SQLite: %v after %d runs, row %d; want the error after two runs and no row", errs[1], calls, v)
		}
	})
}

func TestGroupedWritesFromManyCallers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 60
		errs := make(chan error, n)
		for i := 1; i <= n; i++ {
			fail := error(nil)
			if i%10 == 0 {
				fail = fmt.Errorf("item %d refused", i)
			}
			go func() { errs <- s.TxGrouped(ctx, item(i, fail)) }()
		}
		failed := 0
		for range n {
			if err := <-errs; err != nil {
				failed++
			}
		}
		shared, own, _ := written(t, s)
		if failed != n/10 || shared != n-n/10 || len(own) != n-n/10 {
			t.Fatalf("%d failed, shared counter %d, %d own counters; want %d, %d, %d", failed, shared, len(own), n/10, n-n/10, n-n/10)
		}
		if st := s.GroupStats(); st.Items != n {
			t.Fatalf("stats %+v; want %d items", st, n)
		}
	})
}

func TestDeferredCountersAddUpAndCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		err := s.Tx(ctx, func(tx *store.Tx) error {
			_ = tx.AddPendency(ctx, []report.PendencyDelta{{Key: sharedKey, N: 1}, {Key: ownKey(1), N: 1}})
			_ = tx.AddPendency(ctx, []report.PendencyDelta{{Key: sharedKey, N: 1}, {Key: ownKey(1), N: -1}})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		counts, err := s.StoredPendency(ctx)
		if err != nil || len(counts) != 1 || counts[0].PendencyKey != sharedKey || counts[0].N != 2 {
			t.Fatalf("counters %+v (%v); want only the shared one, at 2", counts, err)
		}
		roll, err := s.StoredRollup(ctx)
		if err != nil || len(roll) != 1 || roll[0].Open[0] != 2 {
			t.Fatalf("roll-up %+v (%v)", roll, err)
		}
		// A transaction that fails writes none of its counters.
		err = s.Tx(ctx, func(tx *store.Tx) error {
			_ = tx.AddPendency(ctx, []report.PendencyDelta{{Key: sharedKey, N: 5}})
			return errors.New("refused")
		})
		if err == nil {
			t.Fatal("a failing transaction committed")
		}
		if counts, _ := s.StoredPendency(ctx); len(counts) != 1 || counts[0].N != 2 {
			t.Fatalf("counters after a failed transaction %+v", counts)
		}
	})
}

// TestRefBlockGoesWithItsSavepoint: a reference block reserved by an item
// that fails is rolled back with it; the numbers drawn after it must still be
// unique after a restart.
func TestRefBlockGoesWithItsSavepoint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		boom := errors.New("boom")
		var first, kept int64
		errs := store.RunBatch(s, []context.Context{ctx, ctx}, []func(*store.Tx) error{
			func(tx *store.Tx) error {
				n, err := tx.NextRefSeq(ctx)
				if err != nil {
					return err
				}
				first = n
				return boom
			},
			func(tx *store.Tx) error {
				n, err := tx.NextRefSeq(ctx)
				kept = n
				return err
			},
		})
		if !errors.Is(errs[0], boom) || errs[1] != nil {
			t.Fatalf("errors %v", errs)
		}
		again, err := store.Open(ctx, s.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		var next int64
		if err := again.Tx(ctx, func(tx *store.Tx) error {
			next, err = tx.NextRefSeq(ctx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if next <= kept {
			t.Fatalf("after a restart the next reference number is %d, not above the kept %d (the failed item drew %d)", next, kept, first)
		}
	})
}
