package store

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
)

// Group commit. Every write transaction pays a fixed cost (begin, commit, the
// WAL or WAL-record flush, and on SQLite the single writer's turn). Under load
// many small independent writes — complaint registrations — queue behind each
// other, so TxGrouped runs the ones that are waiting together in one
// transaction: an item that fails fails alone (runBatch), the others commit
// together. A caller waits for the commit of its own batch, so an answered
// request is durable.

type groupItem struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	done chan error
}

// GroupStats counts the work of the group-commit runners since the store
// opened: batches committed or failed, the items in them, and the batches
// run a second time with a savepoint per item because an item failed.
type GroupStats struct {
	Batches, Items, Retries int64
}

type groupCounters struct {
	batches, items, retries atomic.Int64
}

// GroupStats reports the group-commit counters.
func (s *Store) GroupStats() GroupStats {
	return GroupStats{Batches: s.groupStats.batches.Load(), Items: s.groupStats.items.Load(), Retries: s.groupStats.retries.Load()}
}

// maxGroup bounds a batch, so that one commit does not hold many callers.
const maxGroup = 64

func (s *Store) startGroups(runners int) {
	s.group = make(chan *groupItem, 1024)
	for i := 0; i < runners; i++ {
		go s.runGroups(s.group)
	}
}

// TxGrouped runs fn in a transaction shared with other grouped callers. fn
// must not depend on running alone, and may run twice (runBatch); its
// AfterCommit functions run only if its own writes were kept and the batch
// committed.
func (s *Store) TxGrouped(ctx context.Context, fn func(tx *Tx) error) error {
	if s.group == nil {
		return s.Tx(ctx, fn)
	}
	it := &groupItem{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.group <- it:
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the item may commit: wait for the outcome even if ctx ends.
	return <-it.done
}

func (s *Store) runGroups(group <-chan *groupItem) {
	for it := range group {
		batch := []*groupItem{it}
	drain:
		for len(batch) < maxGroup {
			select {
			case more, ok := <-group:
				if !ok {
					break drain
				}
				batch = append(batch, more)
			default:
				break drain
			}
		}
		s.runBatch(batch)
	}
}

// errItemFailed ends a batch run without savepoints when an item fails.
var errItemFailed = errors.New("store: a grouped item failed")

// runBatch first runs the batch without savepoints, which on PostgreSQL are
// two round trips an item: almost every item succeeds. If one fails, the
// whole transaction is rolled back and the batch runs again with a savepoint
// around each item, so that the failing one fails alone. (An item function
// may therefore run twice; like any transaction function it must only
// depend on what it reads in tx.)
func (s *Store) runBatch(batch []*groupItem) {
	s.groupStats.batches.Add(1)
	s.groupStats.items.Add(int64(len(batch)))
	if len(batch) == 1 {
		batch[0].done <- s.Tx(batch[0].ctx, batch[0].fn)
		return
	}
	results := make([]error, len(batch))
	err := s.Tx(context.Background(), func(tx *Tx) error {
		for i, it := range batch {
			results[i] = it.ctx.Err()
			if results[i] != nil {
				continue
			}
			if err := it.fn(tx); err != nil {
				return errItemFailed
			}
		}
		return nil
	})
	if errors.Is(err, errItemFailed) {
		s.groupStats.retries.Add(1)
		err = s.Tx(context.Background(), func(tx *Tx) error {
			for i, it := range batch {
				results[i] = it.ctx.Err()
				if results[i] != nil {
					continue
				}
				if _, err := tx.q.ExecContext(it.ctx, "SAVEPOINT grouped"); err != nil {
					return fmt.Errorf("store: savepoint: %w", err)
				}
				mark := tx.mark()
				if err := it.fn(tx); err != nil {
					results[i] = err
					tx.restore(mark)
					if _, rerr := tx.q.ExecContext(context.Background(), "ROLLBACK TO SAVEPOINT grouped"); rerr != nil {
						return fmt.Errorf("store: rollback to savepoint: %w", rerr)
					}
				}
				if _, err := tx.q.ExecContext(context.Background(), "RELEASE SAVEPOINT grouped"); err != nil {
					return fmt.Errorf("store: release savepoint: %w", err)
				}
			}
			return nil
		})
	}
	for i, it := range batch {
		if err != nil && results[i] == nil {
			results[i] = err
		}
		if results[i] != nil && s.retryable(results[i]) && it.ctx.Err() == nil {
			// A deadlock or serialization failure, whose transaction was
			// rolled back: run the item again on its own, where Tx retries.
			results[i] = s.Tx(it.ctx, it.fn)
		}
		it.done <- results[i]
	}
}
