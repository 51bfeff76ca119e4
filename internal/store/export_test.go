package store

import "context"

// RunBatch runs fns as one group-committed batch, as the runners do, and
// returns each one's outcome.
func RunBatch(s *Store, ctxs []context.Context, fns []func(tx *Tx) error) []error {
	batch := make([]*groupItem, len(fns))
	for i, fn := range fns {
		batch[i] = &groupItem{ctx: ctxs[i], fn: fn, done: make(chan error, 1)}
	}
	s.runBatch(batch)
	out := make([]error, len(batch))
	for i, it := range batch {
		out[i] = <-it.done
	}
	return out
}

// Positional is positional, for its table test.
var Positional = positional

// Migrations is the embedded migrations folder.
var Migrations = migrations
