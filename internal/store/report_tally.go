package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/report"
)

// TallyFilter selects the tallies a report reads. Zero fields do not filter.
type TallyFilter struct {
	Districts    []int64 // nil: any district
	DepartmentID int64
	PostIDs      []int64 // nil: any post
}

func (f TallyFilter) where(a *sqlArgs) (string, bool) {
	var w []string
	if f.Districts != nil {
		if len(f.Districts) == 0 {
			return "", false
		}
		w = append(w, "district_id IN ("+a.in(f.Districts)+")")
	}
	if f.PostIDs != nil {
		if len(f.PostIDs) == 0 {
			return "", false
		}
		w = append(w, "post_id IN ("+a.in(f.PostIDs)+")")
	}
	if f.DepartmentID != 0 {
		w = append(w, "department_id = "+a.add(f.DepartmentID))
	}
	if len(w) == 0 {
		return "", true
	}
	return " AND " + strings.Join(w, " AND "), true
}

// Unit kinds of rankings and tallies.
const (
	UnitDistrict   = "district"
	UnitDepartment = "department"
	UnitPost       = "post"
)

// UnitCounts sums one month's tallies per unit: per district, department or
// post (unit), under f.
func (c *conn) UnitCounts(ctx context.Context, month int, unit string, f TallyFilter) (map[int64]report.Counts, error) {
	col := map[string]string{UnitDistrict: "district_id", UnitDepartment: "department_id", UnitPost: "post_id"}[unit]
	if col == "" {
		return nil, fmt.Errorf("store: unknown unit %q", unit)
	}
	var a sqlArgs
	m := a.add(month)
	w, ok := f.where(&a)
	out := map[int64]report.Counts{}
	if !ok {
		return out, nil
	}
	rows, err := c.q.QueryContext(ctx, `SELECT `+col+`, measure, SUM(n) FROM report_tallies WHERE month = `+m+w+
		` GROUP BY `+col+`, measure`, a.args...)
	if err != nil {
		return nil, fmt.Errorf("store: unit tallies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, n int64
		var measure string
		if err := rows.Scan(&id, &measure, &n); err != nil {
			return nil, err
		}
		if out[id] == nil {
			out[id] = report.Counts{}
		}
		out[id][report.Measure(measure)] += n
	}
	return out, rows.Err()
}

// PostCounts is a post's tallies of a month with where they belong.
type PostCounts struct {
	PostID, DepartmentID, DistrictID int64
	Counts                           report.Counts
}

// PostMeasures sums one month's chosen measures per (post, department,
// district), for the peer comparison of the signals.
func (c *conn) PostMeasures(ctx context.Context, month int, measures []report.Measure) ([]PostCounts, error) {
	var a sqlArgs
	m := a.add(month)
	ph := make([]string, len(measures))
	for i, x := range measures {
		ph[i] = a.add(string(x))
	}
	rows, err := c.q.QueryContext(ctx, `SELECT post_id, department_id, district_id, measure, SUM(n) FROM report_tallies
		WHERE month = `+m+` AND post_id <> 0 AND measure IN (`+strings.Join(ph, ", ")+`)
		GROUP BY post_id, department_id, district_id, measure ORDER BY post_id, department_id, district_id`, a.args...)
	if err != nil {
		return nil, fmt.Errorf("store: post tallies: %w", err)
	}
	defer rows.Close()
	var out []PostCounts
	for rows.Next() {
		var p PostCounts
		var measure string
		var n int64
		if err := rows.Scan(&p.PostID, &p.DepartmentID, &p.DistrictID, &measure, &n); err != nil {
			return nil, err
		}
		if l := len(out); l > 0 && out[l-1].PostID == p.PostID && out[l-1].DepartmentID == p.DepartmentID && out[l-1].DistrictID == p.DistrictID {
			out[l-1].Counts[report.Measure(measure)] += n
			continue
		}
		p.Counts = report.Counts{report.Measure(measure): n}
		out = append(out, p)
	}
	return out, rows.Err()
}

// MonthCounts sums the tallies of months from..to (YYYYMM, inclusive) per month, under f.
func (c *conn) MonthCounts(ctx context.Context, from, to int, f TallyFilter) (map[int]report.Counts, error) {
	var a sqlArgs
	lo, hi := a.add(from), a.add(to)
	w, ok := f.where(&a)
	out := map[int]report.Counts{}
	if !ok {
		return out, nil
	}
	rows, err := c.q.QueryContext(ctx, `SELECT month, measure, SUM(n) FROM report_tallies WHERE month >= `+lo+` AND month <= `+hi+w+
		` GROUP BY month, measure`, a.args...)
	if err != nil {
		return nil, fmt.Errorf("store: monthly tallies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var month int
		var measure string
		var n int64
		if err := rows.Scan(&month, &measure, &n); err != nil {
			return nil, err
		}
		if out[month] == nil {
			out[month] = report.Counts{}
		}
		out[month][report.Measure(measure)] += n
	}
	return out, rows.Err()
}

// StoredTallies reads every non-zero tally.
func (c *conn) StoredTallies(ctx context.Context) (map[report.TallyKey]int64, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT month, district_id, department_id, post_id, measure, n FROM report_tallies WHERE n <> 0`)
	if err != nil {
		return nil, fmt.Errorf("store: tallies: %w", err)
	}
	defer rows.Close()
	out := map[report.TallyKey]int64{}
	for rows.Next() {
		var k report.TallyKey
		var measure string
		var n int64
		if err := rows.Scan(&k.Month, &k.DistrictID, &k.DepartmentID, &k.PostID, &measure, &n); err != nil {
			return nil, err
		}
		k.Measure = report.Measure(measure)
		out[k] += n
	}
	return out, rows.Err()
}

// ReplayPlaces loads what the recount needs to attribute the events of
// re-routed complaints: every category's department, every area's district.
func (c *conn) ReplayPlaces(ctx context.Context) (report.Places, error) {
	p := report.Places{CategoryDepartment: map[int64]int64{}, AreaDistrict: map[int64]int64{}}
	rows, err := c.q.QueryContext(ctx, `SELECT id, department_id FROM categories`)
	if err != nil {
		return p, fmt.Errorf("store: replay places: %w", err)
	}
	for rows.Next() {
		var id, d int64
		if err := rows.Scan(&id, &d); err != nil {
			rows.Close()
			return p, err
		}
		p.CategoryDepartment[id] = d
	}
	rows.Close()
	rows, err = c.q.QueryContext(ctx, `SELECT x.area_id, x.ancestor_id FROM area_ancestors x JOIN areas a ON a.id = x.ancestor_id
		WHERE a.kind = 'district'`)
	if err != nil {
		return p, fmt.Errorf("store: replay places: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var area, district int64
		if err := rows.Scan(&area, &district); err != nil {
			return p, err
		}
		p.AreaDistrict[area] = district
	}
	return p, rows.Err()
}

// ReplayTallies recounts every tally from the complaints' histories
// (report.Replay), reading the events in one pass.
func (c *conn) ReplayTallies(ctx context.Context) (map[report.TallyKey]int64, error) {
	places, err := c.ReplayPlaces(ctx)
	if err != nil {
		return nil, err
	}
	var a sqlArgs
	kinds := make([]string, len(report.ReplayKinds))
	for i, k := range report.ReplayKinds {
		kinds[i] = a.add(string(k))
	}
	rows, err := c.q.QueryContext(ctx, `SELECT e.complaint_id, e.at, e.kind, e.from_post_id, e.to_post_id, e.payload,
		COALESCE(c.district_id, 0), c.department_id
		FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
		WHERE e.kind IN (`+strings.Join(kinds, ", ")+`) ORDER BY e.complaint_id, e.id`, a.args...)
	if err != nil {
		return nil, fmt.Errorf("store: replay: %w", err)
	}
	defer rows.Close()
	sum := map[report.TallyKey]int64{}
	add := func(k report.TallyKey, n int64) { sum[k] += n }
	var cur, district, dept int64
	var events []model.Event
	flush := func() {
		if len(events) > 0 {
			report.Replay(events, district, dept, places, add)
		}
		events = events[:0]
	}
	for rows.Next() {
		var id, at, d, dp int64
		var from, to sql.NullInt64
		var kind, payload string
		if err := rows.Scan(&id, &at, &kind, &from, &to, &payload, &d, &dp); err != nil {
			return nil, fmt.Errorf("store: replay: %w", err)
		}
		if id != cur {
			flush()
			cur, district, dept = id, d, dp
		}
		e := model.Event{ComplaintID: id, At: fromMS(at), Kind: model.EventKind(kind), FromPostID: nullID(from), ToPostID: nullID(to)}
		if payload != "" && payload != "{}" {
			switch e.Kind {
			case model.EventFeedback, model.EventClosed, model.EventVerification, model.EventRerouted:
				if err := json.Unmarshal([]byte(payload), &e.Payload); err != nil {
					return nil, fmt.Errorf("store: replay: payload of an event of complaint %d: %w", id, err)
				}
			}
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: replay: %w", err)
	}
	flush()
	for k, n := range sum {
		if n == 0 {
			delete(sum, k)
		}
	}
	return sum, nil
}

// ResetTallies replaces every tally with tallies (a recount). On PostgreSQL
// it locks the tallies first; the recount must have been read after the lock
// was taken for changes in flight to stay counted, so callers recount inside
// the same transaction (Tx.RecountTallies).
func (tx *Tx) ResetTallies(ctx context.Context, tallies map[report.TallyKey]int64) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM report_tallies`); err != nil {
		return fmt.Errorf("store: reset tallies: %w", err)
	}
	rows := make([][]any, 0, len(tallies))
	for k, n := range tallies {
		rows = append(rows, []any{k.Month, k.DistrictID, k.DepartmentID, k.PostID, string(k.Measure), n})
	}
	return tx.InsertRows(ctx, "report_tallies", []string{"month", "district_id", "department_id", "post_id", "measure", "n"}, rows)
}

// RecountTallies locks the tallies and replaces them by a replay of every
// complaint's history, in the transaction.
func (tx *Tx) RecountTallies(ctx context.Context) error {
	if err := tx.lockTables(ctx, "report_tallies"); err != nil {
		return err
	}
	sum, err := tx.ReplayTallies(ctx)
	if err != nil {
		return err
	}
	return tx.ResetTallies(ctx, sum)
}
