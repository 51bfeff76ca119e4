package report

import (
	"cmp"
	"slices"
	"time"
)

// Signal kinds: patterns that point to "technical disposal" — complaints
// closed on paper without the work being done.
const (
	// SignalSameText: one post filed the same report text on several complaints.
	SignalSameText = "same_report_text"
	// SignalQuickReport: a report filed very soon after the post got the complaint.
	SignalQuickReport = "quick_report"
	// SignalReregistered: the citizen registered the same type at the same place
	// again within days of a "satisfied" closure.
	SignalReregistered = "reregistered_after_satisfied"
	// SignalSpecialClosureOutlier, SignalReturnOutlier: a post whose share of
	// special closures (per disposal) or returns (per complaint received) stands
	// far above the median of its department's posts.
	SignalSpecialClosureOutlier = "special_closure_outlier"
	SignalReturnOutlier         = "return_outlier"
)

// SignalKinds lists the kinds in report order.
var SignalKinds = []string{SignalSameText, SignalQuickReport, SignalReregistered, SignalSpecialClosureOutlier, SignalReturnOutlier}

// Thresholds tune the signals.
type Thresholds struct {
	// SameTextMin is how many complaints one post must have answered with the
	// same text. Default 3.
	SameTextMin int
	// QuickReport is how soon after assignment a report is suspicious. Default 1 hour.
	QuickReport time.Duration
	// ReregisterWithin is the window after a satisfied closure. Default 30 days.
	ReregisterWithin time.Duration
	// OutlierFactor: a post's share must exceed this many times its
	// department's median. Default 2.
	OutlierFactor float64
	// OutlierMinCount: the post must have at least this many special closures
	// (or returns). Default 5.
	OutlierMinCount int64
	// OutlierFloor: and a share of at least this, so that a department whose
	// median is 0 does not flag every post with a handful. Default 0.05.
	OutlierFloor float64
}

// WithDefaults fills zero fields.
func (t Thresholds) WithDefaults() Thresholds {
	if t.SameTextMin <= 1 {
		t.SameTextMin = 3
	}
	if t.QuickReport <= 0 {
		t.QuickReport = time.Hour
	}
	if t.ReregisterWithin <= 0 {
		t.ReregisterWithin = 30 * 24 * time.Hour
	}
	if t.OutlierFactor <= 0 {
		t.OutlierFactor = 2
	}
	if t.OutlierMinCount <= 0 {
		t.OutlierMinCount = 5
	}
	if t.OutlierFloor <= 0 {
		t.OutlierFloor = 0.05
	}
	return t
}

// Signal is one finding, with the complaints behind it.
type Signal struct {
	Kind       string
	PostID     int64
	DistrictID int64
	// Count is how many complaints (or special closures, returns) the finding rests on.
	Count int64
	// Value is the post's share (outliers) or the minutes from assignment to
	// report (quick reports); 0 where it means nothing.
	Value float64
	// PeerMedian and Threshold explain an outlier: the department's median and
	// the share the post had to exceed.
	PeerMedian, Threshold float64
	// Complaints are the references behind the finding (at most a few dozen).
	Complaints []string
	// Text is the repeated report text (same_report_text), shortened.
	Text string
	// Related are earlier references: the satisfied closure a re-registration follows.
	Related []string
}

// PostShare is a post's numerator and denominator of a share, for Outliers.
type PostShare struct {
	PostID, DepartmentID, DistrictID int64
	Num, Den                         int64
}

// Outliers flags the posts whose share Num/Den exceeds t.OutlierFactor times
// the median share of their department's posts (those with Den > 0), and is
// at least t.OutlierFloor, with Num ≥ t.OutlierMinCount. Peers are all of the
// department's posts given, so pass the whole state's and filter afterwards.
func Outliers(kind string, posts []PostShare, t Thresholds) []Signal {
	t = t.WithDefaults()
	shares := map[int64][]float64{}
	for _, p := range posts {
		if p.Den > 0 {
			shares[p.DepartmentID] = append(shares[p.DepartmentID], float64(p.Num)/float64(p.Den))
		}
	}
	medians := map[int64]float64{}
	for d, s := range shares {
		medians[d] = Median(s)
	}
	var out []Signal
	for _, p := range posts {
		if p.Den == 0 || p.Num < t.OutlierMinCount {
			continue
		}
		share := float64(p.Num) / float64(p.Den)
		limit := max(t.OutlierFactor*medians[p.DepartmentID], t.OutlierFloor)
		if share > limit {
			out = append(out, Signal{Kind: kind, PostID: p.PostID, DistrictID: p.DistrictID, Count: p.Num,
				Value: round4(share), PeerMedian: round4(medians[p.DepartmentID]), Threshold: round4(limit)})
		}
	}
	slices.SortFunc(out, func(a, b Signal) int { return cmp.Or(cmp.Compare(b.Value, a.Value), cmp.Compare(a.PostID, b.PostID)) })
	return out
}

// Median is the middle value (the mean of the two middle ones for an even
// count); 0 for none.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
