package auth

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	l := NewLimiter(3, time.Minute)
	for i := 0; i < 3; i++ {
		if !l.Allowed("u", t0) {
			t.Fatalf("attempt %d refused", i)
		}
		l.Fail("u", t0.Add(time.Duration(i)*time.Second))
	}
	if l.Allowed("u", t0.Add(10*time.Second)) {
		t.Fatal("fourth attempt within the window allowed")
	}
	if !l.Allowed("other", t0) {
		t.Fatal("another key refused")
	}
	if !l.Allowed("u", t0.Add(61*time.Second)) {
		t.Fatal("still refused after the window")
	}
	l.Fail("u", t0)
	l.Reset("u")
	if !l.Allowed("u", t0) {
		t.Fatal("refused after reset")
	}
}
