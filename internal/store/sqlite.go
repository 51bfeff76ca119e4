package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqlitePragmas are applied to every connection, in this order:
//   - busy_timeout first, so that the pragmas below wait instead of failing while
//     another process holds the lock;
//   - journal_mode=WAL so that readers never block the writer;
//   - synchronous=NORMAL: with WAL a commit survives a process crash, and only an
//     OS crash or power loss can drop the last transactions;
//   - foreign_keys on, which SQLite leaves off by default;
//   - temp_store in memory and a 64 MB page cache for the report queries.
var sqlitePragmas = []string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"synchronous(NORMAL)",
	"foreign_keys(1)",
	"temp_store(MEMORY)",
	"cache_size(-65536)",
}

func sqliteDSN(path string, readOnly bool) string {
	v := url.Values{}
	for _, p := range sqlitePragmas {
		v.Add("_pragma", p)
	}
	if readOnly {
		v.Add("_pragma", "query_only(1)")
	} else {
		// IMMEDIATE takes the write lock at BEGIN, so two writers never deadlock
		// upgrading a read lock.
		v.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + v.Encode()
}

func openSQLite(ctx context.Context, dsn string) (*Store, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return nil, errors.New("store: empty SQLite path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create %s: %w", dir, err)
		}
	}
	writer, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	// One write transaction at a time (Store.writeMu): SQLite serialises writes
	// anyway, and queueing them in Go beats spinning on SQLITE_BUSY. The pool
	// has two connections so that a statement can be prepared for the cache
	// while a transaction holds the other.
	writer.SetMaxOpenConns(2)
	writer.SetMaxIdleConns(2)
	writer.SetConnMaxLifetime(0)
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	reader, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: open sqlite reader: %w", err)
	}
	reader.SetMaxOpenConns(8)
	reader.SetMaxIdleConns(8)
	reader.SetConnMaxLifetime(0)
	st := &Store{writer: writer, reader: reader, wcache: newStmtCache(writer), rcache: newStmtCache(reader)}
	st.conn = conn{q: cachedDB{db: reader, cache: st.rcache}, dialect: SQLite}
	return st, nil
}

func (s *Store) retryable(err error) bool {
	if s.dialect == SQLite {
		var se *sqlite.Error
		if errors.As(err, &se) {
			code := se.Code() & 0xff
			return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
		}
		return false
	}
	return pgRetryable(err)
}

// isUniqueViolation reports a unique-constraint failure on either dialect.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return pgUniqueViolation(err)
}
