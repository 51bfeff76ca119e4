package report

import (
	"strings"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

func TestPendencyDeltas(t *testing.T) {
	open := model.Complaint{DistrictID: 5, DepartmentID: 2, AccountablePostID: 10, Level: 0, Status: model.StatusOpen}
	escalated := open
	escalated.Level, escalated.AccountablePostID = 1, 11
	commented := open
	commented.Description = "a comment changes nothing counted"
	closed := open
	closed.Status, closed.ClosureReason = model.StatusClosed, model.ClosedSatisfied
	tests := []struct {
		name   string
		before *model.Complaint
		after  model.Complaint
		want   []PendencyDelta
	}{
		{"new", nil, open, []PendencyDelta{{PendencyKey{5, 2, 10, 0, "open"}, 1}}},
		{"same key: nothing", &open, commented, nil},
		{"escalated moves post and level", &open, escalated,
			[]PendencyDelta{{PendencyKey{5, 2, 10, 0, "open"}, -1}, {PendencyKey{5, 2, 11, 1, "open"}, 1}}},
		{"closed moves bucket", &open, closed,
			[]PendencyDelta{{PendencyKey{5, 2, 10, 0, "closed_satisfied"}, 1}, {PendencyKey{5, 2, 10, 0, "open"}, -1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PendencyDeltas(tt.before, tt.after)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestBucketAndWideColumns(t *testing.T) {
	tests := []struct {
		c      model.Complaint
		bucket string
		column string
	}{
		{model.Complaint{Status: model.StatusOpen, Level: 3}, "open", "open_l3"},
		{model.Complaint{Status: model.StatusSpecialClosurePending, Level: 2}, "special_closure_pending", "open_l2"},
		{model.Complaint{Status: model.StatusReported, Level: 2}, "reported", "reported"},
		{model.Complaint{Status: model.StatusReturned, Level: 1}, "returned", "returned"},
		{model.Complaint{Status: model.StatusClosed, ClosureReason: model.ClosedSatisfied, Level: 4}, "closed_satisfied", "closed_satisfied"},
		{model.Complaint{Status: model.StatusClosed, ClosureReason: model.ClosedUnreachable, Level: 4}, "closed_unreachable", "closed_other"},
		{model.Complaint{Status: model.StatusClosed, Level: 1}, "closed", "closed_other"},
	}
	for _, tt := range tests {
		k := PendencyKeyOf(tt.c)
		var w Wide
		w.Add(k.Level, k.Bucket, 1)
		var got []string
		for i, c := range w.Columns() {
			if *c != 0 {
				got = append(got, WideColumns[i])
			}
		}
		want := []string{tt.column}
		if k.Bucket == BucketSpecialPending {
			want = append(want, "special_pending")
		}
		if k.Bucket != tt.bucket || strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s/%s L%d: bucket %s, columns %v", tt.c.Status, tt.c.ClosureReason, tt.c.Level, k.Bucket, got)
		}
	}
}

func TestWideDeltas(t *testing.T) {
	a := PendencyKey{DistrictID: 1, DepartmentID: 2, PostID: 10, Level: 0, Bucket: BucketOpen}
	b := a
	b.PostID = 11 // another post: the pair's row does not change
	c := a
	c.DistrictID = 3 // re-routed to another district
	if got := WideDeltas([]PendencyDelta{{a, -1}, {b, 1}}); len(got) != 0 {
		t.Fatalf("a move between posts changed the roll-up: %+v", got)
	}
	got := WideDeltas([]PendencyDelta{{a, -1}, {c, 1}})
	if len(got) != 2 || got[0].Open[0] != -1 || got[1].Group != 3 || got[1].Open[0] != 1 {
		t.Fatalf("a move between districts: %+v", got)
	}
}

func TestBuildPendency(t *testing.T) {
	counts := []GroupCount{
		{Group: 1, Level: 0, Bucket: "open", N: 4},
		{Group: 1, Level: 2, Bucket: "open", N: 2},
		{Group: 1, Level: 1, Bucket: "special_closure_pending", N: 1},
		{Group: 1, Level: 0, Bucket: "reported", N: 3},
		{Group: 1, Level: 0, Bucket: "returned", N: 1},
		{Group: 1, Level: 0, Bucket: "closed_satisfied", N: 7},
		{Group: 1, Level: 0, Bucket: "closed_unreachable", N: 2},
		{Group: 2, Level: 0, Bucket: "open", N: 0},
		{Group: 3, Level: 4, Bucket: "open", N: 1},
	}
	overdue := []GroupCount{{Group: 1, Level: 2, N: 2}, {Group: 3, Level: 4, N: 1}}
	rows := BuildPendency(Widen(counts), overdue)
	if len(rows) != 2 {
		t.Fatalf("rows %+v", rows)
	}
	want := PendencyRow{Key: 1, Open: 7, Escalated: 3, Overdue: 2, ByLevel: [5]int64{4, 1, 2, 0, 0}, SpecialClosurePending: 1,
		Reported: 3, Returned: 1, Closed: 9, ClosedSatisfied: 7, Total: 20}
	if rows[0] != want {
		t.Fatalf("row 1\n got %+v\nwant %+v", rows[0], want)
	}
	total := Sum(rows)
	if total.Open != 8 || total.Overdue != 3 || total.ByLevel[4] != 1 || total.Total != 21 {
		t.Fatalf("total %+v", total)
	}
	if s := rows[0].SatisfiedShare(); s != 7.0/9 {
		t.Fatalf("satisfied share %v", s)
	}
}

func TestMonthsAndDaysInIST(t *testing.T) {
	// 31 Oct 2026 20:00 UTC is 1 Nov 01:30 in India.
	m := MonthOf(time.Date(2026, 10, 31, 20, 0, 0, 0, time.UTC))
	if m.String() != "2026-11" || m.Key() != 202611 {
		t.Fatalf("month %s", m)
	}
	if got := m.Start(); !got.Equal(time.Date(2026, 10, 31, 18, 30, 0, 0, time.UTC)) {
		t.Fatalf("start %v", got)
	}
	if m.Prev().String() != "2026-10" || m.Next().String() != "2026-12" || MonthFromKey(202701).Prev().String() != "2026-12" {
		t.Fatalf("prev/next")
	}
	if _, err := ParseMonth("2026-13"); err == nil {
		t.Fatal("month 13 parsed")
	}
	if p, err := ParseMonth("2027-01"); err != nil || !m.Before(p) {
		t.Fatalf("parse: %v %v", p, err)
	}
	d := DayOf(time.Date(2026, 12, 31, 19, 0, 0, 0, time.UTC)) // 1 Jan 2027 00:30 IST
	if d.String() != "2027-01-01" || d.Key() != 20270101 || DayFromKey(d.Key()) != d || d.AddDays(-1).String() != "2026-12-31" {
		t.Fatalf("day %s", d)
	}
	if d.End().Sub(d.Start()) != 24*time.Hour {
		t.Fatalf("a day of %v", d.End().Sub(d.Start()))
	}
}
