package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/nivaran/nivaran/internal/model"
)

// Buckets of the pendency counters: a complaint's status, and for a closed
// complaint its closure reason ("closed_satisfied", "closed_unreachable", …).
const (
	BucketOpen           = "open"
	BucketSpecialPending = "special_closure_pending"
	BucketReported       = "reported"
	BucketReturned       = "returned"
	BucketClosed         = "closed" // prefix; a closed complaint without a reason counts here
)

// BucketOf is the counter bucket a complaint falls in.
func BucketOf(c model.Complaint) string {
	if c.Status == model.StatusClosed {
		if c.ClosureReason == "" {
			return BucketClosed
		}
		return BucketClosed + "_" + string(c.ClosureReason)
	}
	return string(c.Status)
}

// PendencyKey addresses one pendency counter.
type PendencyKey struct {
	DistrictID   int64 // 0: the complaint's place lies above any district
	DepartmentID int64
	PostID       int64 // the accountable post; 0 when there is none (unroutable)
	Level        int
	Bucket       string
}

// PendencyKeyOf is the counter a complaint counts in.
func PendencyKeyOf(c model.Complaint) PendencyKey {
	return PendencyKey{DistrictID: c.DistrictID, DepartmentID: c.DepartmentID, PostID: c.AccountablePostID,
		Level: c.Level, Bucket: BucketOf(c)}
}

// Pending reports whether the bucket is work under a running clock: open or
// waiting for a special-closure decision.
func (k PendencyKey) Pending() bool {
	return k.Bucket == BucketOpen || k.Bucket == BucketSpecialPending
}

// PendencyDelta is a change of one counter.
type PendencyDelta struct {
	Key PendencyKey
	N   int64
}

// PendencyDeltas is what a complaint change does to the counters: one off the
// key of the complaint as it was (nothing for a new complaint), one on the key
// of the complaint as it is. A change that keeps the key (a comment, a
// reminder, a mark) changes no counter.
func PendencyDeltas(before *model.Complaint, after model.Complaint) []PendencyDelta {
	to := PendencyKeyOf(after)
	if before == nil {
		return []PendencyDelta{{Key: to, N: 1}}
	}
	from := PendencyKeyOf(*before)
	if from == to {
		return nil
	}
	d := []PendencyDelta{{Key: from, N: -1}, {Key: to, N: 1}}
	// A fixed order of the two rows, so that two transactions touching the
	// same pair take their locks in the same order.
	slices.SortFunc(d, func(a, b PendencyDelta) int { return a.Key.Compare(b.Key) })
	return d
}

// Compare orders keys (for a fixed lock order).
func (k PendencyKey) Compare(o PendencyKey) int {
	return cmp.Or(cmp.Compare(k.DistrictID, o.DistrictID), cmp.Compare(k.DepartmentID, o.DepartmentID),
		cmp.Compare(k.PostID, o.PostID), cmp.Compare(k.Level, o.Level), strings.Compare(k.Bucket, o.Bucket))
}

// GroupBy is how a pendency report groups its rows.
type GroupBy string

// The groupings of the pendency report.
const (
	ByDistrict           GroupBy = "district"
	ByDepartment         GroupBy = "department"
	ByPost               GroupBy = "post"
	ByLevel              GroupBy = "level"
	ByDistrictDepartment GroupBy = "district,department"
)

// GroupBys lists the groupings.
var GroupBys = []GroupBy{ByDistrict, ByDepartment, ByPost, ByLevel, ByDistrictDepartment}

// GroupCount is a sum of counters (or a count of complaints) for one group,
// level and bucket. Group is the district, department or post id or the level;
// Group2 the department of a district × department grouping.
type GroupCount struct {
	Group, Group2 int64
	Level         int
	Bucket        string
	N             int64
}

// Wide is a group's counts in the columns of the district × department
// roll-up that the change hook keeps beside the counters: one row per pair
// instead of one per post, level and bucket, so that the state-wide reports
// read a few thousand rows.
type Wide struct {
	Group, Group2 int64
	// Open counts work under a running clock (open or special closure
	// pending) per level; SpecialPending those of it awaiting a decision.
	Open            [model.MaxLevel + 1]int64
	SpecialPending  int64
	Reported        int64
	Returned        int64
	ClosedSatisfied int64
	ClosedOther     int64
}

// WideColumns names the roll-up's count columns, in the order of Wide.Columns.
var WideColumns = []string{"open_l0", "open_l1", "open_l2", "open_l3", "open_l4", "special_pending", "reported", "returned",
	"closed_satisfied", "closed_other"}

// Columns returns pointers to the counts in the order of WideColumns.
func (w *Wide) Columns() []*int64 {
	return []*int64{&w.Open[0], &w.Open[1], &w.Open[2], &w.Open[3], &w.Open[4], &w.SpecialPending, &w.Reported, &w.Returned,
		&w.ClosedSatisfied, &w.ClosedOther}
}

// Add counts n complaints of level and bucket.
func (w *Wide) Add(level int, bucket string, n int64) {
	switch {
	case bucket == BucketOpen || bucket == BucketSpecialPending:
		if level >= 0 && level <= model.MaxLevel {
			w.Open[level] += n
		}
		if bucket == BucketSpecialPending {
			w.SpecialPending += n
		}
	case bucket == BucketReported:
		w.Reported += n
	case bucket == BucketReturned:
		w.Returned += n
	case bucket == BucketClosed+"_"+string(model.ClosedSatisfied):
		w.ClosedSatisfied += n
	case strings.HasPrefix(bucket, BucketClosed):
		w.ClosedOther += n
	}
}

// Zero reports whether every count is 0.
func (w *Wide) Zero() bool {
	for _, c := range w.Columns() {
		if *c != 0 {
			return false
		}
	}
	return true
}

// Widen folds counters into one Wide per group.
func Widen(counts []GroupCount) []Wide {
	by := map[[2]int64]*Wide{}
	var order [][2]int64
	for _, g := range counts {
		k := [2]int64{g.Group, g.Group2}
		w := by[k]
		if w == nil {
			w = &Wide{Group: g.Group, Group2: g.Group2}
			by[k] = w
			order = append(order, k)
		}
		w.Add(g.Level, g.Bucket, g.N)
	}
	out := make([]Wide, len(order))
	for i, k := range order {
		out[i] = *by[k]
	}
	return out
}

// WideDeltas is what a change's counter deltas do to the roll-up: one Wide of
// differences per district × department pair that changed.
func WideDeltas(deltas []PendencyDelta) []Wide {
	var out []Wide
	for _, d := range deltas {
		i := slices.IndexFunc(out, func(w Wide) bool { return w.Group == d.Key.DistrictID && w.Group2 == d.Key.DepartmentID })
		if i < 0 {
			out = append(out, Wide{Group: d.Key.DistrictID, Group2: d.Key.DepartmentID})
			i = len(out) - 1
		}
		out[i].Add(d.Key.Level, d.Key.Bucket, d.N)
	}
	return slices.DeleteFunc(out, func(w Wide) bool { return w.Zero() })
}

// PendencyRow is one row of the pendency report.
type PendencyRow struct {
	Key, Key2      int64
	NameEn, NameHi string
	// Key2's names, for the district × department grouping.
	Name2En, Name2Hi string
	// Open counts the complaints under a running clock (status open or
	// special_closure_pending); Escalated those of them above level 0;
	// Overdue those past their current due date; ByLevel the open ones per level.
	Open, Escalated, Overdue int64
	ByLevel                  [model.MaxLevel + 1]int64
	SpecialClosurePending    int64
	Reported, Returned       int64
	Closed, ClosedSatisfied  int64
	Total                    int64
}

// SatisfiedShare is the share of closed complaints closed satisfied (0 when none).
func (r PendencyRow) SatisfiedShare() float64 {
	if r.Closed == 0 {
		return 0
	}
	return float64(r.ClosedSatisfied) / float64(r.Closed)
}

// BuildPendency folds group counts and overdue counts (Bucket ignored) into
// rows, one per group, ordered by group. Groups with no complaint at all are
// left out; the caller adds empty rows where a complete list reads better.
func BuildPendency(counts []Wide, overdue []GroupCount) []PendencyRow {
	rows := map[[2]int64]*PendencyRow{}
	row := func(a, b int64) *PendencyRow {
		k := [2]int64{a, b}
		r := rows[k]
		if r == nil {
			r = &PendencyRow{Key: a, Key2: b}
			rows[k] = r
		}
		return r
	}
	for _, w := range counts {
		if w.Zero() {
			continue
		}
		r := row(w.Group, w.Group2)
		for l, n := range w.Open {
			r.ByLevel[l] += n
			r.Open += n
			if l > 0 {
				r.Escalated += n
			}
		}
		r.SpecialClosurePending += w.SpecialPending
		r.Reported += w.Reported
		r.Returned += w.Returned
		r.ClosedSatisfied += w.ClosedSatisfied
		r.Closed += w.ClosedSatisfied + w.ClosedOther
	}
	for _, g := range overdue {
		if g.N != 0 {
			row(g.Group, g.Group2).Overdue += g.N
		}
	}
	keys := make([][2]int64, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int64) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	out := make([]PendencyRow, len(keys))
	for i, k := range keys {
		r := rows[k]
		r.Total = r.Open + r.Reported + r.Returned + r.Closed
		out[i] = *r
	}
	return out
}

// SortRows orders rows by cmp, moving each row once (a row is large, and a
// state's rows are thousands).
func SortRows(rows []PendencyRow, cmp func(a, b *PendencyRow) int) {
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp(&rows[a], &rows[b]) })
	sorted := make([]PendencyRow, len(rows))
	for i, j := range idx {
		sorted[i] = rows[j]
	}
	copy(rows, sorted)
}

// Sum adds rows into one total row (Key 0).
func Sum(rows []PendencyRow) PendencyRow {
	var t PendencyRow
	for _, r := range rows {
		t.Open += r.Open
		t.Escalated += r.Escalated
		t.Overdue += r.Overdue
		for i := range t.ByLevel {
			t.ByLevel[i] += r.ByLevel[i]
		}
		t.SpecialClosurePending += r.SpecialClosurePending
		t.Reported += r.Reported
		t.Returned += r.Returned
		t.Closed += r.Closed
		t.ClosedSatisfied += r.ClosedSatisfied
		t.Total += r.Total
	}
	return t
}
