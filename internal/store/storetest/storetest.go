// Package storetest gives tests a fresh, migrated database of each dialect:
// SQLite always, and PostgreSQL when NIVARAN_TEST_POSTGRES holds a DSN of a
// server on which the tests may create and drop databases.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver

	"github.com/nivaran/nivaran/internal/store"
)

// EnvPostgres names the environment variable holding the PostgreSQL test DSN.
const EnvPostgres = "NIVARAN_TEST_POSTGRES"

// Dialects lists the dialects the tests run on here.
func Dialects() []store.Dialect {
	if os.Getenv(EnvPostgres) != "" {
		return []store.Dialect{store.SQLite, store.Postgres}
	}
	return []store.Dialect{store.SQLite}
}

// Each runs fn as a subtest once per dialect, each with its own fresh database.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(string(d), func(t *testing.T) {
			fn(t, New(t, d))
		})
	}
}

// New returns a fresh migrated store of dialect d, closed and removed when the
// test ends.
func New(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	dsn := NewDSN(t, d)
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("storetest: open %s: %v", d, err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate %s: %v", d, err)
	}
	return s
}

// NewDSN creates an empty database of dialect d and returns its DSN; the
// database is dropped when the test ends.
func NewDSN(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "nivaran.db")
	}
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skip("storetest: " + EnvPostgres + " is not set")
	}
	return CreatePostgresDB(t, base)
}

// CreatePostgresDB creates a database with a random name on the server of
// base and returns a DSN for it.
func CreatePostgresDB(t testing.TB, base string) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "nivaran_t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: bad %s: %v", EnvPostgres, err)
	}
	u.Path = "/" + name
	return u.String()
}
