package store

import (
	"context"
	"fmt"
	"strings"
)

// InsertRows inserts rows into table in multi-row statements; it is the fast
// path of bulk loads (demo data, benchmarks).
func (tx *Tx) InsertRows(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := 30000 / len(cols) // stay well under both dialects' parameter limits
	if per > 500 {
		per = 500
	}
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, (end-start)*len(cols))
		n := 1
		for i, r := range rows[start:end] {
			if len(r) != len(cols) {
				return fmt.Errorf("store: insert %s: row has %d values for %d columns", table, len(r), len(cols))
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(")
			b.WriteString(placeholders(n, len(cols)))
			b.WriteString(")")
			n += len(cols)
			args = append(args, r...)
		}
		if _, err := tx.q.ExecContext(ctx, b.String(), args...); err != nil {
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
