package report

import (
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		xs   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}}
	for _, tt := range tests {
		if got := Median(tt.xs); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.xs, got, tt.want)
		}
	}
}

func TestOutliers(t *testing.T) {
	posts := []PostShare{
		// Department 1: shares 0.1, 0.1, 0.2, 0.6 (median 0.15, limit 0.3).
		{PostID: 1, DepartmentID: 1, Num: 2, Den: 20},
		{PostID: 2, DepartmentID: 1, Num: 1, Den: 10},
		{PostID: 3, DepartmentID: 1, Num: 4, Den: 20},
		{PostID: 4, DepartmentID: 1, Num: 6, Den: 10},
		// Department 2: median 0, so the floor 0.05 is the limit; post 6 has
		// too few to count, post 7 enough.
		{PostID: 5, DepartmentID: 2, Num: 0, Den: 50},
		{PostID: 6, DepartmentID: 2, Num: 4, Den: 10},
		{PostID: 7, DepartmentID: 2, Num: 5, Den: 40},
		{PostID: 8, DepartmentID: 2, Num: 0, Den: 30},
		{PostID: 10, DepartmentID: 2, Num: 0, Den: 20},
		{PostID: 9, DepartmentID: 2, Num: 0, Den: 0},
	}
	got := Outliers(SignalReturnOutlier, posts, Thresholds{})
	if len(got) != 2 {
		t.Fatalf("outliers %+v", got)
	}
	if g := got[0]; g.PostID != 4 || g.Value != 0.6 || g.PeerMedian != 0.15 || g.Threshold != 0.3 || g.Count != 6 || g.Kind != SignalReturnOutlier {
		t.Errorf("first %+v", g)
	}
	if g := got[1]; g.PostID != 7 || g.Value != 0.125 || g.PeerMedian != 0 || g.Threshold != 0.05 {
		t.Errorf("second %+v", g)
	}
	if strict := Outliers(SignalReturnOutlier, posts, Thresholds{OutlierFactor: 5, OutlierMinCount: 6}); len(strict) != 0 {
		t.Errorf("strict thresholds still flag %+v", strict)
	}
}

func TestThresholdDefaults(t *testing.T) {
	d := Thresholds{}.WithDefaults()
	if d.SameTextMin != 3 || d.QuickReport != time.Hour || d.ReregisterWithin != 30*24*time.Hour || d.OutlierFactor != 2 ||
		d.OutlierMinCount != 5 || d.OutlierFloor != 0.05 {
		t.Fatalf("defaults %+v", d)
	}
	if k := (Thresholds{QuickReport: 5 * time.Minute}).WithDefaults(); k.QuickReport != 5*time.Minute {
		t.Fatalf("kept %v", k.QuickReport)
	}
}
