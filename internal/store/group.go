package store

import (
	"context"
	"fmt"
)

// Group commit. Every write transaction pays a fixed cost (begin, commit, the
// WAL or WAL-record flush, and on SQLite the single writer's turn). Under load
// many small independent writes — complaint registrations — queue behind each
// other, so TxGrouped runs the ones that are waiting together in one
// transaction, each inside its own savepoint: an item that fails rolls back to
// its savepoint and fails alone, the others commit together. A caller waits
// for the commit of its own batch, so an answered request is durable.

type groupItem struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	done chan error
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
// must not depend on running alone; its AfterCommit functions run only if
// its own savepoint was kept and the batch committed.
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

func (s *Store) runBatch(batch []*groupItem) {
	if len(batch) == 1 {
		batch[0].done <- s.Tx(batch[0].ctx, batch[0].fn)
		return
	}
	results := make([]error, len(batch))
	err := s.Tx(context.Background(), func(tx *Tx) error {
		for i, it := range batch {
			results[i] = nil
			if err := it.ctx.Err(); err != nil {
				results[i] = err
				continue
			}
			if _, err := tx.q.ExecContext(it.ctx, "SAVEPOINT grouped"); err != nil {
				return fmt.Errorf("store: savepoint: %w", err)
			}
			mark := len(tx.after)
			if err := it.fn(tx); err != nil {
				results[i] = err
				tx.after = tx.after[:mark]
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
	for i, it := range batch {
		if err != nil && results[i] == nil {
			results[i] = err
		}
		it.done <- results[i]
	}
}
