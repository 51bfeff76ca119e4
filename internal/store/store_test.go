package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

func TestMigrateIsCurrentAndIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ok, err := s.Current(ctx)
		if err != nil || !ok {
			t.Fatalf("Current = %v, %v; want true", ok, err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		v, _ := s.SchemaVersion(ctx)
		latest, _ := s.LatestVersion()
		if v != latest {
			t.Fatalf("schema version %d, want %d", v, latest)
		}
	})
}

func TestMigrateRefusesNewerDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		latest, _ := s.LatestVersion()
		_, err := s.WriterDB().ExecContext(ctx,
			"INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, TRUE)", latest+1)
		if err != nil {
			t.Fatal(err)
		}
		err = s.Migrate(ctx)
		if !errors.Is(err, store.ErrDatabaseNewer) {
			t.Fatalf("Migrate on a newer database = %v, want ErrDatabaseNewer", err)
		}
	})
}
