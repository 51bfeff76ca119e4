package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/report"
)

// PendencyScope says which complaints a pendency report covers.
type PendencyScope struct {
	// All: every complaint (the whole state); Districts is then ignored.
	All bool
	// Districts: the complaints of these districts, read from the counters.
	Districts []int64
	// NullDistrictWithin: also the complaints without a district whose place
	// lies within this area (a division's own complaints), counted directly.
	NullDistrictWithin int64
	// DirectWithin: instead of counters, count the complaints within this area
	// (an area below a district, which the counters do not resolve).
	DirectWithin int64
	// PostIDs: only complaints whose accountable post is one of these (nil: any).
	PostIDs []int64
	// DepartmentID: only this department's complaints (0: any).
	DepartmentID int64
}

// bucketSQL is report.BucketOf in SQL.
const bucketSQL = `CASE WHEN c.status <> 'closed' THEN c.status
	WHEN c.closure_reason IS NULL OR c.closure_reason = '' THEN 'closed'
	ELSE 'closed_' || c.closure_reason END`

// pendingSQL selects work under a running clock; it is, word for word, the
// predicate of the complaints_open_due index, so that both databases use it.
const pendingSQL = `c.status IN ('open', 'special_closure_pending')`

type sqlArgs struct{ args []any }

func (a *sqlArgs) add(v any) string {
	a.args = append(a.args, v)
	return "$" + strconv.Itoa(len(a.args))
}

func (a *sqlArgs) in(ids []int64) string {
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = a.add(id)
	}
	return strings.Join(ph, ", ")
}

// groupColumns are the grouping columns of g over the counters (counter true)
// or over complaints c.
func groupColumns(g report.GroupBy, counter bool) ([]string, error) {
	district, post := "district_id", "post_id"
	if !counter {
		district, post = "COALESCE(c.district_id, 0)", "COALESCE(c.accountable_post_id, 0)"
	}
	dept, level := "department_id", "level"
	if !counter {
		dept, level = "c.department_id", "c.level"
	}
	switch g {
	case report.ByDistrict:
		return []string{district}, nil
	case report.ByDepartment:
		return []string{dept}, nil
	case report.ByPost:
		return []string{post}, nil
	case report.ByLevel:
		return []string{level}, nil
	case report.ByDistrictDepartment:
		return []string{district, dept}, nil
	}
	return nil, fmt.Errorf("store: unknown pendency grouping %q", g)
}

// PendencyCounts sums the counters of scope, grouped by g. Groupings by
// district and department read the roll-up (a row per pair); by post or level,
// or for an officer's posts, the counters; scopes below a district count the
// complaints instead.
func (c *conn) PendencyCounts(ctx context.Context, sc PendencyScope, g report.GroupBy) ([]report.Wide, error) {
	if sc.DirectWithin != 0 {
		counts, err := c.pendencyDirect(ctx, sc, g, "c.area_id IN (SELECT area_id FROM area_ancestors WHERE ancestor_id = %s)", sc.DirectWithin)
		return report.Widen(counts), err
	}
	cols, err := groupColumns(g, true)
	if err != nil {
		return nil, err
	}
	var a sqlArgs
	var where []string
	if !sc.All {
		if len(sc.Districts) == 0 && sc.NullDistrictWithin == 0 {
			return []report.Wide{}, nil
		}
		if len(sc.Districts) == 0 {
			where = append(where, "FALSE")
		} else {
			where = append(where, "district_id IN ("+a.in(sc.Districts)+")")
		}
	}
	if sc.PostIDs != nil {
		if len(sc.PostIDs) == 0 {
			return []report.Wide{}, nil
		}
		where = append(where, "post_id IN ("+a.in(sc.PostIDs)+")")
	}
	if sc.DepartmentID != 0 {
		where = append(where, "department_id = "+a.add(sc.DepartmentID))
	}
	g1 := strings.Join(cols, ", ")
	var out []report.Wide
	if g == report.ByPost || g == report.ByLevel || sc.PostIDs != nil {
		q := `SELECT ` + g1 + `, level, bucket, SUM(n) FROM pendency_counts WHERE ` + strings.Join(append(where, "n <> 0"), " AND ") +
			` GROUP BY ` + g1 + `, level, bucket`
		counts, err := c.groupCounts(ctx, q, len(cols), a.args...)
		if err != nil {
			return nil, err
		}
		out = report.Widen(counts)
	} else {
		// The roll-up holds one row per district × department pair already.
		sums := slices.Clone(report.WideColumns)
		if g != report.ByDistrictDepartment {
			for i, col := range sums {
				sums[i] = "SUM(" + col + ")"
			}
		}
		q := `SELECT ` + g1 + `, ` + strings.Join(sums, ", ") + ` FROM pendency_rollup`
		if len(where) > 0 {
			q += ` WHERE ` + strings.Join(where, " AND ")
		}
		if g != report.ByDistrictDepartment {
			q += ` GROUP BY ` + g1
		}
		if out, err = c.wideRows(ctx, q, len(cols), a.args...); err != nil {
			return nil, err
		}
	}
	if sc.All || sc.NullDistrictWithin == 0 {
		return out, nil
	}
	more, err := c.pendencyDirect(ctx, sc, g, "c.district_id IS NULL AND c.area_id IN (SELECT area_id FROM area_ancestors WHERE ancestor_id = %s)", sc.NullDistrictWithin)
	return append(out, report.Widen(more)...), err
}

// wideRows reads rows of dims group ids followed by the roll-up's columns.
func (c *conn) wideRows(ctx context.Context, q string, dims int, args ...any) ([]report.Wide, error) {
	rows, err := c.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: pendency roll-up: %w", err)
	}
	defer rows.Close()
	out := []report.Wide{}
	for rows.Next() {
		var w report.Wide
		dst := []any{&w.Group}
		if dims == 2 {
			dst = append(dst, &w.Group2)
		}
		for _, c := range w.Columns() {
			dst = append(dst, c)
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, fmt.Errorf("store: pendency roll-up: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// pendencyDirect counts complaints matching cond (with one area argument)
// like the counters would.
func (c *conn) pendencyDirect(ctx context.Context, sc PendencyScope, g report.GroupBy, cond string, area int64) ([]report.GroupCount, error) {
	cols, err := groupColumns(g, false)
	if err != nil {
		return nil, err
	}
	var a sqlArgs
	where := []string{fmt.Sprintf(cond, a.add(area))}
	if sc.PostIDs != nil {
		if len(sc.PostIDs) == 0 {
			return []report.GroupCount{}, nil
		}
		where = append(where, "c.accountable_post_id IN ("+a.in(sc.PostIDs)+")")
	}
	if sc.DepartmentID != 0 {
		where = append(where, "c.department_id = "+a.add(sc.DepartmentID))
	}
	ord := make([]string, len(cols)+2)
	for i := range ord {
		ord[i] = strconv.Itoa(i + 1)
	}
	q := `SELECT ` + strings.Join(cols, ", ") + `, c.level, ` + bucketSQL + `, COUNT(*) FROM complaints c WHERE ` +
		strings.Join(where, " AND ") + ` GROUP BY ` + strings.Join(ord, ", ")
	return c.groupCounts(ctx, q, len(cols), a.args...)
}

// OverdueCounts counts the open work of scope past its due date at now,
// grouped by g and level, from the complaints_open_due index.
func (c *conn) OverdueCounts(ctx context.Context, sc PendencyScope, g report.GroupBy, now time.Time) ([]report.GroupCount, error) {
	cols, err := groupColumns(g, false)
	if err != nil {
		return nil, err
	}
	var a sqlArgs
	where := []string{pendingSQL, "c.due_at < " + a.add(ms(now))}
	const within = "c.area_id IN (SELECT area_id FROM area_ancestors WHERE ancestor_id = %s)"
	switch {
	case sc.DirectWithin != 0:
		where = append(where, fmt.Sprintf(within, a.add(sc.DirectWithin)))
	case sc.All:
	default:
		var or []string
		if len(sc.Districts) > 0 {
			or = append(or, "c.district_id IN ("+a.in(sc.Districts)+")")
		}
		if sc.NullDistrictWithin != 0 {
			or = append(or, "(c.district_id IS NULL AND "+fmt.Sprintf(within, a.add(sc.NullDistrictWithin))+")")
		}
		if len(or) == 0 {
			return []report.GroupCount{}, nil
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	if sc.PostIDs != nil {
		if len(sc.PostIDs) == 0 {
			return []report.GroupCount{}, nil
		}
		where = append(where, "c.accountable_post_id IN ("+a.in(sc.PostIDs)+")")
	}
	if sc.DepartmentID != 0 {
		where = append(where, "c.department_id = "+a.add(sc.DepartmentID))
	}
	ord := make([]string, len(cols)+1)
	for i := range ord {
		ord[i] = strconv.Itoa(i + 1)
	}
	q := `SELECT ` + strings.Join(cols, ", ") + `, c.level, 'overdue', COUNT(*) FROM ` + overdueFrom(c.dialect) + ` WHERE ` +
		strings.Join(where, " AND ") + ` GROUP BY ` + strings.Join(ord, ", ")
	return c.groupCounts(ctx, q, len(cols), a.args...)
}

func (c *conn) groupCounts(ctx context.Context, q string, dims int, args ...any) ([]report.GroupCount, error) {
	rows, err := c.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: pendency: %w", err)
	}
	defer rows.Close()
	out := []report.GroupCount{}
	for rows.Next() {
		var g report.GroupCount
		dst := []any{&g.Group}
		if dims == 2 {
			dst = append(dst, &g.Group2)
		}
		dst = append(dst, &g.Level, &g.Bucket, &g.N)
		if err := rows.Scan(dst...); err != nil {
			return nil, fmt.Errorf("store: pendency: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// PendencyCount is one counter and its value.
type PendencyCount struct {
	report.PendencyKey
	N int64
}

// StoredPendency reads every non-zero counter.
func (c *conn) StoredPendency(ctx context.Context) ([]PendencyCount, error) {
	return c.pendencyRows(ctx, `SELECT district_id, department_id, post_id, level, bucket, n FROM pendency_counts WHERE n <> 0`)
}

// StoredRollup reads the roll-up, a row per district × department pair.
func (c *conn) StoredRollup(ctx context.Context) ([]report.Wide, error) {
	return c.wideRows(ctx, `SELECT district_id, department_id, `+strings.Join(report.WideColumns, ", ")+` FROM pendency_rollup`, 2)
}

// RecountPendency counts the complaints as the counters should hold them.
func (c *conn) RecountPendency(ctx context.Context) ([]PendencyCount, error) {
	return c.pendencyRows(ctx, `SELECT COALESCE(c.district_id, 0), c.department_id, COALESCE(c.accountable_post_id, 0), c.level, `+
		bucketSQL+`, COUNT(*) FROM complaints c GROUP BY 1, 2, 3, 4, 5`)
}

func (c *conn) pendencyRows(ctx context.Context, q string) ([]PendencyCount, error) {
	rows, err := c.q.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("store: pendency counters: %w", err)
	}
	defer rows.Close()
	var out []PendencyCount
	for rows.Next() {
		var p PendencyCount
		if err := rows.Scan(&p.DistrictID, &p.DepartmentID, &p.PostID, &p.Level, &p.Bucket, &p.N); err != nil {
			return nil, fmt.Errorf("store: pendency counters: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// rollupRecount fills the roll-up from pendency_counts (as migration 00004 does).
const rollupRecount = `INSERT INTO pendency_rollup (district_id, department_id, open_l0, open_l1, open_l2, open_l3, open_l4,
		special_pending, reported, returned, closed_satisfied, closed_other)
	SELECT district_id, department_id,
		SUM(CASE WHEN bucket IN ('open', 'special_closure_pending') AND level = 0 THEN n ELSE 0 END),
		SUM(CASE WHEN bucket IN ('open', 'special_closure_pending') AND level = 1 THEN n ELSE 0 END),
		SUM(CASE WHEN bucket IN ('open', 'special_closure_pending') AND level = 2 THEN n ELSE 0 END),
		SUM(CASE WHEN bucket IN ('open', 'special_closure_pending') AND level = 3 THEN n ELSE 0 END),
		SUM(CASE WHEN bucket IN ('open', 'special_closure_pending') AND level = 4 THEN n ELSE 0 END),
		SUM(CASE WHEN bucket = 'special_closure_pending' THEN n ELSE 0 END),
		SUM(CASE WHEN bucket = 'reported' THEN n ELSE 0 END),
		SUM(CASE WHEN bucket = 'returned' THEN n ELSE 0 END),
		SUM(CASE WHEN bucket = 'closed_satisfied' THEN n ELSE 0 END),
		SUM(CASE WHEN bucket LIKE 'closed%' AND bucket <> 'closed_satisfied' THEN n ELSE 0 END)
	FROM pendency_counts GROUP BY district_id, department_id`

// ResetPendency replaces every counter by a recount of the complaints. On
// PostgreSQL it first locks the counters, so that changes in flight either
// committed before the recount (and are in it) or wait and apply their
// deltas after it.
func (tx *Tx) ResetPendency(ctx context.Context) error {
	if err := tx.lockTables(ctx, "pendency_counts", "pendency_rollup"); err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM pendency_counts`,
		`DELETE FROM pendency_rollup`,
		`INSERT INTO pendency_counts (district_id, department_id, post_id, level, bucket, n)
		 SELECT COALESCE(c.district_id, 0), c.department_id, COALESCE(c.accountable_post_id, 0), c.level, ` + bucketSQL + `, COUNT(*)
		 FROM complaints c GROUP BY 1, 2, 3, 4, 5`,
		rollupRecount,
	} {
		if _, err := tx.q.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: reset pendency: %w", err)
		}
	}
	return nil
}
