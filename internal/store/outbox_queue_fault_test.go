package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/clock"
	"github.com/nivaran/nivaran/internal/outbox"
	"github.com/nivaran/nivaran/internal/sms"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// sentLog wraps a queue and records each row that was marked sent, with the
// due time it was claimed at, in the order of the marks.
type sentLog struct {
	*store.OutboxQueue
	mu      sync.Mutex
	claimed map[int64]time.Time
	order   []sentEntry
}

type sentEntry struct {
	id  int64
	due time.Time
}

func newSentLog(q *store.OutboxQueue) *sentLog {
	return &sentLog{OutboxQueue: q, claimed: map[int64]time.Time{}}
}

func (l *sentLog) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]outbox.Row, error) {
	rows, err := l.OutboxQueue.Claim(ctx, now, limit, lease)
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range rows {
		l.claimed[r.ID] = r.NextAt
	}
	return rows, err
}

func (l *sentLog) MarkSent(ctx context.Context, id, token int64, provider, providerID string, now time.Time) error {
	err := l.OutboxQueue.MarkSent(ctx, id, token, provider, providerID, now)
	if err == nil {
		l.mu.Lock()
		l.order = append(l.order, sentEntry{id, l.claimed[id]})
		l.mu.Unlock()
	}
	return err
}

func registry(t testing.TB) *sms.Registry {
	t.Helper()
	reg, err := sms.NewRegistry(sms.DefaultTemplates())
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// textsOnce checks that every message went out exactly once and that there
// were want of them.
func textsOnce(t *testing.T, want int, fakes ...*sms.Fake) {
	t.Helper()
	seen := map[string]int{}
	for _, f := range fakes {
		for _, s := range f.Sent() {
			seen[s.Text]++
		}
	}
	if len(seen) != want {
		t.Errorf("%d distinct messages went out, want %d", len(seen), want)
	}
	twice := 0
	for text, n := range seen {
		if n != 1 {
			twice++
			if twice <= 5 {
				t.Errorf("sent %d times: %s", n, text)
			}
		}
	}
}

// The gateway is down for three hours while messages keep being queued:
// nothing is lost, nothing goes before the gateway is back, everything goes
// once it is, exactly once, in the order it fell due.
func TestDispatcherGatewayDownNothingLost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clk := clock.NewFake(t0)
		fake := sms.NewFake(clk.Now)
		fake.SetDown(true)
		q := newSentLog(store.NewOutboxQueue(st))
		d, err := outbox.New(q, registry(t), fake, clk.Now, outbox.Options{BatchSize: 10,
			BaseBackoff: 30 * time.Second, MaxBackoff: 20 * time.Minute, Jitter: func() float64 { return 0.5 }})
		if err != nil {
			t.Fatal(err)
		}
		const n = 30
		recovery := t0.Add(3 * time.Hour)
		queued := 0
		for clk.Now().Before(t0.Add(6 * time.Hour)) {
			now := clk.Now()
			if queued < n && !now.Before(t0.Add(time.Duration(queued)*2*time.Minute)) {
				queueRows(t, st, now)
				queued++
			}
			if !now.Before(recovery) {
				fake.SetDown(false)
			}
			for {
				s, r, f, err := d.RunOnce(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if s+r+f < 10 {
					break
				}
			}
			clk.Advance(30 * time.Second)
		}
		counts, _ := st.OutboxCounts(ctx)
		if counts[store.OutboxSent] != n {
			t.Fatalf("outbox %v, want %d sent", counts, n)
		}
		if calls := fake.Calls(); calls < 2*n {
			t.Errorf("only %d send attempts: the outage was not exercised", calls)
		}
		textsOnce(t, n, fake)
		for _, s := range fake.Sent() {
			if s.At.Before(recovery) {
				t.Errorf("sent at %v, before the gateway came back", s.At)
			}
		}
		for i := 1; i < len(q.order); i++ {
			if q.order[i].due.Before(q.order[i-1].due) {
				t.Errorf("row %d (due %v) sent after row %d (due %v)", q.order[i].id, q.order[i].due,
					q.order[i-1].id, q.order[i-1].due)
			}
		}
		ms, _ := st.OutboxMessages(ctx, store.OutboxMessageFilter{Limit: n})
		for _, m := range ms {
			if m.Attempts < 2 || m.LastError == "" {
				t.Errorf("row %d: %d attempts, last error %q; want the failed tries recorded", m.ID, m.Attempts, m.LastError)
			}
		}
	})
}

// A process claims a batch, sends part of it and dies. The rows it never
// reached stay leased until the lease is over, then a new process sends
// them: every message goes exactly once.
func TestDispatcherCrashMidBatch(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.NewDSN(t, dialect)
			open := func() *store.Store {
				st, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				return st
			}
			first, err := store.Open(ctx, dsn) // closed below, when "killed"
			if err != nil {
				t.Fatal(err)
			}
			if err := first.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			const n, lease = 40, 2 * time.Minute
			queueMany(t, first, n, t0)
			clk := clock.NewFake(t0)
			reg := registry(t)

			// The first process claims 20, sends and marks 5, and is killed
			// before it sends the 6th.
			dead := sms.NewFake(clk.Now)
			q1 := store.NewOutboxQueue(first)
			rows, err := q1.Claim(ctx, t0, 20, lease)
			if err != nil || len(rows) != 20 {
				t.Fatalf("claim %d rows: %v", len(rows), err)
			}
			for _, r := range rows[:5] {
				rendered, err := reg.Render(r.Template, r.Language, r.Vars)
				if err != nil {
					t.Fatal(err)
				}
				id, _ := dead.Send(ctx, sms.Outgoing{To: r.Mobile, Rendered: rendered})
				if err := q1.MarkSent(ctx, r.ID, r.Token, dead.Name(), id, clk.Now()); err != nil {
					t.Fatal(err)
				}
			}
			first.Close() // killed: no release, no marks

			// The restarted process, a minute later: the 20 never claimed
			// go; the 15 still leased by the dead one wait.
			second := open()
			clk.Advance(time.Minute)
			alive := sms.NewFake(clk.Now)
			d, err := outbox.New(store.NewOutboxQueue(second), reg, alive, clk.Now, outbox.Options{BatchSize: 50, Lease: lease})
			if err != nil {
				t.Fatal(err)
			}
			if s, _, _, err := d.RunOnce(ctx); err != nil || s != 20 {
				t.Fatalf("after restart sent %d (%v), want the 20 unclaimed", s, err)
			}
			if s, _, _, _ := d.RunOnce(ctx); s != 0 {
				t.Fatalf("sent %d rows still under the dead process's lease", s)
			}
			clk.Advance(lease)
			if s, _, _, err := d.RunOnce(ctx); err != nil || s != 15 {
				t.Fatalf("after the lease sent %d (%v), want 15", s, err)
			}
			counts, _ := second.OutboxCounts(ctx)
			if counts[store.OutboxSent] != n || len(counts) != 1 {
				t.Errorf("outbox %v", counts)
			}
			textsOnce(t, n, dead, alive)
		})
	}
}

// Two dispatchers — two nodes, each with its own connection pool — work one
// outbox of a few thousand messages at once: each message goes exactly
// once, and both share the work.
func TestTwoDispatchersNoDoubleSend(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.NewDSN(t, dialect)
			const n = 3000
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
			now := func() time.Time { return time.Now().UTC() }
			queueMany(t, nodes[0], n, now())
			reg := registry(t)
			run, stop := context.WithCancel(ctx)
			var wg sync.WaitGroup
			var fakes []*sms.Fake
			for _, st := range nodes {
				fake := sms.NewFake(now)
				fakes = append(fakes, fake)
				d, err := outbox.New(store.NewOutboxQueue(st), reg, fake, now, outbox.Options{
					BatchSize: 25, Concurrency: 4, PollInterval: 5 * time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}
				wg.Add(1)
				go func() { defer wg.Done(); _ = d.Run(run) }()
			}
			deadline := time.Now().Add(2 * time.Minute)
			for {
				counts, err := nodes[0].OutboxCounts(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if counts[store.OutboxSent] == n {
					break
				}
				if counts[store.OutboxPending] == 0 || time.Now().After(deadline) {
					t.Fatalf("outbox %v", counts)
				}
				time.Sleep(20 * time.Millisecond)
			}
			stop()
			wg.Wait()
			textsOnce(t, n, fakes...)
			calls := fakes[0].Calls() + fakes[1].Calls()
			if calls != n {
				t.Errorf("%d sends for %d messages", calls, n)
			}
			t.Logf("node 1 sent %d, node 2 sent %d", len(fakes[0].Sent()), len(fakes[1].Sent()))
			if len(fakes[0].Sent()) == 0 || len(fakes[1].Sent()) == 0 {
				t.Errorf("one node did all the work: %d and %d", len(fakes[0].Sent()), len(fakes[1].Sent()))
			}
		})
	}
}
