package service

import (
	"context"
	"errors"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// SweepBatch is how many due complaints one sweep transaction takes.
const SweepBatch = 200

// Sweep escalates every complaint whose deadline has passed by now, batch by
// batch, and returns how many complaints it changed. Each change is a
// conditional update in the same transaction as its events and messages, so
// several nodes (or a restart mid-sweep) never escalate a level twice.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	now := s.clock.Now()
	total := 0
	for {
		n, more, err := s.sweepBatch(ctx, now)
		total += n
		if err != nil || !more {
			return total, err
		}
		if ctx.Err() != nil {
			return total, ctx.Err()
		}
	}
}

func (s *Service) sweepBatch(ctx context.Context, now time.Time) (changed int, more bool, err error) {
	chains := map[int64][]int64{}
	err = s.st.Tx(ctx, func(tx *store.Tx) error {
		changed = 0
		due, err := tx.DueForEscalation(ctx, now, SweepBatch)
		if err != nil {
			return err
		}
		more = len(due) == SweepBatch
		for _, c := range due {
			chain, ok := chains[c.AccountablePostID]
			if !ok {
				if chain, err = tx.ChainIDs(ctx, c.AccountablePostID, model.MaxLevel+1); err != nil {
					return err
				}
				chains[c.AccountablePostID] = chain
			}
			cat, err := s.category(ctx, c.CategoryID)
			if err != nil {
				return err
			}
			res, err := workflow.Escalate(c, chain, cat.SLADays, now)
			if errors.Is(err, workflow.ErrNotDue) {
				continue
			}
			if err != nil {
				s.log.Warn("escalation refused", "complaint_ref", c.Ref, "err", err)
				continue
			}
			err = s.saveResult(ctx, tx, &c, &res, nil, now)
			if errors.Is(err, store.ErrConflict) {
				continue // another node or request changed it first
			}
			if err != nil {
				return err
			}
			changed++
		}
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	// A batch that changed nothing but was full holds complaints the workflow
	// refused; stop rather than loop over them forever.
	if changed == 0 {
		more = false
	}
	return changed, more, nil
}
