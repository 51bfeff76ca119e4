package outbox

import (
	"math"
	"time"
)

// bucket is a token bucket on an injected clock: rate tokens a second, at
// most burst saved up. It is not safe for concurrent use; the dispatcher
// holds its lock.
type bucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, burst int, now time.Time) *bucket {
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

func (b *bucket) refill(now time.Time) {
	if now.After(b.last) {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	// A clock set back (a test, a fake clock) must not freeze the bucket
	// until it catches up again.
	b.last = now
}

// available returns the whole tokens there are now.
func (b *bucket) available(now time.Time) int {
	b.refill(now)
	return int(b.tokens)
}

// take spends a token if there is one.
func (b *bucket) take(now time.Time) bool {
	b.refill(now)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// wait is how long until a token is there.
func (b *bucket) wait(now time.Time) time.Duration {
	b.refill(now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}
