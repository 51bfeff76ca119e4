package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Sentinel errors of the store.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// Dialect names a database flavour.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn carries the read methods shared by Store and Tx.
type conn struct {
	q       querier
	dialect Dialect
	inTx    bool
}

// Store is the database handle.
type Store struct {
	conn
	writer *sql.DB // SQLite: one connection; PostgreSQL: same as reader
	reader *sql.DB
	DSN    string
	// wcache and rcache hold prepared statements of the SQLite pools (nil on
	// PostgreSQL, whose driver caches its own).
	wcache, rcache *stmtCache
	// writeMu serialises SQLite write transactions in Go.
	writeMu sync.Mutex
	// group feeds TxGrouped's batch runners (group.go).
	group       chan *groupItem
	closeGroups sync.Once
	groupStats  groupCounters
	refs        refPool
	// ckpt copies the SQLite WAL into the database in the background (nil on
	// PostgreSQL).
	ckpt *checkpointer
}

// Tx is a write transaction.
type Tx struct {
	conn
	tx *sql.Tx
	// after holds functions to run once the transaction has committed.
	after []func()
	refs  *refPool
	// d holds the counter and log rows written at commit (deferred.go).
	d deferred
	// refReserved: this transaction reserved the SQLite reference block the
	// pool hands out (NextRefSeq).
	refReserved bool
	// holders are post holders' mobiles read in this transaction.
	holders map[int64]string
}

// Open connects to dsn: "postgres://…" or "postgresql://…" selects PostgreSQL,
// anything else is an SQLite file path (optionally prefixed "sqlite:" or "file:").
func Open(ctx context.Context, dsn string) (*Store, error) {
	var s *Store
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s, err = openPostgres(ctx, dsn)
	} else {
		s, err = openSQLite(ctx, dsn)
	}
	if err != nil {
		return nil, err
	}
	s.DSN = dsn
	// One batch runner for SQLite's single writer; a few for PostgreSQL, which
	// commits batches in parallel on its connections.
	if s.dialect == SQLite {
		s.startGroups(1)
	} else {
		s.startGroups(4)
	}
	return s, nil
}

// Dialect reports which database the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB returns the reader pool, for health checks and benchmarks.
func (s *Store) DB() *sql.DB { return s.reader }

// WriterDB returns the pool writes go through.
func (s *Store) WriterDB() *sql.DB { return s.writer }

// Close closes the pools.
func (s *Store) Close() error {
	// The group-commit runners end when their channel closes; callers must
	// have stopped (serve shuts HTTP down before closing the store).
	s.closeGroups.Do(func() {
		if s.group != nil {
			close(s.group)
		}
	})
	if s.wcache != nil {
		s.wcache.close()
		s.rcache.close()
	}
	var err error
	if s.ckpt != nil {
		err = s.ckpt.close()
	}
	if rerr := s.reader.Close(); err == nil {
		err = rerr
	}
	if s.writer != s.reader {
		if werr := s.writer.Close(); err == nil {
			err = werr
		}
	}
	return err
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.reader.PingContext(ctx) }

// Tx runs fn in one write transaction, committing when fn returns nil. On SQLite
// a busy database is retried a few times; functions registered with AfterCommit
// run only after a successful commit.
func (s *Store) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = s.tryTx(ctx, fn)
		if err == nil || !s.retryable(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(10*(attempt+1)) * time.Millisecond)
	}
	return err
}

func (s *Store) tryTx(ctx context.Context, fn func(tx *Tx) error) error {
	if s.dialect == SQLite {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	sqlTx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{conn: conn{q: sqlTx, dialect: s.dialect, inTx: true}, tx: sqlTx, refs: &s.refs}
	if s.wcache != nil {
		tx.q = cachedTx{tx: sqlTx, cache: s.wcache}
	}
	if err := fn(tx); err != nil {
		tx.rollback()
		return err
	}
	if err := tx.flush(ctx); err != nil {
		tx.rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		if tx.refReserved {
			tx.refs.drop()
		}
		return fmt.Errorf("store: commit: %w", err)
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// rollback ends the transaction without its writes, and drops a reference
// block it reserved.
func (tx *Tx) rollback() {
	_ = tx.tx.Rollback()
	if tx.refReserved {
		tx.refs.drop()
	}
}

// AfterCommit registers f to run after the transaction commits.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// ms converts an instant to the stored integer form.
func ms(t time.Time) int64 { return t.UnixMilli() }

// msPtr converts an optional instant.
func msPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

// fromMS converts the stored form back to a UTC instant.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

func nullID(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	x := v.Int64
	return &x
}

func idArg(p *int64) any {
	if p == nil || *p == 0 {
		return nil
	}
	return *p
}

// placeholders returns "$from, $from+1, …" for n arguments.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// notFound wraps ErrNotFound when err is sql.ErrNoRows.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: %s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}
