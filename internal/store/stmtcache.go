package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// stmtCache keeps prepared statements by query text. SQLite spends most of a
// short statement's time parsing and planning it; database/sql prepares a
// cached *sql.Stmt once per connection and reuses it, inside transactions too
// (Tx.StmtContext). PostgreSQL's driver caches statements itself, so only the
// SQLite store uses this. Queries built from many filter combinations stop
// being cached past maxCached, so the cache cannot grow without bound.
type stmtCache struct {
	db    *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

const maxCached = 512

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}}
}

func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.RLock()
	st, ok := c.stmts[query]
	c.mu.RUnlock()
	if ok {
		return st, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	if len(c.stmts) >= maxCached {
		return nil, nil
	}
	st, err := c.db.PrepareContext(ctx, positional(query))
	if err != nil {
		return nil, err
	}
	c.stmts[query] = st
	return st, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = map[string]*sql.Stmt{}
}

// cachedDB runs queries on a pool through the statement cache.
type cachedDB struct {
	db    *sql.DB
	cache *stmtCache
}

func (c cachedDB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := c.cache.get(ctx, q)
	if err != nil || st == nil {
		return c.db.ExecContext(ctx, q, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (c cachedDB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := c.cache.get(ctx, q)
	if err != nil || st == nil {
		return c.db.QueryContext(ctx, q, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (c cachedDB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := c.cache.get(ctx, q)
	if err != nil || st == nil {
		return c.db.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// cachedTx runs queries in a transaction through the writer's statement cache.
//
// Its statements ignore the cancellation of their context. The SQLite driver
// starts a watcher goroutine and a progress handler for every statement whose
// context can be cancelled, a cost paid on the single writer many times per
// registration; and a write statement is short, while interrupting one would
// only throw away the work of a whole group-committed batch. A transaction
// still ends early through its own context (database/sql rolls it back) and
// through the checks between statements.
type cachedTx struct {
	tx    *sql.Tx
	cache *stmtCache
}

func (c cachedTx) stmt(ctx context.Context, q string) *sql.Stmt {
	st, err := c.cache.get(ctx, q)
	if err != nil || st == nil {
		return nil
	}
	return c.tx.StmtContext(ctx, st)
}

func (c cachedTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx = context.WithoutCancel(ctx)
	if st := c.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.tx.ExecContext(ctx, q, args...)
}

func (c cachedTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx = context.WithoutCancel(ctx)
	if st := c.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.tx.QueryContext(ctx, q, args...)
}

func (c cachedTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	ctx = context.WithoutCancel(ctx)
	if st := c.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.tx.QueryRowContext(ctx, q, args...)
}

// positional rewrites a query whose placeholders are $1, $2, … $n, each once
// and in that order, to SQLite's anonymous "?" placeholders, which mean the
// same. The driver binds a numbered placeholder by asking SQLite for its name,
// a walk along the statement's parameter list, so binding a statement of n
// numbered parameters costs n² steps: a multi-row insert of a few hundred
// values spends more time binding than inserting. Anonymous placeholders have
// no names. A query that reuses or reorders its numbers is returned as it is.
// Text in single quotes is left alone.
func positional(q string) string {
	if !strings.Contains(q, "$") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q))
	next, quoted := 1, false
	for i := 0; i < len(q); i++ {
		ch := q[i]
		switch {
		case ch == '\'':
			quoted = !quoted
		case ch == '$' && !quoted && i+1 < len(q) && isDigit(q[i+1]):
			j := i + 1
			for j < len(q) && isDigit(q[j]) {
				j++
			}
			if n, err := strconv.Atoi(q[i+1 : j]); err != nil || n != next || q[i+1] == '0' {
				return q
			}
			next++
			b.WriteByte('?')
			i = j - 1
			continue
		}
		b.WriteByte(ch)
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
