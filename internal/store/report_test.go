package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestSeededRubricIsTheDefault: migration 00004 stores report.DefaultRubric,
// word for word, as version 1.
func TestSeededRubricIsTheDefault(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		rs, err := s.Rubrics(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 {
			t.Fatalf("%d rubric versions", len(rs))
		}
		if want := report.DefaultRubric(); !reflect.DeepEqual(rs[0], want) {
			t.Fatalf("stored rubric\n%+v\nwant\n%+v", rs[0], want)
		}
	})
}

func TestNewRubricVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		r := report.DefaultRubric()
		r.Version, r.Code, r.EffectiveFrom, r.OrderRef = 2, "up-go-2027-01", report.Month{Year: 2027, Mon: 1}, "GO 123/2026"
		r.Parameters[0].MaxMarks = 45
		if err := s.Tx(ctx, func(tx *store.Tx) error { return tx.SaveRubric(ctx, r, time.Now()) }); err != nil {
			t.Fatal(err)
		}
		bad := r
		bad.Version, bad.Code, bad.EffectiveFrom = 3, "broken", report.Month{Year: 2027, Mon: 2}
		bad.Parameters = nil
		if err := s.Tx(ctx, func(tx *store.Tx) error { return tx.SaveRubric(ctx, bad, time.Now()) }); err == nil {
			t.Fatal("a rubric without parameters was stored")
		}
		again := r
		again.Code = "other"
		err := s.Tx(ctx, func(tx *store.Tx) error { return tx.SaveRubric(ctx, again, time.Now()) })
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("version 2 twice: %v", err)
		}
		rs, err := s.Rubrics(ctx)
		if err != nil || len(rs) != 2 || rs[1].Version != 2 || rs[1].MaxScore() != 110 || rs[1].OrderRef != "GO 123/2026" {
			t.Fatalf("rubrics %+v (%v)", rs, err)
		}
	})
}

func TestPendencyCountersAndRollup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		open := report.PendencyKey{DistrictID: 5, DepartmentID: 2, PostID: 10, Level: 0, Bucket: report.BucketOpen}
		other := open
		other.PostID = 11 // another post, same roll-up row
		apply := func(ds ...report.PendencyDelta) {
			t.Helper()
			if err := s.Tx(ctx, func(tx *store.Tx) error { return tx.AddPendency(ctx, ds) }); err != nil {
				t.Fatal(err)
			}
		}
		apply(report.PendencyDelta{Key: open, N: 1})
		apply(report.PendencyDelta{Key: open, N: 1})
		apply(report.PendencyDelta{Key: open, N: -1}, report.PendencyDelta{Key: other, N: 1})
		counts, err := s.StoredPendency(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]int64{}
		for _, c := range counts {
			got[c.PostID] = c.N
		}
		if len(got) != 2 || got[10] != 1 || got[11] != 1 {
			t.Fatalf("counters %v", got)
		}
		roll, err := s.StoredRollup(ctx)
		if err != nil || len(roll) != 1 || roll[0].Open != [5]int64{2, 0, 0, 0, 0} || roll[0].Group != 5 || roll[0].Group2 != 2 {
			t.Fatalf("roll-up %+v (%v)", roll, err)
		}
		// Escalated to level 1 and reported there.
		up := open
		up.Level, up.PostID, up.Bucket = 1, 12, report.BucketReported
		apply(report.PendencyDelta{Key: other, N: -1}, report.PendencyDelta{Key: up, N: 1})
		rows, err := s.PendencyCounts(ctx, store.PendencyScope{All: true}, report.ByDistrictDepartment)
		if err != nil || len(rows) != 1 || rows[0].Group != 5 || rows[0].Group2 != 2 || rows[0].Open[0] != 1 || rows[0].Reported != 1 {
			t.Fatalf("district × department %+v (%v)", rows, err)
		}
		byLevel, err := s.PendencyCounts(ctx, store.PendencyScope{All: true}, report.ByLevel)
		if err != nil || len(byLevel) != 2 {
			t.Fatalf("by level %+v (%v)", byLevel, err)
		}
		rows, err = s.PendencyCounts(ctx, store.PendencyScope{Districts: []int64{6}}, report.ByDistrict)
		if err != nil || len(rows) != 0 {
			t.Fatalf("another district %+v (%v)", rows, err)
		}
		// A recount of no complaints empties everything.
		if err := s.Tx(ctx, func(tx *store.Tx) error { return tx.ResetPendency(ctx) }); err != nil {
			t.Fatal(err)
		}
		if roll, _ := s.StoredRollup(ctx); len(roll) != 0 {
			t.Fatalf("roll-up after a recount of nothing: %+v", roll)
		}
	})
}

func TestFrozenRanking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		run := store.RankingRun{Month: 202611, Unit: store.UnitDistrict, RubricVersion: 1, ComputedAt: time.UnixMilli(1764547200123).UTC(),
			Rows: []report.RankingRow{{Rank: 1, Key: 7, NameEn: "Lucknow", NameHi: "लखनऊ", Score: 75.6, MaxScore: 100,
				Parameters: []report.ParamScore{{Code: "satisfied_share", Value: 0.8, Marks: 28, MaxMarks: 35, Applicable: true, Numerator: 4, Denominator: 5},
					{Code: "verification_mismatch", Marks: 7.56, MaxMarks: 10}}}}}
		if _, err := s.FrozenRanking(ctx, 202611, store.UnitDistrict); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("before: %v", err)
		}
		if err := s.Tx(ctx, func(tx *store.Tx) error { return tx.FreezeRanking(ctx, run) }); err != nil {
			t.Fatal(err)
		}
		got, err := s.FrozenRanking(ctx, 202611, store.UnitDistrict)
		if err != nil || !reflect.DeepEqual(got, run) {
			t.Fatalf("read back %+v (%v)\nwant %+v", got, err, run)
		}
		second := run
		second.Rows = nil
		if err := s.Tx(ctx, func(tx *store.Tx) error { return tx.FreezeRanking(ctx, second) }); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("frozen twice: %v", err)
		}
		if err := s.Tx(ctx, func(tx *store.Tx) error { return tx.ThawRanking(ctx, 202611, store.UnitDistrict) }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FrozenRanking(ctx, 202611, store.UnitDistrict); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after thaw: %v", err)
		}
	})
}

func TestVerificationDaysAreDrawnOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var first, second bool
		err := s.Tx(ctx, func(tx *store.Tx) (err error) {
			if first, err = tx.MarkDayDrawn(ctx, 20261105, 0, time.Now()); err != nil {
				return err
			}
			second, err = tx.MarkDayDrawn(ctx, 20261105, 0, time.Now())
			return err
		})
		if err != nil || !first || second {
			t.Fatalf("first %v second %v (%v)", first, second, err)
		}
	})
}
