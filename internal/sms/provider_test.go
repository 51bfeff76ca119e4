package sms

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

var t0 = time.Date(2026, 8, 1, 10, 0, 0, 0, time.UTC)

func fixedClock() func() time.Time { return func() time.Time { return t0 } }

func outgoing(t *testing.T, to string) Outgoing {
	t.Helper()
	r, err := defaultRegistry(t).Render("complaint_closed", "hi", typicalHi)
	if err != nil {
		t.Fatal(err)
	}
	return Outgoing{To: to, Rendered: r}
}

func TestIsTemporary(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"temporary", Temporary("x", "503", errors.New("down")), true},
		{"permanent", Permanent("x", "400", errors.New("bad")), false},
		{"wrapped temporary", fmt.Errorf("outbox: %w", Temporary("x", "", errors.New("t"))), true},
		{"bad recipient", ErrBadRecipient, false},
		{"bad var", &VarError{Template: "t", Name: "ref", Reason: "missing"}, false},
		{"unknown template", fmt.Errorf("%w: x", ErrUnknownTemplate), false},
		{"unclassified", errors.New("connection reset"), true},
		{"deadline", context.DeadlineExceeded, true},
	}
	for _, tc := range cases {
		if got := IsTemporary(tc.err); got != tc.want {
			t.Errorf("%s: IsTemporary = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestFake(t *testing.T) {
	ctx := context.Background()
	f := NewFake(fixedClock())
	m := outgoing(t, "9876543210")

	id, err := f.Send(ctx, m)
	if err != nil || id != "fake-1" {
		t.Fatalf("send: %q, %v", id, err)
	}
	f.FailNext(2, nil)
	for i := range 2 {
		if _, err := f.Send(ctx, m); !IsTemporary(err) {
			t.Fatalf("induced failure %d: %v", i, err)
		}
	}
	f.FailNext(1, Permanent("fake", "", errors.New("rejected")))
	if _, err := f.Send(ctx, m); err == nil || IsTemporary(err) {
		t.Fatalf("induced permanent failure: %v", err)
	}
	f.SetDown(true)
	if _, err := f.Send(ctx, m); !errors.Is(err, ErrFakeDown) || !IsTemporary(err) {
		t.Fatalf("down: %v", err)
	}
	f.SetDown(false)
	if _, err := f.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Send(ctx, outgoing(t, "12345")); !errors.Is(err, ErrBadRecipient) || IsTemporary(err) {
		t.Fatalf("bad recipient: %v", err)
	}
	sent := f.Sent()
	if len(sent) != 2 || f.Calls() != 7 {
		t.Fatalf("sent %d, calls %d", len(sent), f.Calls())
	}
	if s := sent[1]; s.ProviderID != "fake-2" || s.To != "9876543210" || s.Coding != CodingUCS2 ||
		s.Segments != 2 || !s.At.Equal(t0) || s.Key != "complaint_closed" {
		t.Errorf("recorded %+v", s)
	}
}

func TestLogProviderKeepsRecent(t *testing.T) {
	p := NewLog(nil, 3, fixedClock())
	ctx := context.Background()
	for range 5 {
		if _, err := p.Send(ctx, outgoing(t, "9876543210")); err != nil {
			t.Fatal(err)
		}
	}
	got := p.Recent()
	var ids []string
	for _, s := range got {
		ids = append(ids, s.ProviderID)
	}
	if fmt.Sprint(ids) != "[log-5 log-4 log-3]" {
		t.Errorf("recent %v, want newest three, newest first", ids)
	}
	if _, err := p.Send(ctx, outgoing(t, "0123")); !errors.Is(err, ErrBadRecipient) {
		t.Errorf("bad recipient: %v", err)
	}
	if n := len(NewLog(nil, 3, fixedClock()).Recent()); n != 0 {
		t.Errorf("fresh log provider has %d", n)
	}
}
