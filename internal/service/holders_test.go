package service_test

import (
	"context"
	"testing"

	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestHolderReadWithCallerState: the caller check also reads who holds the
// post a registration goes to, and the transaction answers the message
// queue's holder look-up from it — until the transaction changes postings.
func TestHolderReadWithCallerState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ctx := context.Background()
		post := w.ladder[0]
		err := st.Tx(ctx, func(tx *store.Tx) error {
			state, err := tx.CallerStateOf(ctx, "9123456789", t0, t0, w.category, w.village, post)
			if err != nil || state.Blocked || state.MonthCount != 0 {
				t.Fatalf("caller state %+v (%v)", state, err)
			}
			h, err := tx.HolderMobiles(ctx, []int64{post})
			if err != nil || h[post] != "9876543210" {
				t.Fatalf("holder of the L0 post %v (%v); want 9876543210", h, err)
			}
			if _, err := tx.EndPosting(ctx, post, t0); err != nil {
				return err
			}
			h, err = tx.HolderMobiles(ctx, []int64{post})
			if err != nil || len(h) != 0 {
				t.Fatalf("holder after the posting ended %v (%v); want the post vacant", h, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
