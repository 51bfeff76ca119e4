package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// OutboxMessage is an outbox row as the admin "sent messages" page shows it.
type OutboxMessage struct {
	OutboxRow
	ComplaintRef string // "" for messages not about a complaint (one-time codes, transfers)
	FailedAt     *time.Time
	DeliveredAt  *time.Time
	// Sensitive rows carry a one-time code: their variables are not shown,
	// and are wiped once the row is final.
	Sensitive bool
	Claims    int
}

// OutboxMessageFilter selects messages for the admin page: newest first,
// before the keyset cursor BeforeID.
type OutboxMessageFilter struct {
	Status      string
	ComplaintID int64
	BeforeID    int64
	Limit       int
}

// outboxMessagesQuery is OutboxMessages' statement and its arguments.
func outboxMessagesQuery(f OutboxMessageFilter) (string, []any) {
	before := f.BeforeID
	if before <= 0 {
		before = 1 << 62
	}
	q := `SELECT o.id, o.complaint_id, o.post_id, o.mobile, o.template, o.language, o.vars, o.dedupe_key, o.status,
		o.attempts, o.next_at, o.created_at, o.sent_at, o.provider, o.provider_id, o.last_error,
		o.failed_at, o.delivered_at, o.sensitive, o.claims, COALESCE(c.ref, '')
		FROM outbox o LEFT JOIN complaints c ON c.id = o.complaint_id WHERE o.id < $1`
	args := []any{before}
	if f.Status != "" {
		args = append(args, f.Status)
		q += fmt.Sprintf(" AND o.status = $%d", len(args))
		if f.Status != OutboxPending {
			// The term of the partial index outbox_status_id, so that the
			// planner may use it.
			q += " AND o.status <> 'pending'"
		}
	}
	if f.ComplaintID != 0 {
		args = append(args, f.ComplaintID)
		q += fmt.Sprintf(" AND o.complaint_id = $%d", len(args))
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	args = append(args, f.Limit)
	q += fmt.Sprintf(" ORDER BY o.id DESC LIMIT $%d", len(args))
	return q, args
}

// OutboxMessages lists messages, newest first. Each filter has its index
// (outbox_status_id for the statuses after pending, outbox_complaint); without
// one the primary key serves.
func (c *conn) OutboxMessages(ctx context.Context, f OutboxMessageFilter) ([]OutboxMessage, error) {
	q, args := outboxMessagesQuery(f)
	rows, err := c.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: outbox messages: %w", err)
	}
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		var m OutboxMessage
		var complaint, post, sent, failed, delivered sql.NullInt64
		var next, created int64
		var vars string
		if err := rows.Scan(&m.ID, &complaint, &post, &m.Mobile, &m.Template, &m.Language, &vars, &m.DedupeKey, &m.Status,
			&m.Attempts, &next, &created, &sent, &m.Provider, &m.ProviderID, &m.LastError,
			&failed, &delivered, &m.Sensitive, &m.Claims, &m.ComplaintRef); err != nil {
			return nil, fmt.Errorf("store: outbox messages: %w", err)
		}
		m.ComplaintID, m.PostID = nullID(complaint), nullID(post)
		m.NextAt, m.CreatedAt, m.SentAt = fromMS(next), fromMS(created), fromNullMS(sent)
		m.FailedAt, m.DeliveredAt = fromNullMS(failed), fromNullMS(delivered)
		_ = json.Unmarshal([]byte(vars), &m.Vars)
		out = append(out, m)
	}
	return out, rows.Err()
}

// OutboxCounts counts messages by status, for the admin page's summary and
// for tests.
func (c *conn) OutboxCounts(ctx context.Context) (map[string]int, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT status, COUNT(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("store: outbox counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}
