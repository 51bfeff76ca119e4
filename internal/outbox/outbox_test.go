package outbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/sms"
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

var start = time.Date(2026, 8, 1, 4, 30, 0, 0, time.UTC)

// memRow is a row of the in-memory queue, with what the store keeps.
type memRow struct {
	Row
	status     string // pending, sent, failed
	leaseUntil time.Time
	provider   string
	providerID string
	reason     string
	doneAt     time.Time
}

// memQueue implements Queue with the semantics the SQL store must have.
type memQueue struct {
	mu       sync.Mutex
	rows     []*memRow
	claimErr error
	markErr  error
	claims   int
	released int
	sentLog  []sentEntry // MarkSent calls, in order
}

type sentEntry struct {
	id     int64
	nextAt time.Time // the row's next_at when it was claimed
}

func (q *memQueue) add(createdAt, nextAt time.Time, template string, vars map[string]string) int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	id := int64(len(q.rows) + 1)
	q.rows = append(q.rows, &memRow{status: "pending", Row: Row{
		ID: id, Mobile: "9876543210", Template: template, Language: "hi", Vars: vars,
		DedupeKey: fmt.Sprintf("d%d", id), CreatedAt: createdAt, NextAt: nextAt,
	}})
	return id
}

func (q *memQueue) Claim(_ context.Context, now time.Time, limit int, lease time.Duration) ([]Row, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.claims++
	if q.claimErr != nil {
		return nil, q.claimErr
	}
	var due []*memRow
	for _, r := range q.rows {
		if r.status == "pending" && !r.NextAt.After(now) && !r.leaseUntil.After(now) {
			due = append(due, r)
		}
	}
	slices.SortFunc(due, func(a, b *memRow) int {
		return cmp.Or(a.NextAt.Compare(b.NextAt), cmp.Compare(a.ID, b.ID))
	})
	var out []Row
	for _, r := range due[:min(limit, len(due))] {
		r.leaseUntil = now.Add(lease)
		r.Token++
		out = append(out, r.Row)
	}
	return out, nil
}

// held reports whether token is still the claim holding row id.
func (q *memQueue) held(id, token int64) (*memRow, error) {
	r := q.get(id)
	if r.status != "pending" || r.Token != token {
		return nil, ErrLeaseLost
	}
	return r, nil
}

func (q *memQueue) Release(_ context.Context, rows []Row) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.released += len(rows)
	for _, row := range rows {
		if r, err := q.held(row.ID, row.Token); err == nil {
			r.leaseUntil = time.Time{}
		}
	}
	return nil
}

func (q *memQueue) get(id int64) *memRow { return q.rows[id-1] }

func (q *memQueue) MarkSent(_ context.Context, id, token int64, provider, providerID string, now time.Time) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.markErr != nil {
		return q.markErr
	}
	r, err := q.held(id, token)
	if err != nil {
		return err
	}
	q.sentLog = append(q.sentLog, sentEntry{id, r.NextAt})
	r.status, r.provider, r.providerID, r.doneAt = "sent", provider, providerID, now
	r.Attempts++
	r.leaseUntil = time.Time{}
	return nil
}

func (q *memQueue) MarkRetry(_ context.Context, id, token int64, next time.Time, reason string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.markErr != nil {
		return q.markErr
	}
	r, err := q.held(id, token)
	if err != nil {
		return err
	}
	r.NextAt, r.reason = next, reason
	r.Attempts++
	r.leaseUntil = time.Time{}
	return nil
}

func (q *memQueue) MarkFailed(_ context.Context, id, token int64, reason string, now time.Time) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.markErr != nil {
		return q.markErr
	}
	r, err := q.held(id, token)
	if err != nil {
		return err
	}
	r.status, r.reason, r.doneAt = "failed", reason, now
	r.Attempts++
	r.leaseUntil = time.Time{}
	return nil
}

func (q *memQueue) row(id int64) memRow {
	q.mu.Lock()
	defer q.mu.Unlock()
	return *q.get(id)
}

func (q *memQueue) count(status string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, r := range q.rows {
		if r.status == status {
			n++
		}
	}
	return n
}

func refVars(i int) map[string]string { return map[string]string{"ref": fmt.Sprintf("1076%08d", i)} }

type fixture struct {
	clk  *clock
	q    *memQueue
	fake *sms.Fake
	d    *Dispatcher
}

func newFixture(t *testing.T, opts Options, p func(*sms.Fake, *clock) sms.Provider) *fixture {
	t.Helper()
	reg, err := sms.NewRegistry(sms.DefaultTemplates())
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{clk: &clock{t: start}, q: &memQueue{}}
	f.fake = sms.NewFake(f.clk.Now)
	var prov sms.Provider = f.fake
	if p != nil {
		prov = p(f.fake, f.clk)
	}
	if opts.Jitter == nil {
		opts.Jitter = func() float64 { return 0.5 }
	}
	f.d, err = New(f.q, reg, prov, f.clk.Now, opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) runOnce(t *testing.T) (sent, retried, failed int) {
	t.Helper()
	sent, retried, failed, err := f.d.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sent, retried, failed
}

func TestSendsAndMarks(t *testing.T) {
	f := newFixture(t, Options{}, nil)
	for i := range 3 {
		f.q.add(start, start, model.TmplClosed, refVars(i))
	}
	if s, r, fl := f.runOnce(t); s != 3 || r != 0 || fl != 0 {
		t.Fatalf("sent %d retried %d failed %d", s, r, fl)
	}
	sent := f.fake.Sent()
	for i, s := range sent {
		row := f.q.row(int64(i + 1))
		if row.status != "sent" || row.provider != "fake" || row.providerID != s.ProviderID ||
			row.Attempts != 1 || !row.doneAt.Equal(start) {
			t.Errorf("row %d: %+v", i+1, row)
		}
		if !strings.Contains(s.Text, fmt.Sprintf("1076%08d", i)) || s.To != "9876543210" || s.Language != "hi" {
			t.Errorf("message %d: %+v", i, s)
		}
	}
	if s, _, _ := f.runOnce(t); s != 0 {
		t.Errorf("sent %d again", s)
	}
}

func TestOrderByDueTime(t *testing.T) {
	f := newFixture(t, Options{BatchSize: 2}, nil)
	dues := []time.Duration{5 * time.Minute, time.Minute, 3 * time.Minute, 2 * time.Minute, 20 * time.Minute}
	for i, d := range dues {
		f.q.add(start, start.Add(d), model.TmplClosed, refVars(i))
	}
	f.clk.Set(start.Add(10 * time.Minute))
	for range 3 {
		f.runOnce(t)
	}
	var got []int64
	for _, e := range f.q.sentLog {
		got = append(got, e.id)
	}
	if want := []int64{2, 4, 3, 1}; !slices.Equal(got, want) {
		t.Errorf("sent rows %v, want %v (due order; row 5 not yet due)", got, want)
	}
}

func TestBackoffSchedule(t *testing.T) {
	f := newFixture(t, Options{BaseBackoff: 30 * time.Second, MaxBackoff: 30 * time.Minute}, nil)
	f.fake.SetDown(true)
	id := f.q.add(start, start, model.TmplClosed, refVars(1))
	// With jitter 0.5 each wait is 3/4 of the doubling step, capped at 30m.
	want := []time.Duration{
		22*time.Second + 500*time.Millisecond, 45 * time.Second, 90 * time.Second, 3 * time.Minute,
		6 * time.Minute, 12 * time.Minute, 22*time.Minute + 30*time.Second, 22*time.Minute + 30*time.Second,
	}
	for i, w := range want {
		now := f.clk.Now()
		if _, r, _ := f.runOnce(t); r != 1 {
			t.Fatalf("attempt %d not retried", i+1)
		}
		row := f.q.row(id)
		if got := row.NextAt.Sub(now); got != w {
			t.Errorf("after attempt %d: wait %v, want %v", i+1, got, w)
		}
		if row.Attempts != i+1 || !strings.Contains(row.reason, "down") {
			t.Errorf("after attempt %d: attempts %d reason %q", i+1, row.Attempts, row.reason)
		}
		// Not due before next_at.
		f.clk.Set(row.NextAt.Add(-time.Second))
		if s, r, fl := f.runOnce(t); s+r+fl != 0 {
			t.Fatalf("row claimed before it was due")
		}
		f.clk.Set(row.NextAt)
	}
	f.fake.SetDown(false)
	if s, _, _ := f.runOnce(t); s != 1 {
		t.Error("not sent after recovery")
	}
}

func TestBackoffJitterBounds(t *testing.T) {
	for _, j := range []float64{0, 0.25, 0.999999} {
		d, _ := New(&memQueue{}, &sms.Registry{}, sms.NewFake(fixed), fixed, Options{
			BaseBackoff: 10 * time.Second, MaxBackoff: time.Minute, Jitter: func() float64 { return j }})
		for attempts, step := range []time.Duration{10, 20, 40, 60, 60} {
			step *= time.Second
			got := d.backoff(attempts)
			if got < step/2 || got > step {
				t.Errorf("jitter %v attempts %d: %v outside [%v, %v]", j, attempts, got, step/2, step)
			}
		}
	}
}

func TestGivesUpAfterMaxAge(t *testing.T) {
	f := newFixture(t, Options{MaxAge: time.Hour, BaseBackoff: time.Minute, MaxBackoff: 16 * time.Minute}, nil)
	f.fake.SetDown(true)
	id := f.q.add(start, start, model.TmplClosed, refVars(1))
	for range 100 {
		row := f.q.row(id)
		if row.status != "pending" {
			break
		}
		if row.NextAt.Sub(row.CreatedAt) >= time.Hour {
			t.Fatalf("retry scheduled past max age: %v", row.NextAt)
		}
		f.clk.Set(row.NextAt)
		f.runOnce(t)
	}
	row := f.q.row(id)
	if row.status != "failed" || !strings.Contains(row.reason, "gave up after") {
		t.Fatalf("row %+v, want failed after giving up", row)
	}
	if row.doneAt.Sub(start) >= time.Hour {
		t.Errorf("gave up at %v, after the max age", row.doneAt.Sub(start))
	}
	if f.fake.Calls() != row.Attempts {
		t.Errorf("%d sends for %d attempts", f.fake.Calls(), row.Attempts)
	}
}

func TestExpiredRowsAreNotSent(t *testing.T) {
	f := newFixture(t, Options{MaxAge: 48 * time.Hour,
		MaxAgeByTemplate: map[string]time.Duration{model.TmplOTP: 10 * time.Minute}}, nil)
	otp := f.q.add(start, start, model.TmplOTP, map[string]string{"code": "482913", "minutes": "10"})
	old := f.q.add(start.Add(-49*time.Hour), start, model.TmplClosed, refVars(1))
	fresh := f.q.add(start, start, model.TmplClosed, refVars(2))
	f.clk.Set(start.Add(11 * time.Minute))
	if s, _, fl := f.runOnce(t); s != 1 || fl != 2 {
		t.Fatalf("sent %d failed %d", s, fl)
	}
	for _, id := range []int64{otp, old} {
		if r := f.q.row(id); r.status != "failed" || !strings.HasPrefix(r.reason, "expired") {
			t.Errorf("row %d: %s %q", id, r.status, r.reason)
		}
	}
	if f.q.row(fresh).status != "sent" || f.fake.Calls() != 1 {
		t.Error("fresh row not sent alone")
	}
}

func TestPermanentFailures(t *testing.T) {
	f := newFixture(t, Options{}, nil)
	f.fake.FailNext(1, sms.Permanent("fake", "0xb", errors.New("invalid destination")))
	a := f.q.add(start, start, model.TmplClosed, refVars(1))
	b := f.q.add(start, start, model.TmplClosed, refVars(2))
	f.q.mu.Lock()
	f.q.get(b).Mobile = "12345"
	f.q.mu.Unlock()
	if _, _, fl := f.runOnce(t); fl != 2 {
		t.Fatalf("failed %d, want 2", fl)
	}
	if r := f.q.row(a); r.status != "failed" || r.Attempts != 1 || !strings.Contains(r.reason, "invalid destination") {
		t.Errorf("row a %+v", r)
	}
	if r := f.q.row(b); r.status != "failed" || !strings.Contains(r.reason, "10-digit") {
		t.Errorf("row b %+v", r)
	}
}

func TestRenderFailureIsPermanent(t *testing.T) {
	f := newFixture(t, Options{}, nil)
	unknown := f.q.add(start, start, "promo_offer", nil)
	missing := f.q.add(start, start, model.TmplRegistered, map[string]string{"ref": "107600123456", "department": "राजस्व"})
	badDate := f.q.add(start, start, model.TmplReopened, map[string]string{"ref": "107600123456", "due_date": "2026-08-15"})
	if s, r, fl := f.runOnce(t); s != 0 || r != 0 || fl != 3 {
		t.Fatalf("sent %d retried %d failed %d", s, r, fl)
	}
	for id, want := range map[int64]string{unknown: "unknown template", missing: "due_date", badDate: "due_date"} {
		if r := f.q.row(id); r.status != "failed" || !strings.HasPrefix(r.reason, "render: ") || !strings.Contains(r.reason, want) {
			t.Errorf("row %d: %s %q, want a render failure naming %q", id, r.status, r.reason, want)
		}
	}
	if f.fake.Calls() != 0 {
		t.Error("provider called for a message that does not render")
	}
}

func TestRateLimit(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 5, Burst: 5, BatchSize: 50}, nil)
	for i := range 40 {
		f.q.add(start, start, model.TmplClosed, refVars(i))
	}
	steps := []struct {
		advance time.Duration
		sent    int
	}{
		{0, 5},                      // the burst
		{0, 0},                      // nothing left this instant
		{100 * time.Millisecond, 0}, // half a token
		{100 * time.Millisecond, 1}, // one token
		{time.Second, 5},            // a second's worth
		{10 * time.Second, 5},       // saved up to the burst, no more
	}
	for i, st := range steps {
		f.clk.Advance(st.advance)
		if s, _, _ := f.runOnce(t); s != st.sent {
			t.Errorf("step %d: sent %d, want %d", i, s, st.sent)
		}
	}
	if n := f.q.count("pending"); n != 40-16 {
		t.Errorf("%d pending", n)
	}
	// Rows it could not send were never claimed, so no lease holds them.
	f.q.mu.Lock()
	defer f.q.mu.Unlock()
	for _, r := range f.q.rows {
		if r.status == "pending" && !r.leaseUntil.IsZero() {
			t.Fatalf("row %d leased but not sent", r.ID)
		}
	}
}

func TestGatewayDownNothingLost(t *testing.T) {
	f := newFixture(t, Options{BatchSize: 10}, nil)
	f.fake.SetDown(true)
	const n = 30
	// Messages keep being queued, one every two minutes, while the
	// gateway is down for three hours; the dispatcher polls every 10s.
	recovery := start.Add(3 * time.Hour)
	queued := 0
	for f.clk.Now().Before(start.Add(6 * time.Hour)) {
		now := f.clk.Now()
		if queued < n && !now.Before(start.Add(time.Duration(queued)*2*time.Minute)) {
			f.q.add(now, now, model.TmplClosed, refVars(queued))
			queued++
		}
		if !now.Before(recovery) {
			f.fake.SetDown(false)
		}
		for {
			s, r, fl := f.runOnce(t)
			if s+r+fl < 10 {
				break
			}
		}
		f.clk.Advance(10 * time.Second)
	}
	if got := f.q.count("sent"); got != n {
		t.Fatalf("%d of %d sent; %d failed, %d pending", got, n, f.q.count("failed"), f.q.count("pending"))
	}
	if calls := f.fake.Calls(); calls < 2*n {
		t.Errorf("only %d send attempts: the outage was not exercised", calls)
	}
	seen := map[string]bool{}
	for _, s := range f.fake.Sent() {
		if seen[s.Text] {
			t.Errorf("sent twice: %s", s.Text)
		}
		seen[s.Text] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct messages went out", len(seen))
	}
	// After recovery the backlog went out in the order it fell due.
	for i := 1; i < len(f.q.sentLog); i++ {
		if f.q.sentLog[i].nextAt.Before(f.q.sentLog[i-1].nextAt) {
			t.Errorf("row %d (due %v) sent after row %d (due %v)", f.q.sentLog[i].id, f.q.sentLog[i].nextAt,
				f.q.sentLog[i-1].id, f.q.sentLog[i-1].nextAt)
		}
	}
	for _, s := range f.fake.Sent() {
		if s.At.Before(recovery) {
			t.Errorf("sent at %v, before the gateway came back", s.At)
		}
	}
}

// slowProvider takes each send's time off the test clock.
type slowProvider struct {
	*sms.Fake
	clk  *clock
	each time.Duration
}

func (p slowProvider) Send(ctx context.Context, m sms.Outgoing) (string, error) {
	p.clk.Advance(p.each)
	return p.Fake.Send(ctx, m)
}

func TestBatchStopsBeforeLeaseEnds(t *testing.T) {
	f := newFixture(t, Options{Lease: 2 * time.Minute, BatchSize: 5}, func(fk *sms.Fake, c *clock) sms.Provider {
		return slowProvider{Fake: fk, clk: c, each: 40 * time.Second}
	})
	for i := range 5 {
		f.q.add(start, start, model.TmplClosed, refVars(i))
	}
	// Sends at 0s, 40s, 80s; at 120s three quarters of the lease are gone.
	if s, _, _ := f.runOnce(t); s != 3 {
		t.Fatalf("sent %d, want 3", s)
	}
	// The other two come back once their lease is over.
	if s, _, _ := f.runOnce(t); s != 2 {
		t.Errorf("next batch sent %d, want 2", s)
	}
}

func TestStoreErrors(t *testing.T) {
	f := newFixture(t, Options{}, nil)
	f.q.add(start, start, model.TmplClosed, refVars(1))
	f.q.claimErr = errors.New("database is locked")
	if _, _, _, err := f.d.RunOnce(context.Background()); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Errorf("claim error: %v", err)
	}
	f.q.claimErr = nil
	f.q.markErr = errors.New("disk full")
	sent, _, _, err := f.d.RunOnce(context.Background())
	if err == nil || sent != 1 {
		t.Errorf("mark error: sent %d err %v", sent, err)
	}
}

func TestRunUntilCancelled(t *testing.T) {
	f := newFixture(t, Options{PollInterval: 5 * time.Millisecond, BatchSize: 3}, nil)
	for i := range 7 {
		f.q.add(start, start, model.TmplClosed, refVars(i))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.d.Run(ctx) }()
	for range 500 {
		if f.q.count("sent") == 7 {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	f.q.add(f.clk.Now(), f.clk.Now(), model.TmplClosed, refVars(99))
	for range 500 {
		if f.q.count("sent") == 8 {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not stop")
	}
	if n := f.q.count("sent"); n != 8 {
		t.Errorf("%d sent, want 8", n)
	}
}

func TestNewRejects(t *testing.T) {
	reg, _ := sms.NewRegistry(nil)
	fk := sms.NewFake(fixed)
	if _, err := New(nil, reg, fk, fixed, Options{}); err == nil {
		t.Error("nil queue accepted")
	}
	if _, err := New(&memQueue{}, reg, fk, nil, Options{}); err == nil {
		t.Error("nil clock accepted")
	}
	if _, err := New(&memQueue{}, reg, fk, fixed, Options{RatePerSecond: -1}); err == nil {
		t.Error("negative rate accepted")
	}
}

func fixed() time.Time { return start }
