package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// lockTables takes tables for the rest of the transaction so that no other
// transaction writes them meanwhile. SQLite's single writer holds the whole
// database already; PostgreSQL needs an explicit EXCLUSIVE lock (reads go on).
func (tx *Tx) lockTables(ctx context.Context, tables ...string) error {
	if tx.dialect != Postgres {
		return nil
	}
	if _, err := tx.q.ExecContext(ctx, `LOCK TABLE `+strings.Join(tables, ", ")+` IN EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("store: lock %v: %w", tables, err)
	}
	return nil
}

// Snapshot is a read-only transaction: every read through it sees the
// database as of one moment (a consistency check compares counters with the
// rows they count, and must not see a change half-way).
type Snapshot struct {
	conn
}

// ReadSnapshot runs fn in a read-only transaction: REPEATABLE READ on
// PostgreSQL, a WAL read transaction on SQLite.
func (s *Store) ReadSnapshot(ctx context.Context, fn func(*Snapshot) error) error {
	var opts *sql.TxOptions
	if s.dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := s.reader.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin snapshot: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	return fn(&Snapshot{conn: conn{q: tx, dialect: s.dialect, inTx: true}})
}
