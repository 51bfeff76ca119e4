package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/locale"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/store"
)

// reportScope is what a principal's report covers: an area subtree (0: the
// whole state) and, for officers, their posts.
type reportScope struct {
	area  int64
	posts []int64 // nil: any post
}

// scopeFor decides the scope of a report for p, narrowed to areaID when
// given: the call centre and admins see the state; an officer the posts held
// and those they supervise directly; a monitor the area they are scoped to,
// and may narrow it but not leave it.
func (s *Service) scopeFor(ctx context.Context, p *auth.Principal, areaID int64) (reportScope, error) {
	if err := require(p, staff...); err != nil {
		return reportScope{}, err
	}
	m, err := s.master(ctx)
	if err != nil {
		return reportScope{}, err
	}
	if areaID != 0 {
		if _, ok := m.areas[areaID]; !ok {
			return reportScope{}, fieldNotFound(store.ErrNotFound, "area_id")
		}
	}
	sc := reportScope{area: areaID}
	switch {
	case p.CallCentre():
	case p.Has(model.RoleOfficer):
		sc.posts = append(append([]int64{}, p.Posts...), p.Supervised...)
	case p.Has(model.RoleMonitor) && p.User.AreaID != nil:
		if areaID == 0 {
			sc.area = *p.User.AreaID
		} else if !m.within(areaID, *p.User.AreaID) {
			return reportScope{}, errForbiddenPost
		}
	default:
		return reportScope{}, errForbiddenPost
	}
	if root := m.root(); sc.area == root && root != 0 {
		sc.area = 0 // the whole state
	}
	return sc, nil
}

// within reports whether area lies in the subtree of root.
func (m *master) within(area, root int64) bool {
	for next, n := &area, 0; next != nil && n < 32; n++ {
		if *next == root {
			return true
		}
		a, ok := m.areas[*next]
		if !ok {
			return false
		}
		next = a.ParentID
	}
	return false
}

// root is the area without a parent (the state); 0 when there are several.
func (m *master) root() int64 {
	var root int64
	for id, a := range m.areas {
		if a.ParentID == nil {
			if root != 0 {
				return 0
			}
			root = id
		}
	}
	return root
}

// districtOf is the district area lies in (itself if a district), 0 when it
// lies above districts.
func (m *master) districtOf(area int64) int64 {
	for next, n := &area, 0; next != nil && n < 32; n++ {
		a, ok := m.areas[*next]
		if !ok {
			return 0
		}
		if a.Kind == model.AreaDistrict {
			return a.ID
		}
		next = a.ParentID
	}
	return 0
}

// districtsWithin lists the districts in the subtree of area (0: all), by id.
func (m *master) districtsWithin(area int64) []int64 {
	out := []int64{}
	for id, a := range m.areas {
		if a.Kind == model.AreaDistrict && (area == 0 || m.within(id, area)) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// postsWithin lists the posts whose jurisdiction lies in the subtree of area.
func (m *master) postsWithin(area int64) []int64 {
	out := []int64{}
	for id, p := range m.posts {
		if m.within(p.AreaID, area) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// pendencyScope turns a report scope into what the store counts: counters of
// whole districts where the area holds whole districts, complaints counted
// directly below a district.
func (m *master) pendencyScope(sc reportScope, department int64) store.PendencyScope {
	ps := store.PendencyScope{PostIDs: sc.posts, DepartmentID: department}
	switch {
	case sc.area == 0:
		ps.All = true
	case m.areas[sc.area].Kind == model.AreaDistrict:
		ps.Districts = []int64{sc.area}
	case m.districtOf(sc.area) != 0:
		ps.DirectWithin = sc.area
	default:
		ps.Districts = m.districtsWithin(sc.area)
		ps.NullDistrictWithin = sc.area
	}
	return ps
}

// tallyFilter turns a report scope into what the tallies can resolve: whole
// districts, or the posts of an area below a district.
func (m *master) tallyFilter(sc reportScope, department int64) store.TallyFilter {
	f := store.TallyFilter{PostIDs: sc.posts, DepartmentID: department}
	switch {
	case sc.area == 0:
	case m.areas[sc.area].Kind == model.AreaDistrict:
		f.Districts = []int64{sc.area}
	case m.districtOf(sc.area) != 0:
		within := m.postsWithin(sc.area)
		if f.PostIDs == nil {
			f.PostIDs = within
		} else {
			f.PostIDs = intersect(f.PostIDs, within)
		}
	default:
		f.Districts = m.districtsWithin(sc.area)
	}
	return f
}

func intersect(a, b []int64) []int64 {
	out := []int64{}
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// names are a unit's names in both languages.
type names struct{ en, hi string }

// districtName names a district; 0 is the state level (no district).
func (m *master) districtName(id int64) names {
	if a, ok := m.areas[id]; ok {
		return names{a.NameEn, a.NameHi}
	}
	return names{locale.T("en", "report_no_district", nil), locale.T("hi", "report_no_district", nil)}
}

func (m *master) departmentName(id int64) names {
	if d, ok := m.departments[id]; ok {
		return names{d.NameEn, d.NameHi}
	}
	return names{fmt.Sprint(id), fmt.Sprint(id)}
}

func (m *master) postName(id int64) names {
	if p, ok := m.posts[id]; ok {
		return names{p.TitleEn, p.TitleHi}
	}
	return names{locale.T("en", "report_no_post", nil), locale.T("hi", "report_no_post", nil)}
}

// unitName names a district, department or post.
func (m *master) unitName(unit string, id int64) names {
	switch unit {
	case store.UnitDistrict:
		return m.districtName(id)
	case store.UnitDepartment:
		return m.departmentName(id)
	}
	return m.postName(id)
}

// unitWithin reports whether a district, department or post lies in scope:
// a district or post by place (within the area); a department always.
func (m *master) unitWithin(unit string, id int64, area int64) bool {
	if area == 0 {
		return true
	}
	switch unit {
	case store.UnitDistrict:
		return m.within(id, area) || m.within(area, id)
	case store.UnitPost:
		p, ok := m.posts[id]
		return ok && m.within(p.AreaID, area)
	}
	return true
}

// monthArg reads an optional month, defaulting to def; months after the
// current one are refused.
func monthArg(s string, def, current report.Month) (report.Month, error) {
	if s == "" {
		return def, nil
	}
	mo, err := report.ParseMonth(s)
	if err != nil {
		return mo, &ValidationError{Fields: []FieldError{{Field: "month", Code: "invalid_month", Key: "field_invalid_month"}}}
	}
	if current.Before(mo) {
		return mo, &ValidationError{Fields: []FieldError{{Field: "month", Code: "future_month", Key: "field_future_month"}}}
	}
	return mo, nil
}
