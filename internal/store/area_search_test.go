package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestAreaSearchFoldsSpellings: an agent finds a place however its Hindi name
// is spelt — with or without nukta, nasal conjunct or anusvara — both in
// rows written now and in rows a database holds from before the search key
// was folded (until RefreshAreaSearch rewrites those).
func TestAreaSearchFoldsSpellings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ids := map[string]int64{}
		err := s.Tx(ctx, func(tx *store.Tx) error {
			for _, a := range []model.Area{
				{Kind: model.AreaDistrict, Code: "135", NameEn: "Muzaffarnagar", NameHi: "मुज़फ़्फ़रनगर"},
				{Kind: model.AreaDistrict, Code: "650", NameEn: "Sambhal", NameHi: "सम्भल"},
				{Kind: model.AreaDistrict, Code: "162", NameEn: "Lucknow", NameHi: "लखनऊ"},
				// legacy: its search text is put back to the old, unfolded form below.
				{Kind: model.AreaDistrict, Code: "146", NameEn: "Gonda", NameHi: "गोण्डा"},
			} {
				if err := tx.InsertArea(ctx, &a); err != nil {
					return err
				}
				ids[a.Code] = a.ID
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		legacy := strings.ToLower("Gonda गोण्डा 146")
		if _, err := s.WriterDB().ExecContext(ctx, `UPDATE areas SET search = $1 WHERE id = $2`, legacy, ids["146"]); err != nil {
			t.Fatal(err)
		}

		search := func(t *testing.T, q string) []string {
			t.Helper()
			got, err := s.Areas(ctx, store.AreaFilter{Kind: model.AreaDistrict, Q: q, Limit: 10})
			if err != nil {
				t.Fatalf("Areas(%q): %v", q, err)
			}
			var codes []string
			for _, a := range got {
				codes = append(codes, a.Code)
			}
			return codes
		}
		tests := []struct {
			name, q string
			want    []string // codes, in id order
			legacy  bool     // the legacy row only: must hold after the refresh too
		}{
			{"as spelt, nukta", "मुज़फ़्फ़र", []string{"135"}, false},
			{"no nukta", "मुजफ्फरनगर", []string{"135"}, false},
			{"nasal conjunct as spelt", "सम्भल", []string{"650"}, false},
			{"anusvara", "संभल", []string{"650"}, false},
			{"English any case", "SAMBHAL", []string{"650"}, false},
			{"plain Hindi", "लखनऊ", []string{"162"}, false},
			{"code", "162", []string{"162"}, false},
			{"legacy row as spelt", "गोण्डा", []string{"146"}, true},
			{"legacy row in English", "gonda", []string{"146"}, true},
			{"LIKE wildcards are literal", "%", nil, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := search(t, tt.q); strings.Join(got, ",") != strings.Join(tt.want, ",") {
					t.Errorf("Areas(%q) = %v, want %v", tt.q, got, tt.want)
				}
			})
		}
		// Before the refresh the legacy row is not found by the other spelling…
		if got := search(t, "गोंडा"); len(got) != 0 {
			t.Errorf("before refresh: Areas(गोंडा) = %v, want none", got)
		}
		var n int
		if err := s.Tx(ctx, func(tx *store.Tx) (err error) { n, err = tx.RefreshAreaSearch(ctx); return err }); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("RefreshAreaSearch rewrote %d rows, want 1", n)
		}
		// …and is after it, still by the old spelling too.
		for _, q := range []string{"गोंडा", "गोण्डा", "gonda"} {
			if got := search(t, q); strings.Join(got, ",") != "146" {
				t.Errorf("after refresh: Areas(%q) = %v, want [146]", q, got)
			}
		}
		if err := s.Tx(ctx, func(tx *store.Tx) (err error) { n, err = tx.RefreshAreaSearch(ctx); return err }); err != nil || n != 0 {
			t.Errorf("second RefreshAreaSearch = %d, %v; want 0, nil", n, err)
		}
		// Once the database records the key's version, a start reads no
		// areas: a text stored the old way now stays until the version moves.
		if _, err := s.WriterDB().ExecContext(ctx, `UPDATE areas SET search = $1 WHERE id = $2`, legacy, ids["146"]); err != nil {
			t.Fatal(err)
		}
		if err := s.Tx(ctx, func(tx *store.Tx) (err error) { n, err = tx.RefreshAreaSearch(ctx); return err }); err != nil || n != 0 {
			t.Errorf("RefreshAreaSearch with the version recorded = %d, %v; want 0, nil", n, err)
		}
		if err := s.Tx(ctx, func(tx *store.Tx) error { return tx.SetCounter(ctx, "area_search_version", 0) }); err != nil {
			t.Fatal(err)
		}
		if err := s.Tx(ctx, func(tx *store.Tx) (err error) { n, err = tx.RefreshAreaSearch(ctx); return err }); err != nil || n != 1 {
			t.Errorf("RefreshAreaSearch after the version moved = %d, %v; want 1, nil", n, err)
		}
	})
}
