package clock

import (
	"testing"
	"time"
)

func TestFake(t *testing.T) {
	start := time.Date(2026, 11, 2, 10, 0, 0, 0, time.FixedZone("IST", 19800))
	f := NewFake(start)
	if !f.Now().Equal(start) || f.Now().Location() != time.UTC {
		t.Fatalf("Now = %v, want %v in UTC", f.Now(), start)
	}
	if got := f.Advance(36 * time.Hour); !got.Equal(start.Add(36 * time.Hour)) {
		t.Fatalf("Advance = %v", got)
	}
	later := start.AddDate(0, 2, 0)
	f.Set(later)
	if !f.Now().Equal(later) {
		t.Fatalf("Set: Now = %v", f.Now())
	}
	if r := (Real{}).Now(); r.Location() != time.UTC {
		t.Fatalf("Real clock not in UTC: %v", r.Location())
	}
}

// TestMillisecondPrecision: both clocks tell the time to the millisecond the
// database keeps, and a fake clock's small steps still add up.
func TestMillisecondPrecision(t *testing.T) {
	if r := (Real{}).Now(); r.Nanosecond()%int(time.Millisecond) != 0 {
		t.Fatalf("Real clock below the millisecond: %v", r)
	}
	start := time.Date(2026, 11, 2, 10, 0, 0, 123456789, time.UTC)
	f := NewFake(start)
	if got := f.Now(); got.Nanosecond() != 123000000 {
		t.Fatalf("Fake Now = %v; want .123", got)
	}
	f.Advance(400 * time.Microsecond)
	if got := f.Advance(400 * time.Microsecond); got.Nanosecond() != 124000000 {
		t.Fatalf("after two 0.4 ms steps: %v; want .124", got)
	}
}
