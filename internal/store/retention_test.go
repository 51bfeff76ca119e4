package store_test

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestPurgeExpired: expired sessions, old one-time codes and idempotency
// keys past the retry window go; everything still in use stays.
func TestPurgeExpired(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := t0.Add(30 * 24 * time.Hour)
		u := model.User{Username: "agent.p", Name: "एजेंट", Roles: []model.Role{model.RoleAgent}}
		err := s.Tx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertUser(ctx, &u, "", t0); err != nil {
				return err
			}
			for i, exp := range []time.Time{now.Add(-time.Hour), now, now.Add(time.Hour)} {
				if err := tx.InsertSession(ctx, fmt.Sprintf("hash-%d", i), u.ID, t0, exp); err != nil {
					return err
				}
			}
			for i, at := range []time.Time{now.Add(-8 * 24 * time.Hour), now.Add(-6 * 24 * time.Hour)} {
				if err := tx.SaveIdempotent(ctx, u.ID, fmt.Sprintf("key-%d", i), store.IdempotentResult{RequestHash: "h", Status: 201, Body: "x"}, at); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// One code issued two days ago, one an hour ago.
		for i, at := range []time.Time{now.Add(-48 * time.Hour), now.Add(-time.Hour)} {
			if err := s.Tx(ctx, func(tx *store.Tx) error {
				_, err := tx.IssueOTP(ctx, store.OTPCode{Mobile: fmt.Sprintf("981110007%d", i), CodeHash: "c", CreatedAt: at, ExpiresAt: at.Add(5 * time.Minute)},
					store.OutboxRow{Mobile: fmt.Sprintf("981110007%d", i), Template: "otp", Language: "hi", DedupeKey: fmt.Sprintf("otp-%d", i),
						NextAt: at, CreatedAt: at, Vars: map[string]string{}}, time.Hour, 3)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		p, err := s.PurgeExpired(ctx, now, now.Add(-7*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if p != (store.Purged{Sessions: 2, Codes: 1, Keys: 1}) {
			t.Fatalf("purged %+v; want 2 sessions, 1 code, 1 key", p)
		}
		left := func(q string) []string {
			t.Helper()
			rows, err := s.DB().QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var v string
				if err := rows.Scan(&v); err != nil {
					t.Fatal(err)
				}
				out = append(out, v)
			}
			return out
		}
		if got := left(`SELECT token_hash FROM sessions`); !slices.Equal(got, []string{"hash-2"}) {
			t.Errorf("sessions left %v; want hash-2", got)
		}
		if got := left(`SELECT key FROM idempotency_keys`); !slices.Equal(got, []string{"key-1"}) {
			t.Errorf("keys left %v; want key-1", got)
		}
		if got := left(`SELECT mobile FROM otp_codes`); !slices.Equal(got, []string{"9811100071"}) {
			t.Errorf("codes left %v; want the recent one", got)
		}
	})
}

// TestMigrationsNumberedAlike: both dialects have the same migrations, by
// number and name, so that a schema version means the same on either.
func TestMigrationsNumberedAlike(t *testing.T) {
	names := func(dir string) []string {
		t.Helper()
		es, err := fs.ReadDir(store.Migrations, "migrations/"+dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Name())
		}
		return out
	}
	sq, pg := names("sqlite"), names("postgres")
	if len(sq) < 6 || !slices.Equal(sq, pg) {
		t.Fatalf("sqlite %v, postgres %v; want the same list", sq, pg)
	}
}

// TestIdempotencyClaims: a key is claimed once until its request finishes
// or fails; a claim left longer than the stale time is taken over; a
// finished key keeps its answer and cannot be claimed again.
func TestIdempotencyClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		claim := func(key, hash string, at time.Time) bool {
			t.Helper()
			ok, err := s.ClaimIdempotent(ctx, 7, key, hash, at, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !claim("k", "h1", t0) || claim("k", "h1", t0.Add(30*time.Second)) {
			t.Fatal("a key was not claimed, or claimed twice while its request ran")
		}
		// The first request dies; after the stale time a retry takes over.
		if !claim("k", "h1", t0.Add(2*time.Minute)) {
			t.Fatal("a stale claim was not taken over")
		}
		if err := s.FinishIdempotent(ctx, 7, "k", store.IdempotentResult{Status: 201, Body: "answer"}); err != nil {
			t.Fatal(err)
		}
		if claim("k", "h1", t0.Add(time.Hour)) {
			t.Fatal("a finished key was claimed again")
		}
		if r, err := s.Idempotent(ctx, 7, "k"); err != nil || r.Status != 201 || r.Body != "answer" || r.RequestHash != "h1" {
			t.Fatalf("kept %+v (%v)", r, err)
		}
		// A failed request frees its key at once.
		if !claim("f", "h2", t0) {
			t.Fatal("claim f")
		}
		if err := s.ReleaseIdempotent(ctx, 7, "f"); err != nil {
			t.Fatal(err)
		}
		if !claim("f", "h2", t0.Add(time.Second)) {
			t.Fatal("a released key could not be claimed again")
		}
	})
}
