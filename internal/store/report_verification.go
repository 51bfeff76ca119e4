package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// Verification reasons and statuses.
const (
	VerifyReasonSample   = "sample"
	VerifyReasonDisputed = "disputed_special_closure"

	VerifyPending   = "pending"
	VerifyConfirmed = "confirmed"
	VerifyMismatch  = "mismatch"
)

// VerificationItem is one closure in the verification queue.
type VerificationItem struct {
	ID          int64
	ComplaintID int64
	ClosedAt    time.Time
	DistrictID  int64
	PostID      int64 // the accountable post at closure
	Reason      string
	SampleDay   int // YYYYMMDD (IST) of the closure
	Status      string
	EnqueuedAt  time.Time
	DecidedAt   *time.Time
	DecidedBy   int64
	ReportID    int64 // the report the closure rested on (0: none)
	Remarks     string
}

// EnqueueVerification adds a closure to the queue, unless it is there
// already; added reports which.
func (tx *Tx) EnqueueVerification(ctx context.Context, it VerificationItem) (added bool, err error) {
	res, err := tx.q.ExecContext(ctx, `INSERT INTO verification_queue (complaint_id, closed_at, district_id, post_id, reason, sample_day,
		status, enqueued_at, report_id) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8) ON CONFLICT DO NOTHING`,
		it.ComplaintID, ms(it.ClosedAt), it.DistrictID, it.PostID, it.Reason, it.SampleDay, ms(it.EnqueuedAt), idArg(&it.ReportID))
	if err != nil {
		return false, fmt.Errorf("store: enqueue verification: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

const verificationCols = `q.id, q.complaint_id, q.closed_at, q.district_id, q.post_id, q.reason, q.sample_day, q.status, q.enqueued_at,
	q.decided_at, q.decided_by, q.report_id, q.remarks`

func scanVerification(dst *VerificationItem) []any {
	return []any{&dst.ID, &dst.ComplaintID, &verMS{&dst.ClosedAt}, &dst.DistrictID, &dst.PostID, &dst.Reason, &dst.SampleDay,
		&dst.Status, &verMS{&dst.EnqueuedAt}, &verNullMS{&dst.DecidedAt}, &verNullID{&dst.DecidedBy}, &verNullID{&dst.ReportID}, &dst.Remarks}
}

// verMS, verNullMS and verNullID scan stored instants and optional ids.
type verMS struct{ t *time.Time }

func (v *verMS) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*v.t = fromMS(n.Int64)
	return nil
}

type verNullMS struct{ t **time.Time }

func (v *verNullMS) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*v.t = fromNullMS(n)
	return nil
}

type verNullID struct{ id *int64 }

func (v *verNullID) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*v.id = n.Int64
	return nil
}

// PendingVerification is the complaint's closure waiting for its second
// call, or ErrNotFound.
func (c *conn) PendingVerification(ctx context.Context, complaintID int64) (VerificationItem, error) {
	var it VerificationItem
	err := c.q.QueryRowContext(ctx, `SELECT `+verificationCols+` FROM verification_queue q
		WHERE q.complaint_id = $1 AND q.status = 'pending' ORDER BY q.id LIMIT 1`, complaintID).Scan(scanVerification(&it)...)
	if err != nil {
		return it, notFound(err, "verification of complaint "+strconv.FormatInt(complaintID, 10))
	}
	return it, nil
}

// DecideVerification records the outcome of the second call on a pending
// item (ErrConflict when it was decided meanwhile).
func (tx *Tx) DecideVerification(ctx context.Context, id int64, status string, by int64, remarks string, at time.Time) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE verification_queue SET status = $1, decided_by = $2, remarks = $3, decided_at = $4
		WHERE id = $5 AND status = 'pending'`, status, by, remarks, ms(at), id)
	if err != nil {
		return fmt.Errorf("store: decide verification: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: verification %d: decided meanwhile: %w", id, ErrConflict)
	}
	return nil
}

// MarkReportVerified records on a report what its verification found.
func (tx *Tx) MarkReportVerified(ctx context.Context, reportID int64, outcome string) error {
	if reportID == 0 {
		return nil
	}
	_, err := tx.q.ExecContext(ctx, `UPDATE reports SET verification = $1 WHERE id = $2`, outcome, reportID)
	if err != nil {
		return fmt.Errorf("store: mark report: %w", err)
	}
	return nil
}

// ReportVerification is what the verification found of a report ("" when
// it was not verified).
func (c *conn) ReportVerification(ctx context.Context, reportID int64) (string, error) {
	var v string
	err := c.q.QueryRowContext(ctx, `SELECT verification FROM reports WHERE id = $1`, reportID).Scan(&v)
	if err != nil {
		return "", notFound(err, "report")
	}
	return v, nil
}

// LatestReportID is the id of the newest report of a complaint (0: none).
func (c *conn) LatestReportID(ctx context.Context, complaintID int64) (int64, error) {
	var id sql.NullInt64
	err := c.q.QueryRowContext(ctx, `SELECT MAX(id) FROM reports WHERE complaint_id = $1`, complaintID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: latest report: %w", err)
	}
	return id.Int64, nil
}

// VerificationFilter selects queue items. Zero fields do not filter.
type VerificationFilter struct {
	Status     string
	WithinArea int64
	After      int64 // keyset cursor: ids greater than this
	Limit      int
}

// VerificationRow is a queue item with its complaint.
type VerificationRow struct {
	VerificationItem
	Complaint ComplaintRow
}

// VerificationQueue lists queue items, oldest first.
func (c *conn) VerificationQueue(ctx context.Context, f VerificationFilter) ([]VerificationRow, error) {
	var a sqlArgs
	where := "q.id > " + a.add(f.After)
	if f.Status != "" {
		where += " AND q.status = " + a.add(f.Status)
	}
	if f.WithinArea != 0 {
		where += " AND c.area_id IN (SELECT area_id FROM area_ancestors WHERE ancestor_id = " + a.add(f.WithinArea) + ")"
	}
	lim := a.add(f.Limit)
	rows, err := c.q.QueryContext(ctx, `SELECT `+verificationCols+`, `+complaintRowCols+complaintRowFrom+`
		JOIN verification_queue q ON q.complaint_id = c.id WHERE `+where+` ORDER BY q.id LIMIT `+lim, a.args...)
	if err != nil {
		return nil, fmt.Errorf("store: verification queue: %w", err)
	}
	defer rows.Close()
	out := []VerificationRow{}
	for rows.Next() {
		var r VerificationRow
		dst := scanVerification(&r.VerificationItem)
		cr, err := scanRow(prefixScanner{rows: rows, first: dst})
		if err != nil {
			return nil, fmt.Errorf("store: verification queue: %w", err)
		}
		r.Complaint = cr
		out = append(out, r)
	}
	return out, rows.Err()
}

// prefixScanner lets scanRow read a row whose first columns belong to
// someone else.
type prefixScanner struct {
	rows  *sql.Rows
	first []any
}

func (p prefixScanner) Scan(dst ...any) error { return p.rows.Scan(append(p.first, dst...)...) }

// ClosedComplaint is a complaint closed on a sampled day.
type ClosedComplaint struct {
	ID, DistrictID, PostID, ReportID int64
	ClosedAt                         time.Time
}

// ClosedBetween lists the complaints closed in [start, end) on their merits
// (satisfied, unreachable, special closure) and still closed, found through
// their closed events.
func (c *conn) ClosedBetween(ctx context.Context, start, end time.Time) ([]ClosedComplaint, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT c.id, COALESCE(c.district_id, 0), COALESCE(c.accountable_post_id, 0), c.closed_at,
		COALESCE((SELECT MAX(r.id) FROM reports r WHERE r.complaint_id = c.id), 0)
		FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
		WHERE e.kind = 'closed' AND e.at >= $1 AND e.at < $2
		  AND c.status = 'closed' AND c.closed_at >= $1 AND c.closed_at < $2
		  AND c.closure_reason IN ('satisfied', 'unreachable', 'special_closure')
		ORDER BY c.id`, ms(start), ms(end))
	if err != nil {
		return nil, fmt.Errorf("store: closed complaints: %w", err)
	}
	defer rows.Close()
	var out []ClosedComplaint
	for rows.Next() {
		var x ClosedComplaint
		var closed int64
		if err := rows.Scan(&x.ID, &x.DistrictID, &x.PostID, &closed, &x.ReportID); err != nil {
			return nil, err
		}
		x.ClosedAt = fromMS(closed)
		if n := len(out); n > 0 && out[n-1].ID == x.ID {
			continue // two closed events the same day (closed, verified false, closed again)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// MarkDayDrawn records that day's sample was drawn; drawn is false (and
// nothing is written) when it had been drawn already.
func (tx *Tx) MarkDayDrawn(ctx context.Context, day, complaints int, now time.Time) (drawn bool, err error) {
	res, err := tx.q.ExecContext(ctx, `INSERT INTO verification_days (day, drawn_at, complaints) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		day, ms(now), complaints)
	if err != nil {
		return false, fmt.Errorf("store: verification day: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// SetDayCount records how many complaints a drawn day put in the queue.
func (tx *Tx) SetDayCount(ctx context.Context, day, complaints int) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE verification_days SET complaints = $1 WHERE day = $2`, complaints, day)
	return err
}
