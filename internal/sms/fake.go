package sms

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"
)

// ErrFakeDown is the (temporary) error a Fake returns while it is down.
var ErrFakeDown = errors.New("sms: fake gateway is down")

// Fake is an in-memory provider for tests: it records what it is given and
// can be told to fail the next few sends or to be down until told otherwise.
type Fake struct {
	now func() time.Time

	mu       sync.Mutex
	sent     []Sent
	failures []error
	down     bool
	calls    int
	seq      int
}

// NewFake returns a Fake that timestamps messages with now.
func NewFake(now func() time.Time) *Fake { return &Fake{now: now} }

// Name implements Provider.
func (f *Fake) Name() string { return "fake" }

// Send implements Provider.
func (f *Fake) Send(ctx context.Context, m Outgoing) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if err := ctx.Err(); err != nil {
		return "", Temporary(f.Name(), "", err)
	}
	if f.down {
		return "", Temporary(f.Name(), "", ErrFakeDown)
	}
	if len(f.failures) > 0 {
		err := f.failures[0]
		f.failures = f.failures[1:]
		return "", err
	}
	if err := checkOutgoing(f.Name(), m); err != nil {
		return "", err
	}
	coding, segs := Encode(m.Text)
	f.seq++
	id := "fake-" + strconv.Itoa(f.seq)
	f.sent = append(f.sent, Sent{At: f.now(), Provider: f.Name(), ProviderID: id, To: m.To,
		Rendered: m.Rendered, Coding: coding, Segments: len(segs)})
	return id, nil
}

// FailNext makes the next n sends fail with err; a nil err means a
// temporary gateway error.
func (f *Fake) FailNext(n int, err error) {
	if err == nil {
		err = Temporary(f.Name(), "", errors.New("induced failure"))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.failures = append(f.failures, err)
	}
}

// SetDown makes every send fail temporarily until SetDown(false).
func (f *Fake) SetDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

// Sent returns the messages accepted so far, in order.
func (f *Fake) Sent() []Sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Sent(nil), f.sent...)
}

// Calls returns how many times Send was called, failures included.
func (f *Fake) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}
