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
