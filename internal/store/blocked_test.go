package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestBlockRunsOutAndHistoryStays: a block with an end is in force until
// then and not after, for the caller check too; a block that ran out is not
// lifted again; blocking anew and lifting keeps every block as a row.
func TestBlockRunsOutAndHistoryStays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const mobile = "9811122233"
		until := t0.Add(48 * time.Hour)
		tx := func(fn func(tx *store.Tx) error) error { return s.Tx(ctx, fn) }
		sup := model.User{Username: "sup", Name: "पर्यवेक्षक", Roles: []model.Role{model.RoleSupervisor}}
		if err := tx(func(tx *store.Tx) error { return tx.InsertUser(ctx, &sup, "", t0) }); err != nil {
			t.Fatal(err)
		}
		if err := tx(func(tx *store.Tx) error {
			return tx.InsertBlock(ctx, store.Block{Mobile: mobile, Reason: "abusive calls", Since: t0, Until: &until})
		}); err != nil {
			t.Fatal(err)
		}
		blocked := func(at time.Time) bool {
			t.Helper()
			_, err := s.ActiveBlock(ctx, mobile, at)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Fatal(err)
			}
			active := err == nil
			var caller store.CallerState
			if err := tx(func(tx *store.Tx) error {
				var err error
				caller, err = tx.CallerStateOf(ctx, mobile, at, at, 0, 0, 0)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if caller.Blocked != active {
				t.Fatalf("at %s: ActiveBlock says %v, the caller check %v", at, active, caller.Blocked)
			}
			return caller.Blocked
		}
		if !blocked(until.Add(-time.Minute)) || blocked(until) {
			t.Fatalf("blocked a minute before the end %v, at the end %v; want true, false", blocked(until.Add(-time.Minute)), blocked(until))
		}
		after := until.Add(time.Hour)
		if err := tx(func(tx *store.Tx) error { return tx.Unblock(ctx, mobile, sup.ID, "x", after) }); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("lifting a block that ran out: %v; want not found", err)
		}
		// Blocked again for good, then lifted.
		if err := tx(func(tx *store.Tx) error {
			return tx.InsertBlock(ctx, store.Block{Mobile: mobile, Reason: "threats", Since: after})
		}); err != nil {
			t.Fatal(err)
		}
		if !blocked(after.Add(24 * time.Hour)) {
			t.Fatal("the second block is not in force")
		}
		lifted := after.Add(48 * time.Hour)
		if err := tx(func(tx *store.Tx) error { return tx.Unblock(ctx, mobile, sup.ID, "apologised", lifted) }); err != nil {
			t.Fatal(err)
		}
		if blocked(lifted) {
			t.Fatal("still blocked after lifting")
		}
		var rows, reasons int
		if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*), COUNT(unblock_reason) FROM blocked_numbers WHERE mobile = $1`, mobile).
			Scan(&rows, &reasons); err != nil {
			t.Fatal(err)
		}
		if rows != 2 || reasons != 2 {
			t.Fatalf("history: %d blocks, %d with how they ended; want 2 and 2", rows, reasons)
		}
	})
}
