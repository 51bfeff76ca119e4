package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// ComplaintRow is a complaint with the names a reader needs beside it.
type ComplaintRow struct {
	model.Complaint
	CategoryCode, CategoryEn, CategoryHi string
	AreaEn, AreaHi                       string
	AccTitleEn, AccTitleHi, AccDesig     string
	MarkTitleEn, MarkTitleHi, MarkDesig  string
}

const complaintRowCols = complaintCols + `, k.code, k.name_en, k.name_hi, a.name_en, a.name_hi,
	COALESCE(ap.title_en, ''), COALESCE(ap.title_hi, ''), COALESCE(ag.code, ''),
	COALESCE(mp.title_en, ''), COALESCE(mp.title_hi, ''), COALESCE(mg.code, '')`

const complaintRowFrom = ` FROM complaints c
	JOIN categories k ON k.id = c.category_id
	JOIN areas a ON a.id = c.area_id
	LEFT JOIN posts ap ON ap.id = c.accountable_post_id
	LEFT JOIN designations ag ON ag.id = ap.designation_id
	LEFT JOIN posts mp ON mp.id = c.marked_post_id
	LEFT JOIN designations mg ON mg.id = mp.designation_id`

// scanRow reads complaintRowCols.
func scanRow(sc interface{ Scan(...any) error }) (ComplaintRow, error) {
	var r ComplaintRow
	var closure sql.NullString
	var acc, marked, closed, reported, regBy sql.NullInt64
	var due, registered, updated int64
	var hashes string
	c := &r.Complaint
	err := sc.Scan(&c.ID, &c.Ref, &c.Channel, &c.Complainant.Name, &c.Complainant.Mobile, &c.Complainant.Address,
		&c.Complainant.Language, &c.CategoryID, &c.DepartmentID, &c.AreaID, &c.DistrictID, &c.Description, &c.Status, &closure, &c.Level,
		&acc, &marked, &due, &registered, &closed, &reported, &c.ReopenCount, &c.FeedbackAttempts, &c.ReturnCount,
		&c.SpecialClosure, &c.SpecialClosureCode, &hashes, &c.VerificationSample, &c.OverdueAtTop, &updated, &c.Version, &regBy,
		&r.CategoryCode, &r.CategoryEn, &r.CategoryHi, &r.AreaEn, &r.AreaHi,
		&r.AccTitleEn, &r.AccTitleHi, &r.AccDesig, &r.MarkTitleEn, &r.MarkTitleHi, &r.MarkDesig)
	if err != nil {
		return r, err
	}
	c.ClosureReason = model.ClosureReason(closure.String)
	c.AccountablePostID = acc.Int64
	c.MarkedPostID = nullID(marked)
	c.DueAt, c.RegisteredAt, c.UpdatedAt = fromMS(due), fromMS(registered), fromMS(updated)
	c.ClosedAt, c.ReportedAt = fromNullMS(closed), fromNullMS(reported)
	if hashes != "" {
		c.ReportHashes = strings.Split(hashes, ",")
	}
	c.RegisteredBy = regBy.Int64
	return r, nil
}

// ComplaintRowByRef loads one complaint with names.
func (c *conn) ComplaintRowByRef(ctx context.Context, ref string) (ComplaintRow, error) {
	r, err := scanRow(c.q.QueryRowContext(ctx, `SELECT `+complaintRowCols+complaintRowFrom+` WHERE c.ref = $1`, ref))
	if err != nil {
		return r, notFound(err, "complaint "+ref)
	}
	return r, nil
}

// ComplaintFilter selects complaints. Zero fields do not filter.
type ComplaintFilter struct {
	Statuses   []model.Status
	Level      *int
	PostIDs    []int64 // accountable or marked post is one of these
	Overdue    *bool
	Now        time.Time // for Overdue
	Mobile     string
	CategoryID int64
	WithinArea int64 // area or any of its descendants
	// RestingIn leaves out complaints resting at Now in this call queue: held
	// back after a call by a lease of no agent (ReleaseLease).
	RestingIn string
	Order     Order
	Cursor    string
	Limit     int
}

// Order is the sort of a complaint list.
type Order int

// List orders.
const (
	NewestFirst   Order = iota // id descending
	DueFirst                   // due_at, id ascending (inbox)
	ReportedFirst              // reported_at, id ascending (feedback queue)
)

// Complaints lists complaints by f with keyset pagination; the second result
// is the cursor of the next page ("" at the end).
func (c *conn) Complaints(ctx context.Context, f ComplaintFilter) ([]ComplaintRow, string, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.Statuses) > 0 {
		ph := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			ph[i] = arg(string(s))
		}
		where = append(where, "c.status IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Level != nil {
		where = append(where, "c.level = "+arg(*f.Level))
	}
	if f.PostIDs != nil {
		if len(f.PostIDs) == 0 {
			return []ComplaintRow{}, "", nil
		}
		ph := make([]string, len(f.PostIDs))
		for i, id := range f.PostIDs {
			ph[i] = arg(id)
		}
		in := strings.Join(ph, ", ")
		where = append(where, "(c.accountable_post_id IN ("+in+") OR c.marked_post_id IN ("+in+"))")
	}
	if f.Overdue != nil {
		cond := "c.status IN ('open', 'special_closure_pending') AND c.due_at < " + arg(ms(f.Now))
		if !*f.Overdue {
			cond = "NOT (" + cond + ")"
		}
		where = append(where, cond)
	}
	if f.Mobile != "" {
		where = append(where, "c.mobile = "+arg(f.Mobile))
	}
	if f.CategoryID != 0 {
		where = append(where, "c.category_id = "+arg(f.CategoryID))
	}
	if f.WithinArea != 0 {
		where = append(where, "c.area_id IN (SELECT area_id FROM area_ancestors WHERE ancestor_id = "+arg(f.WithinArea)+")")
	}
	if f.RestingIn != "" {
		where = append(where, "NOT EXISTS (SELECT 1 FROM call_leases l WHERE l.queue = "+arg(f.RestingIn)+
			" AND l.complaint_id = c.id AND l.agent_user_id IS NULL AND l.until > "+arg(ms(f.Now))+")")
	}
	var order string
	switch f.Order {
	case DueFirst:
		order = "c.due_at, c.id"
		if k, id, ok := parseCursor2(f.Cursor); ok {
			where = append(where, "(c.due_at > "+arg(k)+" OR (c.due_at = "+arg(k)+" AND c.id > "+arg(id)+"))")
		}
	case ReportedFirst:
		order = "c.reported_at, c.id"
		if k, id, ok := parseCursor2(f.Cursor); ok {
			where = append(where, "(c.reported_at > "+arg(k)+" OR (c.reported_at = "+arg(k)+" AND c.id > "+arg(id)+"))")
		}
	default:
		order = "c.id DESC"
		if id, err := strconv.ParseInt(f.Cursor, 10, 64); err == nil && f.Cursor != "" {
			where = append(where, "c.id < "+arg(id))
		}
	}
	q := `SELECT ` + complaintRowCols + complaintRowFrom
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY " + order + " LIMIT " + arg(f.Limit)
	rows, err := c.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: list complaints: %w", err)
	}
	defer rows.Close()
	out := []ComplaintRow{}
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) == f.Limit && len(out) > 0 {
		last := out[len(out)-1]
		switch f.Order {
		case DueFirst:
			next = fmt.Sprintf("%d.%d", ms(last.DueAt), last.ID)
		case ReportedFirst:
			var rep int64
			if last.ReportedAt != nil {
				rep = ms(*last.ReportedAt)
			}
			next = fmt.Sprintf("%d.%d", rep, last.ID)
		default:
			next = strconv.FormatInt(last.ID, 10)
		}
	}
	return out, next, nil
}

// ValidCursor reports whether a cursor has the form of order o.
func ValidCursor(o Order, s string) bool {
	if s == "" {
		return true
	}
	if o == NewestFirst {
		_, err := strconv.ParseInt(s, 10, 64)
		return err == nil
	}
	_, _, ok := parseCursor2(s)
	return ok
}

func parseCursor2(s string) (int64, int64, bool) {
	a, b, ok := strings.Cut(s, ".")
	if !ok {
		return 0, 0, false
	}
	x, err1 := strconv.ParseInt(a, 10, 64)
	y, err2 := strconv.ParseInt(b, 10, 64)
	return x, y, err1 == nil && err2 == nil
}

// DueForEscalation returns up to limit complaints whose deadline has passed
// and that may still escalate (or owe an overdue_at_top event), earliest due
// first. On PostgreSQL, inside a transaction, the rows are locked and rows
// locked by another node are skipped, so that nodes share the sweep.
func (c *conn) DueForEscalation(ctx context.Context, now time.Time, limit int) ([]model.Complaint, error) {
	q := `SELECT ` + complaintCols + ` FROM complaints c
		WHERE c.status IN ('open', 'special_closure_pending') AND c.due_at <= $1 AND c.overdue_at_top = FALSE
		ORDER BY c.due_at, c.id LIMIT $2`
	if c.inTx && c.dialect == Postgres {
		q += ` FOR UPDATE SKIP LOCKED`
	}
	rows, err := c.q.QueryContext(ctx, q, ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: due complaints: %w", err)
	}
	defer rows.Close()
	var out []model.Complaint
	for rows.Next() {
		x, err := scanComplaint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// PendingForPost counts the complaints waiting for a post's action: open or
// with a special closure awaiting decision. A returned complaint still names
// the post (the desk may send it back) but waits at the re-route desk.
func (c *conn) PendingForPost(ctx context.Context, postID int64) (int, error) {
	var n int
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints WHERE accountable_post_id = $1
		AND status IN ('open', 'special_closure_pending')`, postID).Scan(&n)
	return n, err
}
