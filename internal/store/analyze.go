package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// PostgreSQL plans each query from statistics that ANALYZE gathers, and
// autovacuum normally gathers them again once a table has changed by a tenth.
// Where autovacuum is off, a table that grew from empty keeps the statistics of
// an empty table: the SMS outbox, for one, is then claimed with a plan that
// sorts every pending message (tens of milliseconds) instead of reading the
// first fifty from its index (a quarter of a millisecond). serve checks
// Autovacuum at start and, when it is off, calls AnalyzeStale every few
// seconds.

// Autovacuum reports whether the database refreshes planner statistics by
// itself: PostgreSQL's autovacuum setting. SQLite plans without gathered
// statistics, so there is nothing to refresh and it reports true.
func (s *Store) Autovacuum(ctx context.Context) (bool, error) {
	if s.dialect != Postgres {
		return true, nil
	}
	var v string
	if err := s.reader.QueryRowContext(ctx, `SHOW autovacuum`).Scan(&v); err != nil {
		return false, fmt.Errorf("store: read autovacuum setting: %w", err)
	}
	return v == "on", nil
}

// staleTablesSQL finds the tables autovacuum would analyze with its default
// thresholds: more changed rows since the last ANALYZE than 50 and a tenth of
// the rows the statistics counted. reltuples is -1 for a table never analyzed.
const staleTablesSQL = `SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
WHERE s.schemaname = current_schema() AND s.n_mod_since_analyze > 50 + 0.1 * GREATEST(c.reltuples, 0)
ORDER BY s.relname`

// AnalyzeStale gathers fresh planner statistics for every table of the schema
// that changed enough since its last ANALYZE, and returns their names. A table
// another process is analyzing at that moment is skipped rather than waited
// for. On SQLite it does nothing.
func (s *Store) AnalyzeStale(ctx context.Context) ([]string, error) {
	if s.dialect != Postgres {
		return nil, nil
	}
	rows, err := s.reader.QueryContext(ctx, staleTablesSQL)
	if err != nil {
		return nil, fmt.Errorf("store: find tables to analyze: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := s.reader.ExecContext(ctx, `ANALYZE (SKIP_LOCKED) `+pgx.Identifier{n}.Sanitize()); err != nil {
			return nil, fmt.Errorf("store: analyze %s: %w", n, err)
		}
	}
	return names, nil
}
