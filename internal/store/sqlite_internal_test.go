package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPositional(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)`, `INSERT INTO t (a, b) VALUES (?, ?), (?, ?)`},
		{`UPDATE t SET a = $1 WHERE id = $2 AND b <> '$9'`, `UPDATE t SET a = ? WHERE id = ? AND b <> '$9'`},
		{`SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11`, `SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?`},
		// Reused, reordered or skipped numbers keep their names.
		{`SELECT a FROM t WHERE b = $1 OR c = $1`, `SELECT a FROM t WHERE b = $1 OR c = $1`},
		{`SELECT a FROM t WHERE b = $2 AND c = $1`, `SELECT a FROM t WHERE b = $2 AND c = $1`},
		{`SELECT a FROM t WHERE b = $1 AND c = $3`, `SELECT a FROM t WHERE b = $1 AND c = $3`},
		{`SELECT a FROM t WHERE b = $01`, `SELECT a FROM t WHERE b = $01`},
	} {
		if got := positional(c.in); got != c.want {
			t.Errorf("positional(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

// TestPositionalBindsTheSameValues runs a statement rewritten to anonymous
// placeholders and checks each value lands in its own column.
func TestPositionalBindsTheSameValues(t *testing.T) {
	ctx := context.Background()
	s := openSQLiteForTest(t, false)
	if _, err := s.writer.ExecContext(ctx, `CREATE TABLE p (a INTEGER, b TEXT, c INTEGER, d TEXT)`); err != nil {
		t.Fatal(err)
	}
	err := s.Tx(ctx, func(tx *Tx) error {
		return tx.InsertRows(ctx, "p", []string{"a", "b", "c", "d"}, [][]any{{int64(1), "one", int64(2), "two"}, {int64(3), "three", nil, "four"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	if err := s.reader.QueryRowContext(ctx, `SELECT group_concat(a || b || COALESCE(c, '-') || d, ',') FROM p ORDER BY a`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "1one2two,3three-four" {
		t.Fatalf("rows %q", got)
	}
}

// TestCheckpointerCopiesTheWAL checks that committed pages reach the database
// file without the writer checkpointing: the writer's own threshold is far
// above what the test writes.
func TestCheckpointerCopiesTheWAL(t *testing.T) {
	ctx := context.Background()
	s := openSQLiteForTest(t, false)
	if _, err := s.writer.ExecContext(ctx, `CREATE TABLE w (id INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		if err := s.Tx(ctx, func(tx *Tx) error {
			return tx.InsertRows(ctx, "w", []string{"v"}, [][]any{{"a row of some length to fill the pages of the log"}})
		}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		frames, copied := s.WALState()
		if frames > 0 && copied == frames {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("WAL after 5 s: %d frames, %d copied; want all copied by the checkpointer", frames, copied)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// TestOutboxReadersUsePartialIndexes checks that the admin list by status and
// the delivery receipt still find their rows through the partial indexes of
// migration 00005, which a query must name the condition of.
func TestOutboxReadersUsePartialIndexes(t *testing.T) {
	ctx := context.Background()
	s := openSQLiteForTest(t, true)
	plan := func(q string, args ...any) string {
		t.Helper()
		lines, err := s.explain(ctx, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines, " | ")
	}
	for _, status := range []string{OutboxSent, OutboxFailed, OutboxDelivered, OutboxUndelivered} {
		q, args := outboxMessagesQuery(OutboxMessageFilter{Status: status})
		if p := plan(q, args...); !strings.Contains(p, "outbox_status_id") {
			t.Errorf("list of %s messages: plan %q does not use outbox_status_id", status, p)
		}
	}
	if p := plan(markDeliverySQL, OutboxDelivered, int64(1), "smpp", "abc"); !strings.Contains(p, "outbox_receipt") {
		t.Errorf("delivery receipt: plan %q does not use outbox_receipt", p)
	}
}

// openSQLiteForTest opens a fresh SQLite store, migrated if asked, closed
// when the test ends.
func openSQLiteForTest(t *testing.T, migrate bool) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if migrate {
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return s
}
