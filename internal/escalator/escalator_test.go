package escalator

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

type countingSweeper struct {
	calls atomic.Int32
	fail  bool
}

func (c *countingSweeper) Sweep(ctx context.Context) (int, error) {
	c.calls.Add(1)
	if c.fail {
		return 0, errors.New("database down")
	}
	return 1, nil
}

func TestRunSweepsAtStartAndOnEveryTick(t *testing.T) {
	for _, fail := range []bool{false, true} {
		sw := &countingSweeper{fail: fail}
		e := New(sw, 10*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- e.Run(ctx) }()
		deadline := time.Now().Add(5 * time.Second)
		for sw.calls.Load() < 3 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Run returned %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not stop when its context ended")
		}
		if n := sw.calls.Load(); n < 3 {
			t.Fatalf("fail=%v: %d sweeps, want at least 3 (a failing sweep must not stop the ticker)", fail, n)
		}
	}
}
