package cli

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/clock"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestPurgeRunsAtStart: serve's purge worker deletes an expired session as
// soon as it starts, and leaves a live one.
func TestPurgeRunsAtStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		now := time.Date(2026, 11, 2, 4, 30, 0, 0, time.UTC)
		clk := clock.NewFake(now)
		svc := service.New(st, clk, service.Config{}, nil)
		u := model.User{Username: "agent.r", Name: "एजेंट", Roles: []model.Role{model.RoleAgent}}
		if err := st.Tx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertUser(ctx, &u, "", now); err != nil {
				return err
			}
			if err := tx.InsertSession(ctx, "old", u.ID, now.Add(-24*time.Hour), now.Add(-time.Hour)); err != nil {
				return err
			}
			return tx.InsertSession(ctx, "live", u.ID, now, now.Add(time.Hour))
		}); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			runPurge(ctx, svc, time.Hour, slog.New(slog.NewTextHandler(io.Discard, nil)))
		}()
		deadline := time.Now().Add(5 * time.Second)
		for {
			var n int
			var live string
			if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*), MIN(token_hash) FROM sessions`).Scan(&n, &live); err != nil {
				t.Fatal(err)
			}
			if n == 1 && live == "live" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d sessions left (first %q); want only the live one", n, live)
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		<-done
	})
}
