package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
)

//go:embed migrations
var migrations embed.FS

// ErrDatabaseNewer means the database was migrated by a newer nivaran.
var ErrDatabaseNewer = fmt.Errorf("store: the database schema is newer than this nivaran binary; run the newer binary or restore a backup")

func (s *Store) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(s.dialect))
	if err != nil {
		return nil, err
	}
	d := goose.DialectSQLite3
	if s.dialect == Postgres {
		d = goose.DialectPostgres
	}
	return goose.NewProvider(d, s.writer, sub)
}

// LatestVersion is the newest migration this binary carries.
func (s *Store) LatestVersion() (int64, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(s.dialect))
	if err != nil {
		return 0, err
	}
	entries, err := fs.ReadDir(sub, ".")
	if err != nil {
		return 0, err
	}
	var versions []int64
	for _, e := range entries {
		n, _, ok := strings.Cut(e.Name(), "_")
		if !ok {
			continue
		}
		v, err := strconv.ParseInt(n, 10, 64)
		if err == nil {
			versions = append(versions, v)
		}
	}
	if len(versions) == 0 {
		return 0, fmt.Errorf("store: no migrations embedded")
	}
	sort.Slice(versions, func(i, j int) bool { return versions[i] < versions[j] })
	return versions[len(versions)-1], nil
}

// SchemaVersion is the version the database is at (0 when empty).
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := s.provider()
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// Migrate applies every pending migration, refusing a database that is newer
// than the binary.
func (s *Store) Migrate(ctx context.Context) error {
	latest, err := s.LatestVersion()
	if err != nil {
		return err
	}
	p, err := s.provider()
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	cur, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("store: read schema version: %w", err)
	}
	if cur > latest {
		return fmt.Errorf("%w (database at %d, binary knows up to %d)", ErrDatabaseNewer, cur, latest)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// Current reports whether every migration has been applied.
func (s *Store) Current(ctx context.Context) (bool, error) {
	latest, err := s.LatestVersion()
	if err != nil {
		return false, err
	}
	cur, err := s.SchemaVersion(ctx)
	if err != nil {
		return false, err
	}
	return cur == latest, nil
}
