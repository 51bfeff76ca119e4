package service

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/store"
)

// Drift is a counter whose stored value differs from a recount.
type Drift struct {
	Table   string // pendency_counts, pendency_rollup or report_tallies
	Key     string
	Stored  int64
	Counted int64
}

// CounterCheck is the outcome of CheckCounters.
type CounterCheck struct {
	// Keys counts the distinct counters compared, per table.
	Keys  map[string]int
	Drift []Drift
}

// CheckCounters recounts, from one snapshot of the database, what the change
// hook maintains — the pendency counters and their roll-up from the
// complaints, the monthly tallies from the complaints' histories — and lists
// every counter that differs. It changes nothing.
func (s *Service) CheckCounters(ctx context.Context) (CounterCheck, error) {
	out := CounterCheck{Keys: map[string]int{}}
	err := s.st.ReadSnapshot(ctx, func(snap *store.Snapshot) error {
		out = CounterCheck{Keys: map[string]int{}}
		stored, err := snap.StoredPendency(ctx)
		if err != nil {
			return err
		}
		counted, err := snap.RecountPendency(ctx)
		if err != nil {
			return err
		}
		out.compare("pendency_counts", pendencyMap(stored), pendencyMap(counted))
		rollup, err := snap.StoredRollup(ctx)
		if err != nil {
			return err
		}
		var recount []report.GroupCount
		for _, c := range counted {
			recount = append(recount, report.GroupCount{Group: c.DistrictID, Group2: c.DepartmentID, Level: c.Level, Bucket: c.Bucket, N: c.N})
		}
		out.compare("pendency_rollup", wideMap(rollup), wideMap(report.Widen(recount)))
		tallies, err := snap.StoredTallies(ctx)
		if err != nil {
			return err
		}
		replayed, err := snap.ReplayTallies(ctx)
		if err != nil {
			return err
		}
		st, rc := map[string]int64{}, map[string]int64{}
		for k, n := range tallies {
			st[tallyKey(k)] += n
		}
		for k, n := range replayed {
			rc[tallyKey(k)] += n
		}
		out.compare("report_tallies", st, rc)
		return nil
	})
	slices.SortFunc(out.Drift, func(a, b Drift) int { return cmp.Or(cmp.Compare(a.Table, b.Table), cmp.Compare(a.Key, b.Key)) })
	return out, err
}

// FixCounters replaces the pendency counters and the tallies by a recount, in
// one transaction that holds them against concurrent changes.
func (s *Service) FixCounters(ctx context.Context) error {
	return s.st.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ResetPendency(ctx); err != nil {
			return err
		}
		return tx.RecountTallies(ctx)
	})
}

func (c *CounterCheck) compare(table string, stored, counted map[string]int64) {
	keys := map[string]bool{}
	for k := range stored {
		keys[k] = true
	}
	for k := range counted {
		keys[k] = true
	}
	c.Keys[table] = len(keys)
	for k := range keys {
		if stored[k] != counted[k] {
			c.Drift = append(c.Drift, Drift{Table: table, Key: k, Stored: stored[k], Counted: counted[k]})
		}
	}
}

// pendencyMap keys counters by text.
func pendencyMap(rows []store.PendencyCount) map[string]int64 {
	out := map[string]int64{}
	for _, r := range rows {
		k := r.PendencyKey
		out[fmt.Sprintf("district=%d department=%d post=%d level=%d bucket=%s", k.DistrictID, k.DepartmentID, k.PostID, k.Level, k.Bucket)] += r.N
	}
	return nonZero(out)
}

// wideMap keys the roll-up's cells by text.
func wideMap(rows []report.Wide) map[string]int64 {
	out := map[string]int64{}
	for _, w := range rows {
		for i, c := range w.Columns() {
			out[fmt.Sprintf("district=%d department=%d %s", w.Group, w.Group2, report.WideColumns[i])] += *c
		}
	}
	return nonZero(out)
}

func nonZero(m map[string]int64) map[string]int64 {
	for k, n := range m {
		if n == 0 {
			delete(m, k)
		}
	}
	return m
}

func tallyKey(k report.TallyKey) string {
	return fmt.Sprintf("month=%d district=%d department=%d post=%d measure=%s", k.Month, k.DistrictID, k.DepartmentID, k.PostID, k.Measure)
}
