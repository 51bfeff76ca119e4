package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/nivaran/nivaran/internal/outbox"
)

// OutboxQueue is the outbox table as the dispatcher's outbox.Queue.
//
// A claim leases due rows by setting lease_until and counting the claim in
// claims; the count is the claim's token. Every mark is one conditional
// UPDATE on (id, claims, status = 'pending'), so it applies only for the
// claim that still holds the row: a dispatcher whose lease ran out, and whose
// rows another node has claimed since, gets outbox.ErrLeaseLost instead of
// overwriting them. How the claim itself is made atomic differs by dialect
// (outbox_queue_postgres.go, outbox_queue_sqlite.go).
type OutboxQueue struct {
	st *Store
}

// NewOutboxQueue returns the queue over st's outbox table.
func NewOutboxQueue(st *Store) *OutboxQueue { return &OutboxQueue{st: st} }

var _ outbox.Queue = (*OutboxQueue)(nil)

// claimCols are what a claim returns, in scanClaimed's order.
const claimCols = `id, mobile, template, language, vars, dedupe_key, attempts, created_at, next_at, claims`

// Claim implements outbox.Queue.
func (q *OutboxQueue) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]outbox.Row, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []outbox.Row
	// A claim is a short write like a registration: it shares their commit.
	err := q.st.TxGrouped(ctx, func(tx *Tx) error {
		out = out[:0]
		rows, err := tx.q.QueryContext(ctx, claimSQL(tx.dialect), ms(now.Add(lease)), ms(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanClaimed(rows)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim outbox rows: %w", err)
	}
	// RETURNING gives no order; the dispatcher sends in due order.
	slices.SortFunc(out, func(a, b outbox.Row) int {
		return cmp.Or(a.NextAt.Compare(b.NextAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// claimSQL is the dialect's claim statement.
func claimSQL(d Dialect) string {
	if d == Postgres {
		return claimPostgres
	}
	return claimSQLite
}

func scanClaimed(rows *sql.Rows) (outbox.Row, error) {
	var r outbox.Row
	var vars string
	var created, next int64
	if err := rows.Scan(&r.ID, &r.Mobile, &r.Template, &r.Language, &vars, &r.DedupeKey, &r.Attempts,
		&created, &next, &r.Token); err != nil {
		return r, err
	}
	r.CreatedAt, r.NextAt = fromMS(created), fromMS(next)
	if err := json.Unmarshal([]byte(vars), &r.Vars); err != nil {
		// A row whose variables cannot be read still goes to the
		// dispatcher, which fails it at rendering with the reason.
		r.Vars = nil
	}
	return r, nil
}

// scrubVars empties the variables of a sensitive row (a one-time code) once
// it is final: nothing needs them any more, and the admin pages and backups
// should not show a code.
const scrubVars = `vars = CASE WHEN sensitive THEN '{}' ELSE vars END`

// MarkSent implements outbox.Queue.
func (q *OutboxQueue) MarkSent(ctx context.Context, id, token int64, provider, providerID string, now time.Time) error {
	return q.mark(ctx, id, "sent", `UPDATE outbox SET status = 'sent', sent_at = $1, provider = $2, provider_id = $3,
		attempts = attempts + 1, lease_until = NULL, `+scrubVars+` WHERE id = $4 AND claims = $5 AND status = 'pending'`,
		ms(now), provider, providerID, id, token)
}

// MarkRetry implements outbox.Queue.
func (q *OutboxQueue) MarkRetry(ctx context.Context, id, token int64, next time.Time, reason string) error {
	return q.mark(ctx, id, "retry", `UPDATE outbox SET next_at = $1, last_error = $2, attempts = attempts + 1, lease_until = NULL
		WHERE id = $3 AND claims = $4 AND status = 'pending'`, ms(next), reason, id, token)
}

// MarkFailed implements outbox.Queue.
func (q *OutboxQueue) MarkFailed(ctx context.Context, id, token int64, reason string, now time.Time) error {
	return q.mark(ctx, id, "failed", `UPDATE outbox SET status = 'failed', failed_at = $1, last_error = $2, attempts = attempts + 1,
		lease_until = NULL, `+scrubVars+` WHERE id = $3 AND claims = $4 AND status = 'pending'`, ms(now), reason, id, token)
}

func (q *OutboxQueue) mark(ctx context.Context, id int64, what, query string, args ...any) error {
	var n int64
	// Marks come from several senders at once and are independent of each
	// other: they share commits with each other and with registrations.
	err := q.st.TxGrouped(ctx, func(tx *Tx) error {
		res, err := tx.q.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("store: mark outbox row %d %s: %w", id, what, err)
	}
	if n == 0 {
		return fmt.Errorf("store: mark outbox row %d %s: %w", id, what, outbox.ErrLeaseLost)
	}
	return nil
}

// Release implements outbox.Queue.
func (q *OutboxQueue) Release(ctx context.Context, rows []outbox.Row) error {
	if len(rows) == 0 {
		return nil
	}
	err := q.st.Tx(ctx, func(tx *Tx) error {
		for _, r := range rows {
			if _, err := tx.q.ExecContext(ctx, `UPDATE outbox SET lease_until = NULL
				WHERE id = $1 AND claims = $2 AND status = 'pending'`, r.ID, r.Token); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: release outbox rows: %w", err)
	}
	return nil
}

// markDeliverySQL applies a receipt to the latest row the provider sent under
// the id; its test for a non-empty provider_id is the condition of the partial
// index outbox_receipt, which the planner needs to see to use it.
const markDeliverySQL = `UPDATE outbox SET status = $1, delivered_at = $2
	WHERE id = (SELECT id FROM outbox WHERE provider = $3 AND provider_id = $4 AND provider_id <> '' ORDER BY id DESC LIMIT 1)
	AND status IN ('sent', 'delivered', 'undelivered')`

// MarkDelivery records a delivery receipt: the latest row that provider sent
// under providerID becomes delivered or undelivered, at at. A receipt for a
// message the outbox does not yet know as sent — a receipt can outrun the
// dispatcher's mark — returns ErrNotFound, so that the provider asks the
// gateway to report it again later. A repeated receipt applies again.
func (q *OutboxQueue) MarkDelivery(ctx context.Context, provider, providerID string, delivered bool, at time.Time) error {
	if providerID == "" {
		return fmt.Errorf("store: delivery receipt without a message id: %w", ErrNotFound)
	}
	status := OutboxUndelivered
	if delivered {
		status = OutboxDelivered
	}
	var n int64
	err := q.st.Tx(ctx, func(tx *Tx) error {
		res, err := tx.q.ExecContext(ctx, markDeliverySQL, status, ms(at), provider, providerID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delivery receipt %s/%s: %w", provider, providerID, err)
	}
	if n == 0 {
		return fmt.Errorf("store: delivery receipt %s/%s: no sent message: %w", provider, providerID, ErrNotFound)
	}
	return nil
}

// ErrLeaseLost is outbox.ErrLeaseLost, for callers that do not import outbox.
var ErrLeaseLost = outbox.ErrLeaseLost
