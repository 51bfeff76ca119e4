package cli

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestAnalyzerStartsOnlyWithoutAutovacuum checks that serve's statistics
// worker starts exactly when PostgreSQL's autovacuum is off, and that, once
// started, it analyzes a table that grew.
func TestAnalyzerStartsOnlyWithoutAutovacuum(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		done := make(chan struct{})
		started := startAnalyzer(ctx, st, 20*time.Millisecond, log, func(fn func()) {
			go func() { defer close(done); fn() }()
		})
		want := false
		if st.Dialect() == store.Postgres {
			var v string
			if err := st.DB().QueryRowContext(ctx, `SELECT current_setting('autovacuum')`).Scan(&v); err != nil {
				t.Fatal(err)
			}
			want = v == "off"
		}
		if started != want {
			t.Fatalf("analyzer started %v; want %v", started, want)
		}
		if !started {
			return
		}
		c, err := st.WriterDB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for _, q := range []string{`CREATE TABLE analyze_probe (id INT PRIMARY KEY)`,
			`INSERT INTO analyze_probe SELECT generate_series(1, 500)`, `SELECT pg_stat_force_next_flush()`, `SELECT 1`} {
			if _, err := c.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			var tuples float64
			if err := st.DB().QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE relname = 'analyze_probe'`).Scan(&tuples); err != nil {
				t.Fatal(err)
			}
			if tuples == 500 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("analyze_probe still counts %v rows; want 500 once the worker analyzed it", tuples)
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		<-done
	})
}
