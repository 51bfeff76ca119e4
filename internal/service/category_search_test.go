package service_test

import (
	"context"
	"testing"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestCategoriesFindSpellingVariants: the spellings the audit found missing —
// the search box's own example "हैंडपंप" against data written "हैण्डपम्प",
// "सडक" without nukta, "पेन्शन" with a nasal conjunct, "कब्ज़ा" with nukta —
// find their complaint types.
func TestCategoriesFindSpellingVariants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		road, err := w.svc.Category(ctx, w.agent, w.category) // "गाँव की सड़क टूटी"
		if err != nil {
			t.Fatal(err)
		}
		err = st.Tx(ctx, func(tx *store.Tx) error {
			for _, c := range []model.Category{
				{Code: "handpump", NameEn: "India Mark-II handpump broken", NameHi: "इण्डिया मार्का-2 हैण्डपम्प खराब",
					Keywords: []string{"हैण्डपम्प", "नल खराब", "handpump kharab"}},
				{Code: "pension", NameEn: "Old-age pension not received", NameHi: "वृद्धावस्था पेंशन न मिलना",
					Keywords: []string{"बुढ़ापा पेंशन", "old age pension"}},
				{Code: "occupation", NameEn: "Illegal occupation of land by land mafia", NameHi: "भू-माफिया द्वारा भूमि पर अवैध कब्जा",
					Keywords: []string{"अवैध कब्जा", "zameen par kabza"}},
			} {
				c.DepartmentID, c.DesignationID, c.SLADays = road.DepartmentID, road.DesignationID, model.DefaultSLA
				if err := tx.SaveCategory(ctx, &c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		svc := service.New(st, w.clk, service.Config{}, nil) // categories are cached: start afresh

		tests := []struct {
			name, q string
			want    []string // codes, best first
		}{
			{"placeholder example", "हैंडपंप", []string{"handpump"}},
			{"as the data spells it", "हैण्डपम्प", []string{"handpump"}},
			{"road without nukta", "सडक", []string{"rd_road"}},
			{"road with nukta", "सड़क", []string{"rd_road"}},
			{"village with anusvara", "गांव", []string{"rd_road"}},
			{"pension with nasal conjunct", "पेन्शन", []string{"pension"}},
			{"pension with anusvara", "पेंशन", []string{"pension"}},
			{"old age without nukta", "बुढापा", []string{"pension"}},
			{"occupation with nukta", "कब्ज़ा", []string{"occupation"}},
			{"occupation as spelt", "कब्जा", []string{"occupation"}},
			{"Hinglish any case", "KABZA", []string{"occupation"}},
			{"English prefix ranks first", "India", []string{"handpump"}},
			{"several words", "पम्प इंडिया", []string{"handpump"}},
			{"no match", "बिजली", nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := svc.Categories(ctx, w.agent, tt.q, 0)
				if err != nil {
					t.Fatal(err)
				}
				var codes []string
				for _, c := range got {
					codes = append(codes, c.Code)
				}
				if len(codes) != len(tt.want) {
					t.Fatalf("Categories(%q) = %v, want %v", tt.q, codes, tt.want)
				}
				for i := range codes {
					if codes[i] != tt.want[i] {
						t.Fatalf("Categories(%q) = %v, want %v", tt.q, codes, tt.want)
					}
				}
			})
		}
	})
}
