// Package escalator is the worker that, every interval, asks the service to
// escalate what is due. The rules and the exactly-once guarantee live in the
// workflow and the store; this is only the ticker.
package escalator

import (
	"context"
	"log/slog"
	"time"
)

// Sweeper escalates everything due now and reports how many changed.
type Sweeper interface {
	Sweep(ctx context.Context) (int, error)
}

// Escalator runs a Sweeper on a ticker.
type Escalator struct {
	sw    Sweeper
	every time.Duration
	log   *slog.Logger
}

// New returns an escalator sweeping every interval.
func New(sw Sweeper, every time.Duration, log *slog.Logger) *Escalator {
	return &Escalator{sw: sw, every: every, log: log}
}

// Run sweeps once at start and then every interval until ctx ends.
func (e *Escalator) Run(ctx context.Context) error {
	t := time.NewTicker(e.every)
	defer t.Stop()
	for {
		e.once(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (e *Escalator) once(ctx context.Context) {
	n, err := e.sw.Sweep(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		e.log.Error("escalation sweep failed", "err", err)
	case n > 0:
		e.log.Info("escalation sweep", "escalated", n)
	}
}
