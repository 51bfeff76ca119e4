package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestAnalyzeStale checks that a table which grew past autovacuum's threshold
// since its statistics were gathered is analyzed, once, and that a table which
// changed by less is left alone.
func TestAnalyzeStale(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if s.Dialect() == store.SQLite {
			if on, err := s.Autovacuum(ctx); err != nil || !on {
				t.Fatalf("Autovacuum on SQLite = %v, %v; want true", on, err)
			}
			if names, err := s.AnalyzeStale(ctx); err != nil || names != nil {
				t.Fatalf("AnalyzeStale on SQLite = %v, %v; want nothing", names, err)
			}
			return
		}
		// One connection, so that its table statistics can be flushed to
		// the cumulative statistics AnalyzeStale reads before it reads them.
		c, err := s.WriterDB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		insert := func(from, n int) {
			t.Helper()
			if _, err := c.ExecContext(ctx, `INSERT INTO analyze_probe (id, v) SELECT g, 'v' || g FROM generate_series($1::int, $2::int) g`, from, from+n-1); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ExecContext(ctx, `SELECT pg_stat_force_next_flush()`); err != nil {
				t.Fatal(err)
			}
			// The flush happens when the backend next goes idle; a second
			// statement makes sure it has.
			if _, err := c.ExecContext(ctx, `SELECT 1`); err != nil {
				t.Fatal(err)
			}
		}
		analyzed := func() (when bool, tuples float64) {
			t.Helper()
			err := s.DB().QueryRowContext(ctx, `SELECT s.last_analyze IS NOT NULL, c.reltuples FROM pg_stat_user_tables s
				JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'analyze_probe'`).Scan(&when, &tuples)
			if err != nil {
				t.Fatal(err)
			}
			return when, tuples
		}
		if _, err := c.ExecContext(ctx, `CREATE TABLE analyze_probe (id INT PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		insert(1, 1000)
		names, err := s.AnalyzeStale(ctx)
		if err != nil || !slices.Contains(names, "analyze_probe") {
			t.Fatalf("AnalyzeStale after 1000 rows = %v, %v; want analyze_probe among them", names, err)
		}
		if when, tuples := analyzed(); !when || tuples != 1000 {
			t.Fatalf("after AnalyzeStale: analyzed %v, %v rows counted; want true, 1000", when, tuples)
		}
		if names, err := s.AnalyzeStale(ctx); err != nil || slices.Contains(names, "analyze_probe") {
			t.Fatalf("AnalyzeStale with nothing changed = %v, %v; want no analyze_probe", names, err)
		}
		// 150 rows is the threshold for a table of 1000: 50 and a tenth.
		insert(1001, 150)
		if names, err := s.AnalyzeStale(ctx); err != nil || slices.Contains(names, "analyze_probe") {
			t.Fatalf("AnalyzeStale after 150 more rows = %v, %v; want no analyze_probe", names, err)
		}
		insert(1151, 1)
		names, err = s.AnalyzeStale(ctx)
		if err != nil || !slices.Contains(names, "analyze_probe") {
			t.Fatalf("AnalyzeStale after 151 more rows = %v, %v; want analyze_probe", names, err)
		}
		if _, tuples := analyzed(); tuples != 1151 {
			t.Fatalf("rows counted %v; want 1151", tuples)
		}
	})
}
