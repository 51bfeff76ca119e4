// Package store is nivaran's only SQL. One set of hand-written, portable queries
// runs on embedded SQLite (modernc.org/sqlite) and on PostgreSQL (pgx); what
// differs between the two lives in small files named for the difference
// (sqlite.go, postgres.go, outbox_queue_sqlite.go, outbox_queue_postgres.go, report_overdue_*.go).
//
// Instants are stored as integer milliseconds since the Unix epoch (UTC) in both
// dialects, so that comparisons and ordering are the same everywhere.
//
// Reads go through Store; writes happen inside Store.Tx, whose *Tx carries the
// same read methods plus the writes, so that a service loads, decides and saves
// in one transaction. On SQLite the writer is a single connection that begins
// transactions IMMEDIATE (no lock upgrades, no deadlocks) and retries on
// SQLITE_BUSY; readers use their own pool over the WAL.
package store
