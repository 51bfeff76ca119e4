package report

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Sampler draws the verification sample for every day that is due and not
// drawn yet, and reports how many complaints entered the queue.
type Sampler interface {
	SampleVerification(ctx context.Context, perDistrict int, rng *rand.Rand) (int, error)
}

// Verifier is the worker that draws the daily verification sample. The draw
// of a day is recorded in the same transaction as the queue rows, so any
// number of nodes running it draw each day once.
type Verifier struct {
	s           Sampler
	every       time.Duration
	perDistrict int
	rng         *rand.Rand
	log         *slog.Logger
}

// NewVerifier returns a worker drawing perDistrict complaints of each district
// (DefaultSamplePerDistrict when 0) every interval; rng nil means a generator
// seeded from the operating system.
func NewVerifier(s Sampler, every time.Duration, perDistrict int, rng *rand.Rand, log *slog.Logger) *Verifier {
	if perDistrict <= 0 {
		perDistrict = DefaultSamplePerDistrict
	}
	if rng == nil {
		rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	if every <= 0 {
		every = 15 * time.Minute
	}
	return &Verifier{s: s, every: every, perDistrict: perDistrict, rng: rng, log: log}
}

// Run draws once at start and then every interval until ctx ends.
func (v *Verifier) Run(ctx context.Context) error {
	t := time.NewTicker(v.every)
	defer t.Stop()
	for {
		v.once(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (v *Verifier) once(ctx context.Context) {
	n, err := v.s.SampleVerification(ctx, v.perDistrict, v.rng)
	switch {
	case err != nil && ctx.Err() == nil:
		v.log.Error("verification sample failed", "err", err)
	case n > 0:
		v.log.Info("verification sample drawn", "complaints", n)
	}
}
