package store

import (
	"context"
	"fmt"
	"time"
)

// SignalScope says whose complaints the signals look at. Zero fields do not filter.
type SignalScope struct {
	Districts  []int64 // nil: every district
	WithinArea int64   // an area below a district
}

func (s SignalScope) where(a *sqlArgs, c string) (string, bool) {
	w := ""
	if s.Districts != nil {
		if len(s.Districts) == 0 {
			return "", false
		}
		w += " AND COALESCE(" + c + ".district_id, 0) IN (" + a.in(s.Districts) + ")"
	}
	if s.WithinArea != 0 {
		w += " AND " + c + ".area_id IN (SELECT area_id FROM area_ancestors WHERE ancestor_id = " + a.add(s.WithinArea) + ")"
	}
	return w, true
}

// SignalHit is one complaint behind a signal.
type SignalHit struct {
	PostID     int64
	DistrictID int64
	Ref        string
	// RelatedRef is the earlier complaint (a satisfied closure followed by a re-registration).
	RelatedRef string
	// Text is the report text (same_report_text).
	Text string
	// Gap is the time from assignment to report, or from closure to re-registration.
	Gap time.Duration
}

// maxHits bounds what a signal query returns.
const maxHits = 5000

// SameReportText finds reports of [start, end) whose exact text one post
// filed on at least min complaints; the hits are those complaints, grouped by
// post and text.
func (c *conn) SameReportText(ctx context.Context, sc SignalScope, start, end time.Time, min int) ([]SignalHit, error) {
	var a sqlArgs
	lo, hi := a.add(ms(start)), a.add(ms(end))
	w, ok := sc.where(&a, "c")
	if !ok {
		return nil, nil
	}
	minArg := a.add(min)
	lim := a.add(maxHits)
	from := `reports r`
	if w != "" {
		from = `reports r JOIN complaints c ON c.id = r.complaint_id` // only to filter by place
	}
	q := `WITH r AS (SELECT r.complaint_id, r.post_id, r.text FROM ` + from + `
			WHERE r.at >= ` + lo + ` AND r.at < ` + hi + w + `),
		g AS (SELECT post_id, text FROM r GROUP BY post_id, text HAVING COUNT(DISTINCT complaint_id) >= ` + minArg + `)
		SELECT DISTINCT r.post_id, COALESCE(c.district_id, 0), c.ref, r.text FROM r JOIN g ON g.post_id = r.post_id AND g.text = r.text
		JOIN complaints c ON c.id = r.complaint_id ORDER BY r.post_id, r.text, c.ref LIMIT ` + lim
	rows, err := c.q.QueryContext(ctx, q, a.args...)
	if err != nil {
		return nil, fmt.Errorf("store: same report text: %w", err)
	}
	defer rows.Close()
	var out []SignalHit
	for rows.Next() {
		var h SignalHit
		if err := rows.Scan(&h.PostID, &h.DistrictID, &h.Ref, &h.Text); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// QuickReports finds the reports of [start, end) filed less than within
// after the post got the complaint (routed, re-routed, escalated or reopened to it).
func (c *conn) QuickReports(ctx context.Context, sc SignalScope, start, end time.Time, within time.Duration) ([]SignalHit, error) {
	var a sqlArgs
	lo, hi := a.add(ms(start)), a.add(ms(end))
	gap := a.add(within.Milliseconds())
	w, ok := sc.where(&a, "c")
	if !ok {
		return nil, nil
	}
	lim := a.add(maxHits)
	q := `SELECT x.post, COALESCE(c.district_id, 0), c.ref, x.at - x.prev FROM (
			SELECT e.complaint_id, e.kind, e.actor_post_id AS post, e.at,
				LAG(e.at) OVER (PARTITION BY e.complaint_id ORDER BY e.id) AS prev
			FROM complaint_events e
			WHERE e.kind IN ('routed', 'rerouted', 'escalated', 'reopened', 'reported')
			  AND e.complaint_id IN (SELECT r.complaint_id FROM complaint_events r
				WHERE r.kind = 'reported' AND r.at >= ` + lo + ` AND r.at < ` + hi + `)
		) x JOIN complaints c ON c.id = x.complaint_id
		WHERE x.kind = 'reported' AND x.at >= ` + lo + ` AND x.at < ` + hi + ` AND x.post IS NOT NULL
		  AND x.at - x.prev < ` + gap + w + `
		ORDER BY x.post, c.ref LIMIT ` + lim
	rows, err := c.q.QueryContext(ctx, q, a.args...)
	if err != nil {
		return nil, fmt.Errorf("store: quick reports: %w", err)
	}
	defer rows.Close()
	var out []SignalHit
	for rows.Next() {
		var h SignalHit
		var gapMS int64
		if err := rows.Scan(&h.PostID, &h.DistrictID, &h.Ref, &gapMS); err != nil {
			return nil, err
		}
		h.Gap = time.Duration(gapMS) * time.Millisecond
		out = append(out, h)
	}
	return out, rows.Err()
}

// Reregistered finds complaints registered in [start, end) by a mobile that
// had a complaint of the same type at the same place closed "satisfied"
// less than within before. PostID is the post whose satisfied closure did
// not hold; RelatedRef that closed complaint.
func (c *conn) Reregistered(ctx context.Context, sc SignalScope, start, end time.Time, within time.Duration) ([]SignalHit, error) {
	var a sqlArgs
	lo, hi := a.add(ms(start)), a.add(ms(end))
	win := a.add(within.Milliseconds())
	w, ok := sc.where(&a, "n")
	if !ok {
		return nil, nil
	}
	lim := a.add(maxHits)
	q := `SELECT COALESCE(o.accountable_post_id, 0), COALESCE(o.district_id, 0), n.ref, o.ref, n.registered_at - o.closed_at
		FROM complaint_events e
		JOIN complaints n ON n.id = e.complaint_id
		JOIN complaints o ON o.mobile = n.mobile AND o.category_id = n.category_id AND o.area_id = n.area_id AND o.id <> n.id
		WHERE e.kind = 'registered' AND e.at >= ` + lo + ` AND e.at < ` + hi + `
		  AND o.closure_reason = 'satisfied' AND o.closed_at <= n.registered_at AND o.closed_at > n.registered_at - ` + win + w + `
		ORDER BY 1, n.ref LIMIT ` + lim
	rows, err := c.q.QueryContext(ctx, q, a.args...)
	if err != nil {
		return nil, fmt.Errorf("store: re-registrations: %w", err)
	}
	defer rows.Close()
	var out []SignalHit
	for rows.Next() {
		var h SignalHit
		var gapMS int64
		if err := rows.Scan(&h.PostID, &h.DistrictID, &h.Ref, &h.RelatedRef, &gapMS); err != nil {
			return nil, err
		}
		h.Gap = time.Duration(gapMS) * time.Millisecond
		out = append(out, h)
	}
	return out, rows.Err()
}
