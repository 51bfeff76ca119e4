package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/nivaran/nivaran/internal/store"
)

// analyzeEvery is how often serve looks for tables whose planner statistics
// have gone stale, when the database does not refresh them itself.
const analyzeEvery = 5 * time.Second

// startAnalyzer starts, on a PostgreSQL whose autovacuum is off, a worker that
// gathers fresh planner statistics for the tables that changed (see
// store.AnalyzeStale) every period. It reports whether it started one.
func startAnalyzer(ctx context.Context, st *store.Store, every time.Duration, log *slog.Logger, start func(func())) bool {
	on, err := st.Autovacuum(ctx)
	if err != nil {
		log.WarnContext(ctx, "cannot tell whether autovacuum is on", "err", err)
		return false
	}
	if on {
		return false
	}
	log.WarnContext(ctx, "autovacuum is off: nivaran refreshes the planner statistics of its tables itself; "+
		"turn autovacuum on so that dead rows are reclaimed too")
	start(func() { runAnalyzer(ctx, st, every, log) })
	return true
}

// runAnalyzer calls AnalyzeStale every period until ctx ends.
func runAnalyzer(ctx context.Context, st *store.Store, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			names, err := st.AnalyzeStale(ctx)
			if err != nil {
				if ctx.Err() == nil {
					log.WarnContext(ctx, "refreshing planner statistics failed", "err", err)
				}
				continue
			}
			if len(names) > 0 {
				log.DebugContext(ctx, "planner statistics refreshed", "tables", names)
			}
		}
	}
}
