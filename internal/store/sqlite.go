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
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqlitePragmas are applied to every connection, in this order:
//   - busy_timeout first, so that the pragmas below wait instead of failing while
//     another process holds the lock;
//   - journal_mode=WAL so that readers never block the writer;
//   - synchronous=FULL: a commit is on disk before it returns, so that a
//     complaint whose reference number was read out to a caller survives a
//     power cut, not only a process crash (NORMAL would lose the last
//     transactions). Group commit (group.go) pays the one fsync for a whole
//     batch of registrations;
//   - foreign_keys on, which SQLite leaves off by default;
//   - temp_store in memory and a 64 MB page cache for the report queries.
var sqlitePragmas = []string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"synchronous(FULL)",
	"foreign_keys(1)",
	"temp_store(MEMORY)",
	"cache_size(-65536)",
}

// walBackstop is the writer's own checkpoint threshold, in pages (about 80 MB
// of WAL). Checkpoints normally run beside the writer (checkpointer); the
// writer checkpoints itself only if they fall this far behind, which also
// bounds the WAL.
const walBackstop = 20000

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
		v.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", walBackstop))
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
	// The checkpointer has a connection of its own: a PASSIVE checkpoint
	// needs no write lock, so it copies the WAL into the database on the
	// other core while the writer goes on committing.
	ckpt, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		writer.Close()
		reader.Close()
		return nil, fmt.Errorf("store: open sqlite checkpointer: %w", err)
	}
	ckpt.SetMaxOpenConns(1)
	st := &Store{writer: writer, reader: reader, wcache: newStmtCache(writer), rcache: newStmtCache(reader)}
	st.conn = conn{q: cachedDB{db: reader, cache: st.rcache}, dialect: SQLite}
	st.ckpt = newCheckpointer(ckpt)
	return st, nil
}

// checkpointer copies committed WAL frames into the database file in the
// background. With the copying left to the writer (SQLite's default), every
// thousandth page a commit also pays for a checkpoint and its fsync of the
// database file, and the single writer is the bottleneck of intake.
type checkpointer struct {
	db       *sql.DB
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
	// walFrames and copied are what the last checkpoint found: the frames in
	// the WAL, and how many of them are in the database file.
	walFrames, copied atomic.Int64
}

// checkpointEvery is how often the checkpointer runs. A WAL frame waits at
// most this long to be copied; a PASSIVE checkpoint with nothing to do costs
// a few microseconds.
const checkpointEvery = 200 * time.Millisecond

func newCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			// Errors (a busy database) only delay the copy to the next tick;
			// the writer's backstop bounds the WAL meanwhile.
			var busy, frames, copied int64
			if c.db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied) == nil {
				c.walFrames.Store(frames)
				c.copied.Store(copied)
			}
		}
	}
}

// WALState reports the SQLite WAL as the background checkpointer last saw
// it: the frames in the log and how many of them it has copied into the
// database file (zeros on PostgreSQL, and before the first checkpoint).
func (s *Store) WALState() (frames, copied int64) {
	if s.ckpt == nil {
		return 0, 0
	}
	return s.ckpt.walFrames.Load(), s.ckpt.copied.Load()
}

// close stops the checkpointer and closes its connection.
func (c *checkpointer) close() error {
	c.stopOnce.Do(func() { close(c.stop) })
	<-c.done
	return c.db.Close()
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
