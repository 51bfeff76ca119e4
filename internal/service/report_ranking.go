package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/store"
)

// Units that rankings rank.
var rankUnits = []string{store.UnitDistrict, store.UnitDepartment, store.UnitPost}

// RankingQuery asks for a monthly ranking.
type RankingQuery struct {
	Month string // YYYY-MM; default the last complete month
	Of    string // district (default), department or post
	// AreaID and DepartmentID narrow the rows shown (a district's posts, a
	// department's posts); the ranks stay those of the whole state.
	AreaID       int64
	DepartmentID int64
}

// Ranking is a month's ranking.
type Ranking struct {
	Month  report.Month
	Of     string
	Rubric report.Rubric
	// Frozen: a past month, computed once and stored; Provisional: the
	// current month, computed from the tallies so far.
	Frozen, Provisional bool
	ComputedAt          time.Time
	Rows                []report.RankingRow
}

// Ranking ranks districts, departments or posts for a month by the rubric in
// force that month. Rankings are public within the administration: every
// staff role may read the state-wide table. A past month is computed once,
// frozen and thereafter read back unchanged; the current month is provisional.
func (s *Service) Ranking(ctx context.Context, p *auth.Principal, q RankingQuery) (Ranking, error) {
	if err := require(p, staff...); err != nil {
		return Ranking{}, err
	}
	if q.Of == "" {
		q.Of = store.UnitDistrict
	}
	if !slices.Contains(rankUnits, q.Of) {
		return Ranking{}, &ValidationError{Fields: []FieldError{{Field: "of", Code: "invalid_value", Key: "field_invalid_value"}}}
	}
	now := s.clock.Now()
	current := report.MonthOf(now)
	month, err := monthArg(q.Month, current.Prev(), current)
	if err != nil {
		return Ranking{}, err
	}
	m, err := s.master(ctx)
	if err != nil {
		return Ranking{}, err
	}
	if q.AreaID != 0 {
		if _, ok := m.areas[q.AreaID]; !ok {
			return Ranking{}, fieldNotFound(store.ErrNotFound, "area_id")
		}
	}
	if q.DepartmentID != 0 {
		if _, ok := m.departments[q.DepartmentID]; !ok {
			return Ranking{}, fieldNotFound(store.ErrNotFound, "department_id")
		}
	}
	r, err := s.computeRanking(ctx, month, q.Of, now)
	if err != nil {
		return Ranking{}, err
	}
	if q.AreaID != 0 || q.DepartmentID != 0 {
		r.Rows = slices.DeleteFunc(r.Rows, func(row report.RankingRow) bool {
			return !m.unitWithin(q.Of, row.Key, q.AreaID) || q.DepartmentID != 0 && !m.unitOfDepartment(q.Of, row.Key, q.DepartmentID)
		})
	}
	return r, nil
}

// unitOfDepartment reports whether a department or post belongs to department
// (a district belongs to every department).
func (m *master) unitOfDepartment(unit string, id, department int64) bool {
	switch unit {
	case store.UnitDepartment:
		return id == department
	case store.UnitPost:
		return m.posts[id].DepartmentID == department
	}
	return true
}

// computeRanking returns month's ranking of unit: the frozen one of a past
// month, computing and freezing it the first time.
func (s *Service) computeRanking(ctx context.Context, month report.Month, unit string, now time.Time) (Ranking, error) {
	rubrics, err := s.st.Rubrics(ctx)
	if err != nil {
		return Ranking{}, err
	}
	past := month.Before(report.MonthOf(now))
	if past {
		run, err := s.st.FrozenRanking(ctx, month.Key(), unit)
		if err == nil {
			return frozen(run, rubrics, month), nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return Ranking{}, err
		}
	}
	rubric, err := rubricFor(rubrics, month)
	if err != nil {
		return Ranking{}, err
	}
	units, err := s.st.UnitCounts(ctx, month.Key(), unit, store.TallyFilter{})
	if err != nil {
		return Ranking{}, err
	}
	m, err := s.master(ctx)
	if err != nil {
		return Ranking{}, err
	}
	rows := rubric.Compute(units)
	for i := range rows {
		n := m.unitName(unit, rows[i].Key)
		rows[i].NameEn, rows[i].NameHi = n.en, n.hi
	}
	r := Ranking{Month: month, Of: unit, Rubric: rubric, Provisional: !past, ComputedAt: now, Rows: rows}
	if !past {
		return r, nil
	}
	err = s.st.Tx(ctx, func(tx *store.Tx) error {
		return tx.FreezeRanking(ctx, store.RankingRun{Month: month.Key(), Unit: unit, RubricVersion: rubric.Version, ComputedAt: now, Rows: rows})
	})
	if errors.Is(err, store.ErrConflict) {
		// Another node froze it first: its computation stands.
		run, err := s.st.FrozenRanking(ctx, month.Key(), unit)
		if err != nil {
			return Ranking{}, err
		}
		return frozen(run, rubrics, month), nil
	}
	if err != nil {
		return Ranking{}, err
	}
	r.Frozen = true
	return r, nil
}

func frozen(run store.RankingRun, rubrics []report.Rubric, month report.Month) Ranking {
	r := Ranking{Month: month, Of: run.Unit, Frozen: true, ComputedAt: run.ComputedAt, Rows: run.Rows}
	for _, x := range rubrics {
		if x.Version == run.RubricVersion {
			r.Rubric = x
		}
	}
	return r
}

// rubricFor is the rubric version in force in month: the latest whose first
// month is not after it.
func rubricFor(rubrics []report.Rubric, month report.Month) (report.Rubric, error) {
	var best *report.Rubric
	for i := range rubrics {
		if r := &rubrics[i]; !month.Before(r.EffectiveFrom) && (best == nil || best.EffectiveFrom.Before(r.EffectiveFrom)) {
			best = r
		}
	}
	if best == nil {
		return report.Rubric{}, fmt.Errorf("service: no ranking rubric in force in %s: %w", month, store.ErrNotFound)
	}
	return *best, nil
}

// RankingRubric returns the rubric in force in month ("": the current
// month) and every version, oldest first.
func (s *Service) RankingRubric(ctx context.Context, p *auth.Principal, month string) (report.Rubric, []report.Rubric, error) {
	if err := require(p, staff...); err != nil {
		return report.Rubric{}, nil, err
	}
	current := report.MonthOf(s.clock.Now())
	mo, err := monthArg(month, current, current)
	if err != nil {
		return report.Rubric{}, nil, err
	}
	all, err := s.st.Rubrics(ctx)
	if err != nil {
		return report.Rubric{}, nil, err
	}
	r, err := rubricFor(all, mo)
	return r, all, err
}

// ThawRanking forgets a frozen month so that the next read recomputes it
// (admin; after the history of a month was corrected).
func (s *Service) ThawRanking(ctx context.Context, p *auth.Principal, month report.Month, unit string) error {
	if err := require(p, model.RoleAdmin); err != nil {
		return err
	}
	return s.st.Tx(ctx, func(tx *store.Tx) error { return tx.ThawRanking(ctx, month.Key(), unit) })
}

// TrendQuery asks for monthly figures.
type TrendQuery struct {
	Months       int // how many months up to the current one; default 12, at most 36
	AreaID       int64
	DepartmentID int64
}

// TrendRow is one month's tallies.
type TrendRow struct {
	Month  report.Month
	Counts report.Counts
}

// Trends returns the tallies of the last months, oldest first, within the
// caller's jurisdiction — the figures behind the ranking, month by month.
func (s *Service) Trends(ctx context.Context, p *auth.Principal, q TrendQuery) ([]TrendRow, error) {
	if q.Months == 0 {
		q.Months = 12
	}
	if q.Months < 1 || q.Months > 36 {
		return nil, &ValidationError{Fields: []FieldError{{Field: "months", Code: "out_of_range", Key: "field_out_of_range",
			Data: map[string]any{"Min": 1, "Max": 36}}}}
	}
	sc, err := s.scopeFor(ctx, p, q.AreaID)
	if err != nil {
		return nil, err
	}
	m, err := s.master(ctx)
	if err != nil {
		return nil, err
	}
	last := report.MonthOf(s.clock.Now())
	first := last
	for i := 1; i < q.Months; i++ {
		first = first.Prev()
	}
	counts, err := s.st.MonthCounts(ctx, first.Key(), last.Key(), m.tallyFilter(sc, q.DepartmentID))
	if err != nil {
		return nil, err
	}
	var out []TrendRow
	for mo := first; !last.Before(mo); mo = mo.Next() {
		c := counts[mo.Key()]
		if c == nil {
			c = report.Counts{}
		}
		out = append(out, TrendRow{Month: mo, Counts: c})
	}
	return out, nil
}
