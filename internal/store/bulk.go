package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// InsertRows inserts rows into table in multi-row statements of up to 32
// rows, each prepared once and reused (the statement cache on SQLite, the
// driver's on PostgreSQL); it is the fast path of bulk loads (demo data,
// benchmarks) and of the deferred writes. Batches stay small because binding cost grows faster than
// linearly with a statement's parameter count in the SQLite driver.
func (tx *Tx) InsertRows(ctx context.Context, table string, cols []string, rows [][]any) error {
	return tx.writeRows(ctx, table, cols, rows, "")
}

// writeRows is InsertRows with a suffix after the VALUES (an ON CONFLICT
// clause, for the deferred writes).
func (tx *Tx) writeRows(ctx context.Context, table string, cols []string, rows [][]any, suffix string) error {
	const per = 32
	stmtFor := func(n int) string { return rowsSQL(table, cols, n, suffix) }
	args := make([]any, 0, per*len(cols))
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		args = args[:0]
		for _, r := range rows[start:end] {
			if len(r) != len(cols) {
				return fmt.Errorf("store: insert %s: row has %d values for %d columns", table, len(r), len(cols))
			}
			args = append(args, r...)
		}
		_, err := tx.q.ExecContext(ctx, stmtFor(end-start), args...)
		if err != nil {
			return fmt.Errorf("store: insert %s: %w", table, err)
		}
	}
	return nil
}

// ResetIdentity makes the next generated id of each table follow its largest
// id, after rows were inserted with explicit ids (PostgreSQL only; SQLite
// follows max(rowid) by itself).
func (tx *Tx) ResetIdentity(ctx context.Context, tables ...string) error {
	if tx.dialect != Postgres {
		return nil
	}
	for _, t := range tables {
		q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), COALESCE((SELECT MAX(id) FROM %s), 0) + 1, false)", t, t)
		if _, err := tx.q.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: reset identity of %s: %w", t, err)
		}
	}
	return nil
}

// MaxID returns the largest id of table (0 when empty).
func (c *conn) MaxID(ctx context.Context, table string) (int64, error) {
	var n int64
	err := c.q.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+table).Scan(&n)
	return n, err
}

// rowsSQLs remembers the text of every multi-row statement built, so that the
// hot paths (a registration's events and messages, the deferred counters)
// do not rebuild it for each call.
var rowsSQLs sync.Map // rowsKey → string

type rowsKey struct {
	head, suffix string
	n            int
}

// rowsSQL is "INSERT INTO table (cols) VALUES (…), (…)suffix" for n rows.
func rowsSQL(table string, cols []string, n int, suffix string) string {
	k := rowsKey{head: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ", suffix: suffix, n: n}
	if q, ok := rowsSQLs.Load(k); ok {
		return q.(string)
	}
	var b strings.Builder
	b.WriteString(k.head)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(" + placeholders(i*len(cols)+1, len(cols)) + ")")
	}
	b.WriteString(suffix)
	rowsSQLs.Store(k, b.String())
	return b.String()
}
