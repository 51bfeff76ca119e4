package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/nivaran/nivaran/internal/sms"
)

// Row is one queued message as the store hands it out.
type Row struct {
	ID        int64
	Mobile    string
	Template  string
	Language  string
	Vars      map[string]string
	DedupeKey string
	Attempts  int // attempts made before this claim
	CreatedAt time.Time
	NextAt    time.Time
	// Token identifies the claim that handed the row out (the store uses the
	// row's claim count). Marks carry it back, and the queue applies them
	// only while it is still the row's latest claim.
	Token int64
}

// ErrLeaseLost is what a Mark method returns when the row is no longer held
// by the claim whose token it was given: the lease ran out and another
// dispatcher claimed the row, or the row is no longer pending.
var ErrLeaseLost = errors.New("outbox: lease lost")

// Queue is the storage the dispatcher needs. The three Mark methods each
// record one attempt (attempts = attempts + 1) and end the row's lease. They
// apply only while the row is pending and token is still its latest claim,
// and return ErrLeaseLost otherwise, so a late mark can neither undo a final
// state nor overwrite the row under the dispatcher that claimed it since.
type Queue interface {
	// Claim leases up to limit rows that are pending and due (next_at <= now),
	// oldest due first, for lease; rows leased by another dispatcher are skipped.
	// A lease is over when lease_until <= now. It must be atomic across
	// processes (FOR UPDATE SKIP LOCKED on PostgreSQL; one writer on SQLite),
	// and give every row it returns a token no earlier claim of it had.
	Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Row, error)
	// MarkSent makes the row sent, keeping provider and providerID (which
	// delivery receipts will name) and the time.
	MarkSent(ctx context.Context, id, token int64, provider, providerID string, now time.Time) error
	// MarkRetry leaves the row pending, due again at next, with reason as its
	// last error.
	MarkRetry(ctx context.Context, id, token int64, next time.Time, reason string) error
	// MarkFailed makes the row failed for good, with reason and the time.
	MarkFailed(ctx context.Context, id, token int64, reason string, now time.Time) error
	// Release ends the leases of claimed rows the dispatcher will not work
	// after all (a batch cut short, a shutdown), without counting an
	// attempt, so that the next claim — here or on another node — takes
	// them at once instead of after the lease. Rows whose token is no longer
	// current are left alone.
	Release(ctx context.Context, rows []Row) error
}

// Options tune a Dispatcher. Zero values take the defaults shown.
type Options struct {
	BatchSize int // rows per claim; 50
	// Lease is how long a claim holds its rows; 2m. A batch stops sending
	// once three quarters of it are gone and leaves the rest to a later claim.
	Lease        time.Duration
	PollInterval time.Duration // wait between claims when nothing is due; 2s
	// MaxAge is how long after it was queued a message is still worth
	// sending; older ones fail as expired. 48h. MaxAgeByTemplate overrides it
	// per template: a one-time code is useless after minutes.
	MaxAge           time.Duration
	MaxAgeByTemplate map[string]time.Duration
	BaseBackoff      time.Duration // backoff step after the first temporary failure (waits are half to all of a step); 30s
	MaxBackoff       time.Duration // longest wait between attempts; 30m
	// RatePerSecond caps sends a second (0: no cap); Burst is how many may go
	// at once after a quiet spell, default the rate rounded up. The bucket
	// fills by the dispatcher's clock: a clock that stands still sends a
	// burst and then nothing.
	RatePerSecond float64
	Burst         int
	// Concurrency is how many rows of a batch are sent at once; 1. More
	// than one keeps a provider with a window (SMPP pipelines submit_sm)
	// or a slow HTTP gateway busy; the rows still start in due order.
	Concurrency int
	// Jitter returns a number in [0, 1) that spreads retries; default
	// math/rand/v2. Tests pass a constant.
	Jitter func() float64
	Logger *slog.Logger
}

// Dispatcher sends what the outbox holds. Run it once per process; any
// number of processes may share one queue.
type Dispatcher struct {
	q    Queue
	reg  atomic.Pointer[sms.Registry]
	p    sms.Provider
	now  func() time.Time
	opts Options
	log  *slog.Logger

	mu      sync.Mutex // one batch at a time
	limMu   sync.Mutex // the bucket, shared by a batch's senders
	limiter *bucket
}

// New returns a dispatcher that renders with reg, sends with p and reads the
// time from now.
func New(q Queue, reg *sms.Registry, p sms.Provider, now func() time.Time, opts Options) (*Dispatcher, error) {
	if q == nil || reg == nil || p == nil || now == nil {
		return nil, errors.New("outbox: queue, registry, provider and clock are required")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 50
	}
	def(&opts.Lease, 2*time.Minute)
	def(&opts.PollInterval, 2*time.Second)
	def(&opts.MaxAge, 48*time.Hour)
	def(&opts.BaseBackoff, 30*time.Second)
	def(&opts.MaxBackoff, 30*time.Minute)
	if opts.MaxBackoff < opts.BaseBackoff {
		opts.MaxBackoff = opts.BaseBackoff
	}
	if opts.RatePerSecond < 0 {
		return nil, errors.New("outbox: negative rate")
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 1
	}
	if opts.Jitter == nil {
		opts.Jitter = rand.Float64
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	d := &Dispatcher{q: q, p: p, now: now, opts: opts, log: opts.Logger}
	d.reg.Store(reg)
	if opts.RatePerSecond > 0 {
		burst := opts.Burst
		if burst <= 0 {
			burst = int(math.Ceil(opts.RatePerSecond))
		}
		d.limiter = newBucket(opts.RatePerSecond, burst, now())
	}
	return d, nil
}

// SetRegistry makes later renders use reg: templates are edited by admins
// while the dispatcher runs. A nil reg is ignored.
func (d *Dispatcher) SetRegistry(reg *sms.Registry) {
	if reg != nil {
		d.reg.Store(reg)
	}
}

// Run works the outbox until ctx is done: a batch, then the next one at once
// while there is more to send, else after the poll interval. On shutdown it
// finishes the messages in hand, releases the rows it had claimed but not
// reached, and returns nil.
func (d *Dispatcher) Run(ctx context.Context) error {
	tick := time.NewTicker(d.opts.PollInterval)
	defer tick.Stop()
	for {
		res, err := d.runOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			d.log.ErrorContext(ctx, "outbox batch failed", "err", err)
		}
		wake := tick.C
		if err == nil && res.more {
			if res.wait <= 0 {
				continue
			}
			// The rate limit holds the next batch back: wait for a token,
			// not for the next poll.
			wake = time.After(min(res.wait, d.opts.PollInterval))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		}
	}
}

// RunOnce claims one batch and works it. Counts say what became of the rows;
// err is a storage failure, after which the batch stops.
func (d *Dispatcher) RunOnce(ctx context.Context) (sent, retried, failed int, err error) {
	res, err := d.runOnce(ctx)
	return res.sent, res.retried, res.failed, err
}

type batchResult struct {
	sent, retried, failed int
	more                  bool          // the batch was full: more may be due
	wait                  time.Duration // until the rate limit allows another send
}

func (d *Dispatcher) runOnce(ctx context.Context) (batchResult, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var res batchResult
	now := d.now()
	limit := d.opts.BatchSize
	if d.limiter != nil {
		// Claim only what may be sent now: a leased row that waits for a
		// token is a row no other dispatcher can send either.
		d.limMu.Lock()
		avail := d.limiter.available(now)
		d.limMu.Unlock()
		if limit = min(limit, avail); limit == 0 {
			res.more, res.wait = true, d.wait()
			return res, nil
		}
	}
	rows, err := d.q.Claim(ctx, now, limit, d.opts.Lease)
	if err != nil {
		return res, fmt.Errorf("outbox: claim: %w", err)
	}
	res.more = len(rows) == limit
	b := batch{d: d, ctx: ctx, leaseEnd: now.Add(d.opts.Lease),
		// Stop starting sends well before the lease runs out: past it
		// another dispatcher may claim the same rows and send them again.
		stopAt: now.Add(d.opts.Lease - d.opts.Lease/4)}
	b.work(rows)
	res.sent, res.retried, res.failed = b.sent, b.retried, b.failed
	if b.cut {
		res.more = true
	}
	if len(b.unreached) > 0 {
		// Hand what this batch did not reach to the next claim now rather
		// than after the lease.
		if err := d.q.Release(context.WithoutCancel(ctx), b.unreached); err != nil {
			d.log.WarnContext(ctx, "outbox rows not released; they wait out their lease", "rows", len(b.unreached), "err", err)
		}
	}
	if b.err != nil {
		return res, b.err
	}
	if d.limiter != nil && res.more {
		res.wait = d.wait()
	}
	return res, nil
}

func (d *Dispatcher) wait() time.Duration {
	d.limMu.Lock()
	defer d.limMu.Unlock()
	return d.limiter.wait(d.now())
}

// batch works the rows of one claim with up to Options.Concurrency senders.
type batch struct {
	d        *Dispatcher
	ctx      context.Context
	leaseEnd time.Time
	stopAt   time.Time

	mu                    sync.Mutex
	sent, retried, failed int
	err                   error // the first storage failure; no new sends after it
	lost                  bool  // a mark found the lease gone; no new sends after it
	cut                   bool  // stopped before the end of the claim
	unreached             []Row
}

func (b *batch) work(rows []Row) {
	d := b.d
	slots := make(chan struct{}, d.opts.Concurrency)
	var wg sync.WaitGroup
	for i, row := range rows {
		slots <- struct{}{} // a free sender; with one, the previous row is done
		if stop, why := b.stop(); stop {
			<-slots
			if why != "" {
				d.log.WarnContext(b.ctx, why)
			}
			b.mu.Lock()
			b.cut = true
			b.unreached = append(b.unreached, rows[i:]...)
			b.mu.Unlock()
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			out, err := d.process(b.ctx, row, b.leaseEnd)
			b.mu.Lock()
			defer b.mu.Unlock()
			switch out {
			case outcomeSent:
				b.sent++
			case outcomeRetried:
				b.retried++
			case outcomeFailed:
				b.failed++
			}
			switch {
			case errors.Is(err, ErrLeaseLost):
				b.lost = true
			case err != nil && b.err == nil:
				b.err = err
			}
		}()
	}
	wg.Wait()
}

// stop reports whether the batch must not start another send, and what to
// log about it.
func (b *batch) stop() (bool, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.ctx.Err() != nil, b.err != nil:
		return true, ""
	case b.lost:
		return true, "outbox batch lost its lease; leaving the rest to the dispatcher that has them"
	case !b.d.now().Before(b.stopAt):
		return true, "outbox batch outran its lease; leaving the rest for the next claim"
	}
	return false, ""
}

type outcome int

const (
	outcomeNone outcome = iota
	outcomeSent
	outcomeRetried
	outcomeFailed
)

// process renders, sends and marks one row. The send and the marks run to
// completion even when ctx is cancelled, so that shutdown never leaves a
// message sent but unrecorded; but the send may not outlive the lease, less
// a margin for the mark, because past it the row may be claimed again and
// sent twice. (The providers' own timeouts are far shorter than a lease:
// this bound only ever bites a send that hangs.)
//
// A mark that finds the lease gone returns ErrLeaseLost.
func (d *Dispatcher) process(ctx context.Context, row Row, leaseEnd time.Time) (outcome, error) {
	work := context.WithoutCancel(ctx)
	log := d.log.With("outbox_id", row.ID, "template", row.Template, "attempt", row.Attempts+1)
	deadline := row.CreatedAt.Add(d.maxAge(row.Template))

	fail := func(reason string) (outcome, error) {
		if err := d.q.MarkFailed(work, row.ID, row.Token, clip(reason), d.now()); err != nil {
			if errors.Is(err, ErrLeaseLost) {
				log.WarnContext(ctx, "sms failure not recorded: another dispatcher has the row", "reason", reason)
			}
			return outcomeNone, fmt.Errorf("outbox: mark %d failed: %w", row.ID, err)
		}
		log.WarnContext(ctx, "sms failed", "reason", reason)
		return outcomeFailed, nil
	}

	if !d.now().Before(deadline) {
		return fail("expired: not sent within " + d.maxAge(row.Template).String())
	}
	rendered, err := d.reg.Load().Render(row.Template, row.Language, row.Vars)
	if err != nil {
		return fail("render: " + err.Error())
	}
	if d.limiter != nil {
		d.limMu.Lock()
		d.limiter.take(d.now())
		d.limMu.Unlock()
	}
	sendCtx, cancel := context.WithTimeout(work, leaseEnd.Sub(d.now())-d.opts.Lease/8)
	id, err := d.p.Send(sendCtx, sms.Outgoing{To: row.Mobile, Rendered: rendered})
	cancel()
	if err == nil {
		if err := d.q.MarkSent(work, row.ID, row.Token, d.p.Name(), id, d.now()); err != nil {
			// The SMS went; the row still says pending. It will be sent
			// again once its lease ends: say so loudly.
			log.ErrorContext(ctx, "sms sent but not recorded; it may be sent twice",
				"provider", d.p.Name(), "provider_id", id, "err", err)
			return outcomeSent, fmt.Errorf("outbox: mark %d sent: %w", row.ID, err)
		}
		log.DebugContext(ctx, "sms sent", "provider", d.p.Name(), "provider_id", id)
		return outcomeSent, nil
	}
	if !sms.IsTemporary(err) {
		return fail(err.Error())
	}
	now := d.now()
	next := now.Add(d.backoff(row.Attempts))
	if !next.Before(deadline) {
		return fail(fmt.Sprintf("gave up after %d attempts: %v", row.Attempts+1, err))
	}
	if err := d.q.MarkRetry(work, row.ID, row.Token, next, clip(err.Error())); err != nil {
		if errors.Is(err, ErrLeaseLost) {
			log.WarnContext(ctx, "sms retry not recorded: another dispatcher has the row", "err", err)
		}
		return outcomeNone, fmt.Errorf("outbox: mark %d for retry: %w", row.ID, err)
	}
	log.InfoContext(ctx, "sms will be retried", "err", err, "next_at", next)
	return outcomeRetried, nil
}

func (d *Dispatcher) maxAge(template string) time.Duration {
	if age, ok := d.opts.MaxAgeByTemplate[template]; ok && age > 0 {
		return age
	}
	return d.opts.MaxAge
}

// backoff is the wait after a row's attempts-th failed attempt (0-based):
// BaseBackoff doubling up to MaxBackoff, of which the second half is jitter
// ("equal jitter"). The jitter keeps the messages of one outage from all
// coming back in the same second; the fixed half keeps a retry from coming
// back almost at once.
func (d *Dispatcher) backoff(attempts int) time.Duration {
	b := d.opts.BaseBackoff
	for range attempts {
		if b >= d.opts.MaxBackoff/2 {
			b = d.opts.MaxBackoff
			break
		}
		b *= 2
	}
	b = min(b, d.opts.MaxBackoff)
	j := d.opts.Jitter()
	if j < 0 || j >= 1 {
		j = 0
	}
	return b/2 + time.Duration(j*float64(b/2))
}

// clip keeps a stored reason to a sensible size, on a rune boundary.
func clip(s string) string {
	const limit = 500
	if len(s) <= limit {
		return s
	}
	i := limit
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}
