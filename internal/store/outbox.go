package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// OutboxRow is a message to send, as stored.
type OutboxRow struct {
	ID          int64
	ComplaintID *int64
	PostID      *int64
	Mobile      string
	Template    string
	Language    string
	Vars        map[string]string
	DedupeKey   string
	Status      string
	Attempts    int
	NextAt      time.Time
	CreatedAt   time.Time
	SentAt      *time.Time
	Provider    string
	ProviderID  string
	LastError   string
}

// Outbox statuses.
const (
	OutboxPending     = "pending"
	OutboxSent        = "sent"
	OutboxFailed      = "failed"
	OutboxDelivered   = "delivered"
	OutboxUndelivered = "undelivered"
)

// InsertOutbox queues a message; a second message with the same dedupe key
// is ignored (reports false).
func (tx *Tx) InsertOutbox(ctx context.Context, m OutboxRow) (bool, error) {
	vars, err := json.Marshal(m.Vars)
	if err != nil {
		return false, err
	}
	status := m.Status
	if status == "" {
		status = OutboxPending
	}
	res, err := tx.q.ExecContext(ctx, `INSERT INTO outbox (complaint_id, post_id, mobile, template, language, vars, dedupe_key,
		status, next_at, created_at, last_error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (dedupe_key) DO NOTHING`, idArg(m.ComplaintID), idArg(m.PostID), m.Mobile, m.Template, m.Language, string(vars),
		m.DedupeKey, status, ms(m.NextAt), ms(m.CreatedAt), m.LastError)
	if err != nil {
		return false, fmt.Errorf("store: queue message: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

const outboxCols = `id, complaint_id, post_id, mobile, template, language, vars, dedupe_key, status, attempts, next_at,
	created_at, sent_at, provider, provider_id, last_error`

func scanOutbox(sc interface{ Scan(...any) error }) (OutboxRow, error) {
	var m OutboxRow
	var complaint, post, sent sql.NullInt64
	var next, created int64
	var vars string
	err := sc.Scan(&m.ID, &complaint, &post, &m.Mobile, &m.Template, &m.Language, &vars, &m.DedupeKey, &m.Status, &m.Attempts,
		&next, &created, &sent, &m.Provider, &m.ProviderID, &m.LastError)
	if err != nil {
		return m, err
	}
	m.ComplaintID, m.PostID = nullID(complaint), nullID(post)
	m.NextAt, m.CreatedAt, m.SentAt = fromMS(next), fromMS(created), fromNullMS(sent)
	_ = json.Unmarshal([]byte(vars), &m.Vars)
	return m, nil
}

// OutboxFilter selects outbox rows for the admin page and tests.
type OutboxFilter struct {
	ComplaintID int64
	Status      string
	BeforeID    int64
	Limit       int
}

// Outbox lists messages, newest first.
func (c *conn) Outbox(ctx context.Context, f OutboxFilter) ([]OutboxRow, error) {
	q := `SELECT ` + outboxCols + ` FROM outbox WHERE id < $1`
	before := f.BeforeID
	if before == 0 {
		before = 1 << 62
	}
	args := []any{before}
	if f.ComplaintID != 0 {
		args = append(args, f.ComplaintID)
		q += fmt.Sprintf(" AND complaint_id = $%d", len(args))
	}
	if f.Status != "" {
		args = append(args, f.Status)
		q += fmt.Sprintf(" AND status = $%d", len(args))
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	args = append(args, f.Limit)
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT $%d", len(args))
	rows, err := c.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxRow
	for rows.Next() {
		m, err := scanOutbox(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// AttachToComplaint links attachment id, uploaded by user, to a complaint.
func (tx *Tx) AttachToComplaint(ctx context.Context, id, user, complaintID int64) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE attachments SET complaint_id = $1 WHERE id = $2 AND uploaded_by = $3
		AND (complaint_id IS NULL OR complaint_id = $1)`, complaintID, id, user)
	if err != nil {
		return fmt.Errorf("store: attach: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: attachment %d: %w", id, ErrNotFound)
	}
	return nil
}

// Attachment is an uploaded file's record.
type Attachment struct {
	ID          int64
	Name        string
	ContentType string
	Size        int64
	SHA256      string
	StorageKey  string
	UploadedBy  int64
	ComplaintID int64
	CreatedAt   time.Time
}

// InsertAttachment records an uploaded file.
func (tx *Tx) InsertAttachment(ctx context.Context, a *Attachment) error {
	return tx.insertReturning(ctx, &a.ID, "attachment", `INSERT INTO attachments (name, content_type, size, sha256, storage_key,
		uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		a.Name, a.ContentType, a.Size, a.SHA256, a.StorageKey, a.UploadedBy, ms(a.CreatedAt))
}

// Attachment loads one attachment record.
func (c *conn) Attachment(ctx context.Context, id int64) (Attachment, error) {
	var a Attachment
	var complaint sql.NullInt64
	var created int64
	err := c.q.QueryRowContext(ctx, `SELECT id, name, content_type, size, sha256, storage_key, uploaded_by, complaint_id, created_at
		FROM attachments WHERE id = $1`, id).Scan(&a.ID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.StorageKey, &a.UploadedBy,
		&complaint, &created)
	if err != nil {
		return a, notFound(err, fmt.Sprintf("attachment %d", id))
	}
	a.ComplaintID, a.CreatedAt = complaint.Int64, fromMS(created)
	return a, nil
}

// InsertOutboxRows queues several messages in one statement; rows whose
// dedupe key is queued already are skipped.
func (tx *Tx) InsertOutboxRows(ctx context.Context, rows []OutboxRow) error {
	if len(rows) == 0 {
		return nil
	}
	values := make([][]any, len(rows))
	for i, m := range rows {
		vars, err := json.Marshal(m.Vars)
		if err != nil {
			return err
		}
		status := m.Status
		if status == "" {
			status = OutboxPending
		}
		values[i] = []any{idArg(m.ComplaintID), idArg(m.PostID), m.Mobile, m.Template, m.Language, string(vars),
			m.DedupeKey, status, ms(m.NextAt), ms(m.CreatedAt), m.LastError}
	}
	tx.d.outbox = append(tx.d.outbox, values...)
	return nil
}

var outboxInsertCols = []string{"complaint_id", "post_id", "mobile", "template", "language", "vars", "dedupe_key", "status",
	"next_at", "created_at", "last_error"}
