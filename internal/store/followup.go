package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// FollowupItem is a complaint of the follow-up queue with the officer to
// phone (the holder of the accountable post; zero when the post is vacant)
// and the lease an agent holds on it, if any.
type FollowupItem struct {
	ComplaintRow
	Officer model.Officer
	Lease   *Lease
}

// FollowupFilter selects the follow-up queue: open complaints due at or
// before DueBy, most urgent first, leaving out those resting after a call.
type FollowupFilter struct {
	Now    time.Time
	DueBy  time.Time
	Cursor string // "due_at.id" of the last item of the previous page
	Limit  int
}

// FollowupQueue lists the follow-up queue by f, with the cursor of the next
// page ("" at the end). It walks the (status, due_at, id) index of
// complaints.
func (c *conn) FollowupQueue(ctx context.Context, f FollowupFilter) ([]FollowupItem, string, error) {
	args := []any{ms(f.Now), ms(f.DueBy)}
	where := `c.status = 'open' AND c.due_at <= $2 AND (l.complaint_id IS NULL OR l.agent_user_id IS NOT NULL)`
	if due, id, ok := parseCursor2(f.Cursor); ok {
		args = append(args, due, id)
		where += ` AND (c.due_at > $3 OR (c.due_at = $3 AND c.id > $4))`
	}
	args = append(args, f.Limit)
	q := `SELECT ` + complaintRowCols + `, COALESCE(o.id, 0), COALESCE(o.name, ''), COALESCE(o.mobile, ''),
		COALESCE(ou.username, ''), COALESCE(o.user_id, 0), l.agent_user_id, l.leased_at, l.until` + complaintRowFrom + `
		LEFT JOIN postings x ON x.post_id = c.accountable_post_id AND x.to_at IS NULL
		LEFT JOIN officers o ON o.id = x.officer_id
		LEFT JOIN users ou ON ou.id = o.user_id
		LEFT JOIN call_leases l ON l.queue = 'followup' AND l.complaint_id = c.id AND l.until > $1
		WHERE ` + where + ` ORDER BY c.due_at, c.id LIMIT $` + strconv.Itoa(len(args))
	rows, err := c.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: follow-up queue: %w", err)
	}
	defer rows.Close()
	out := []FollowupItem{}
	for rows.Next() {
		var it FollowupItem
		var agent, leasedAt, until sql.NullInt64
		r, err := scanRow(scanWith{rows, []any{&it.Officer.ID, &it.Officer.Name, &it.Officer.Mobile, &it.Officer.Username,
			&it.Officer.UserID, &agent, &leasedAt, &until}})
		if err != nil {
			return nil, "", err
		}
		it.ComplaintRow = r
		if agent.Valid && until.Valid {
			it.Lease = &Lease{Queue: QueueFollowup, ComplaintID: r.ID, AgentUserID: agent.Int64, Until: fromMS(until.Int64)}
			if leasedAt.Valid {
				it.Lease.LeasedAt = fromMS(leasedAt.Int64)
			}
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) == f.Limit && len(out) > 0 {
		last := out[len(out)-1]
		next = fmt.Sprintf("%d.%d", ms(last.DueAt), last.ID)
	}
	return out, next, nil
}

// scanWith scans a row into scanRow's columns followed by extra ones.
type scanWith struct {
	sc    interface{ Scan(...any) error }
	extra []any
}

func (s scanWith) Scan(dest ...any) error { return s.sc.Scan(append(dest, s.extra...)...) }

// ComplaintRowByID loads one complaint with names.
func (c *conn) ComplaintRowByID(ctx context.Context, id int64) (ComplaintRow, error) {
	r, err := scanRow(c.q.QueryRowContext(ctx, `SELECT `+complaintRowCols+complaintRowFrom+` WHERE c.id = $1`, id))
	if err != nil {
		return r, notFound(err, fmt.Sprintf("complaint %d", id))
	}
	return r, nil
}

// ReminderCandidates returns up to limit open complaints whose deadline lies
// after from and at or before to, in due order after the keyset (afterDue,
// afterID). On PostgreSQL, inside a transaction, the rows are locked (a
// concurrent change is waited for and re-read), so that a reminder is never
// queued for a deadline that a change has just moved.
func (c *conn) ReminderCandidates(ctx context.Context, from, to time.Time, afterDue, afterID int64, limit int) ([]model.Complaint, error) {
	q := `SELECT ` + complaintCols + ` FROM complaints c
		WHERE c.status = 'open' AND c.due_at > $1 AND c.due_at <= $2 AND (c.due_at > $3 OR (c.due_at = $3 AND c.id > $4))
		ORDER BY c.due_at, c.id LIMIT $5`
	if c.inTx && c.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	rows, err := c.q.QueryContext(ctx, q, ms(from), ms(to), afterDue, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: reminder candidates: %w", err)
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

// Counter reads a named counter (0 when absent).
func (c *conn) Counter(ctx context.Context, name string) (int64, error) {
	var v int64
	err := c.q.QueryRowContext(ctx, `SELECT value FROM counters WHERE name = $1`, name).Scan(&v)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: counter %s: %w", name, err)
	}
	return v, nil
}

// SetCounter sets a named counter.
func (tx *Tx) SetCounter(ctx context.Context, name string, v int64) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO counters (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, v)
	if err != nil {
		return fmt.Errorf("store: set counter %s: %w", name, err)
	}
	return nil
}
