// Package clock is the one place nivaran reads the time. Domain code receives a
// Clock; serve --fake-clock swaps in a Fake that tests and call-centre training
// move by hand.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Both clocks tell the time to the millisecond, the precision the database
// keeps: a time answered from memory (a complaint just registered) then reads
// the same as when it is read back.

// Real is the system clock.
type Real struct{}

// Now returns the current UTC time, to the millisecond.
func (Real) Now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// Fake is a clock that moves only when told.
type Fake struct {
	mu  sync.Mutex
	now time.Time
}

// NewFake returns a fake clock set to t.
func NewFake(t time.Time) *Fake { return &Fake{now: t.UTC()} }

// Now returns the fake time, to the millisecond.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now.Truncate(time.Millisecond)
}

// Set moves the clock to t.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	f.now = t.UTC()
	f.mu.Unlock()
}

// Advance moves the clock forward by d and returns the new time (to the
// millisecond; what lies below is kept, so small steps add up).
func (f *Fake) Advance(d time.Duration) time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	return f.now.Truncate(time.Millisecond)
}
