package service

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/locale"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/report"
)

// PendencyQuery asks for a pendency report.
type PendencyQuery struct {
	GroupBy      report.GroupBy // default district
	AreaID       int64          // within this area (0: the caller's whole scope)
	DepartmentID int64
}

// Pendency is a pendency report: where the complaints stand now.
type Pendency struct {
	GroupBy report.GroupBy
	AsOf    time.Time
	// AreaID is the area the report covers (0: the whole state); an officer's
	// report covers their posts.
	AreaID       int64
	DepartmentID int64
	Rows         []report.PendencyRow
	Total        report.PendencyRow
}

// Pendency reports open, escalated, overdue, reported and closed complaints
// grouped by district, department, post, level, or district and department,
// within the caller's jurisdiction. Everything but overdue comes from the
// counters the change hook keeps; overdue, which only the clock changes, is
// counted from the index of open complaints by due date.
func (s *Service) Pendency(ctx context.Context, p *auth.Principal, q PendencyQuery) (Pendency, error) {
	if q.GroupBy == "" {
		q.GroupBy = report.ByDistrict
	}
	if !slices.Contains(report.GroupBys, q.GroupBy) {
		return Pendency{}, &ValidationError{Fields: []FieldError{{Field: "group_by", Code: "invalid_value", Key: "field_invalid_value"}}}
	}
	sc, err := s.scopeFor(ctx, p, q.AreaID)
	if err != nil {
		return Pendency{}, err
	}
	m, err := s.master(ctx)
	if err != nil {
		return Pendency{}, err
	}
	if q.DepartmentID != 0 {
		if _, ok := m.departments[q.DepartmentID]; !ok {
			return Pendency{}, fieldNotFound(errNotYours, "department_id")
		}
	}
	now := s.clock.Now()
	ps := m.pendencyScope(sc, q.DepartmentID)
	counts, err := s.st.PendencyCounts(ctx, ps, q.GroupBy)
	if err != nil {
		return Pendency{}, err
	}
	overdue, err := s.st.OverdueCounts(ctx, ps, q.GroupBy, now)
	if err != nil {
		return Pendency{}, err
	}
	rows := report.BuildPendency(counts, overdue)
	rows = m.completeRows(rows, q.GroupBy, sc, ps.DirectWithin != 0, q.DepartmentID)
	for i := range rows {
		r := &rows[i]
		var n names
		switch q.GroupBy {
		case report.ByDistrict:
			n = m.districtName(r.Key)
		case report.ByDepartment:
			n = m.departmentName(r.Key)
		case report.ByPost:
			n = m.postName(r.Key)
		case report.ByLevel:
			n = names{locale.T("en", "report_level", map[string]any{"Level": r.Key}), locale.T("hi", "report_level", map[string]any{"Level": r.Key})}
		case report.ByDistrictDepartment:
			n = m.districtName(r.Key)
			d := m.departmentName(r.Key2)
			r.Name2En, r.Name2Hi = d.en, d.hi
		}
		r.NameEn, r.NameHi = n.en, n.hi
	}
	if q.GroupBy == report.ByLevel {
		report.SortRows(rows, func(a, b *report.PendencyRow) int { return cmp.Compare(a.Key, b.Key) })
	} else {
		// Most open work first: the table a monitor reads from the top.
		report.SortRows(rows, func(a, b *report.PendencyRow) int {
			return cmp.Or(cmp.Compare(b.Open, a.Open), cmp.Compare(b.Overdue, a.Overdue), cmp.Compare(a.NameEn, b.NameEn),
				cmp.Compare(a.Key, b.Key), cmp.Compare(a.Key2, b.Key2))
		})
	}
	return Pendency{GroupBy: q.GroupBy, AsOf: now, AreaID: sc.area, DepartmentID: q.DepartmentID, Rows: rows, Total: report.Sum(rows)}, nil
}

// completeRows adds empty rows so that every district of the area, every
// department and every level is listed, not only those with complaints.
func (m *master) completeRows(rows []report.PendencyRow, g report.GroupBy, sc reportScope, below bool, department int64) []report.PendencyRow {
	var want []int64
	switch {
	case g == report.ByLevel:
		for l := 0; l <= model.MaxLevel; l++ {
			want = append(want, int64(l))
		}
	case sc.posts != nil || below:
		return rows
	case g == report.ByDistrict:
		want = m.districtsWithin(sc.area)
	case g == report.ByDepartment && department != 0:
		want = []int64{department}
	case g == report.ByDepartment:
		for id := range m.departments {
			want = append(want, id)
		}
	default:
		return rows
	}
	have := map[int64]bool{}
	for _, r := range rows {
		have[r.Key] = true
	}
	for _, k := range want {
		if !have[k] {
			rows = append(rows, report.PendencyRow{Key: k})
		}
	}
	return rows
}
