package outbox

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/sms"
)

// hookProvider runs a hook inside Send, before the fake records it.
type hookProvider struct {
	*sms.Fake
	hook func(ctx context.Context)
}

func (p hookProvider) Send(ctx context.Context, m sms.Outgoing) (string, error) {
	if p.hook != nil {
		p.hook(ctx)
	}
	return p.Fake.Send(ctx, m)
}

// A dispatcher that stalls past its lease finds, when it comes back, that
// another one has claimed the rows: its marks are refused and it stops,
// leaving the rows to the dispatcher that holds them now.
func TestStaleDispatcherCannotMark(t *testing.T) {
	reg, _ := sms.NewRegistry(sms.DefaultTemplates())
	clk := &clock{t: start}
	q := &memQueue{}
	for i := range 3 {
		q.add(start, start, model.TmplClosed, refVars(i))
	}
	fakeB := sms.NewFake(clk.Now)
	b, _ := New(q, reg, fakeB, clk.Now, Options{Lease: time.Minute})
	fakeA := sms.NewFake(clk.Now)
	stalled := false
	a, _ := New(q, reg, hookProvider{Fake: fakeA, hook: func(context.Context) {
		if stalled {
			return
		}
		stalled = true
		// A stalls (GC, a paused VM) past its lease; B takes every row.
		clk.Advance(2 * time.Minute)
		if s, _, _, err := b.RunOnce(context.Background()); s != 3 || err != nil {
			t.Errorf("B sent %d, %v", s, err)
		}
	}}, clk.Now, Options{Lease: time.Minute})

	sent, _, _, err := a.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("A: %v (a lost lease is not a storage failure)", err)
	}
	if sent != 1 || fakeA.Calls() != 1 {
		t.Errorf("A sent %d in %d calls; want it to stop after the one in hand", sent, fakeA.Calls())
	}
	byB := map[string]bool{}
	for _, s := range fakeB.Sent() {
		byB[s.ProviderID] = true
	}
	for id := int64(1); id <= 3; id++ {
		r := q.row(id)
		if r.status != "sent" || r.provider != "fake" || !byB[r.providerID] || r.Attempts != 1 {
			t.Errorf("row %d: %s by %q attempts %d; want B's mark alone", id, r.status, r.providerID, r.Attempts)
		}
	}
}

// A send that hangs is cut off before the lease ends, so that the row is
// marked for retry by the dispatcher that holds it instead of being claimed
// and sent by another while the first is still waiting.
func TestSendMayNotOutliveLease(t *testing.T) {
	reg, _ := sms.NewRegistry(sms.DefaultTemplates())
	q := &memQueue{}
	now := func() time.Time { return time.Now().UTC() }
	id := q.add(now(), now(), model.TmplClosed, refVars(1))
	const lease = 800 * time.Millisecond
	hang := hookProvider{Fake: sms.NewFake(now), hook: func(ctx context.Context) { <-ctx.Done() }}
	d, _ := New(q, reg, hang, now, Options{Lease: lease, Jitter: func() float64 { return 0 }})
	began := time.Now()
	_, retried, _, err := d.RunOnce(context.Background())
	took := time.Since(began)
	if err != nil || retried != 1 {
		t.Fatalf("retried %d, err %v", retried, err)
	}
	if took >= lease {
		t.Errorf("the send held the row %v, past its %v lease", took, lease)
	}
	if r := q.row(id); r.status != "pending" || r.Attempts != 1 || !r.leaseUntil.IsZero() {
		t.Errorf("row %+v, want pending with one attempt and no lease", r)
	}
}

// Rows a batch does not reach — because the process is shutting down — are
// released at once, not left leased.
func TestShutdownReleasesUnreachedRows(t *testing.T) {
	reg, _ := sms.NewRegistry(sms.DefaultTemplates())
	clk := &clock{t: start}
	q := &memQueue{}
	for i := range 5 {
		q.add(start, start, model.TmplClosed, refVars(i))
	}
	ctx, cancel := context.WithCancel(context.Background())
	fk := sms.NewFake(clk.Now)
	d, _ := New(q, reg, hookProvider{Fake: fk, hook: func(context.Context) { cancel() }}, clk.Now, Options{})
	sent, _, _, err := d.RunOnce(ctx)
	if err != nil || sent != 1 {
		t.Fatalf("sent %d, err %v; want the message in hand finished", sent, err)
	}
	if q.released != 4 {
		t.Errorf("released %d rows, want 4", q.released)
	}
	// Another dispatcher, at the same instant, gets them.
	d2, _ := New(q, reg, sms.NewFake(clk.Now), clk.Now, Options{})
	if s, _, _, _ := d2.RunOnce(context.Background()); s != 4 {
		t.Errorf("next claim sent %d, want 4", s)
	}
}

// With several senders every row still goes exactly once, and the senders
// do overlap.
func TestConcurrentSenders(t *testing.T) {
	reg, _ := sms.NewRegistry(sms.DefaultTemplates())
	clk := &clock{t: start}
	q := &memQueue{}
	const n = 200
	for i := range n {
		q.add(start, start.Add(time.Duration(i)*time.Millisecond), model.TmplClosed, refVars(i))
	}
	clk.Set(start.Add(time.Hour))
	var inFlight, most atomic.Int32
	fk := sms.NewFake(clk.Now)
	fk.FailNext(10, nil)
	p := hookProvider{Fake: fk, hook: func(context.Context) {
		n := inFlight.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		inFlight.Add(-1)
	}}
	d, _ := New(q, reg, p, clk.Now, Options{Concurrency: 8, BatchSize: 50, BaseBackoff: time.Second})
	for range 20 {
		if _, _, _, err := d.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
	}
	if got := q.count("sent"); got != n {
		t.Fatalf("%d of %d sent", got, n)
	}
	seen := map[string]int{}
	for _, s := range fk.Sent() {
		seen[s.Text]++
	}
	for text, c := range seen {
		if c != 1 {
			t.Errorf("sent %d times: %s", c, text)
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct messages", len(seen))
	}
	if most.Load() < 2 {
		t.Errorf("at most %d sends at once with 8 senders", most.Load())
	}
}

// A mark refused for a lost lease reaches the batch as ErrLeaseLost, not as
// a storage failure.
func TestLeaseLostIsNotAStorageError(t *testing.T) {
	f := newFixture(t, Options{}, nil)
	f.q.add(start, start, model.TmplClosed, refVars(1))
	f.q.markErr = fmt.Errorf("store: %w", ErrLeaseLost)
	sent, _, _, err := f.d.RunOnce(context.Background())
	if err != nil || sent != 1 {
		t.Errorf("sent %d err %v", sent, err)
	}
	if !errors.Is(f.q.markErr, ErrLeaseLost) {
		t.Fatal("setup")
	}
}
