package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// Block is a blocked mobile number.
type Block struct {
	Mobile string
	Reason string
	Since  time.Time
	Until  *time.Time
	ByID   int64
	ByName string
}

// ActiveBlock returns the block on mobile in force at now, or ErrNotFound.
func (c *conn) ActiveBlock(ctx context.Context, mobile string, now time.Time) (Block, error) {
	var b Block
	var since int64
	var until, by sql.NullInt64
	err := c.q.QueryRowContext(ctx, `SELECT b.mobile, b.reason, b.since, b.until, b.by_user_id, COALESCE(u.name, '')
		FROM blocked_numbers b LEFT JOIN users u ON u.id = b.by_user_id
		WHERE b.mobile = $1 AND b.unblocked_at IS NULL AND (b.until IS NULL OR b.until > $2)`, mobile, ms(now)).
		Scan(&b.Mobile, &b.Reason, &since, &until, &by, &b.ByName)
	if err != nil {
		return b, notFound(err, "block on "+mobile)
	}
	b.Since, b.Until, b.ByID = fromMS(since), fromNullMS(until), by.Int64
	return b, nil
}

// Blocks lists numbers blocked now, newest first, after the keyset cursor.
func (c *conn) Blocks(ctx context.Context, now time.Time, beforeID int64, limit int) ([]Block, int64, error) {
	if beforeID == 0 {
		beforeID = 1 << 62
	}
	rows, err := c.q.QueryContext(ctx, `SELECT b.id, b.mobile, b.reason, b.since, b.until, b.by_user_id, COALESCE(u.name, '')
		FROM blocked_numbers b LEFT JOIN users u ON u.id = b.by_user_id
		WHERE b.unblocked_at IS NULL AND (b.until IS NULL OR b.until > $1) AND b.id < $2 ORDER BY b.id DESC LIMIT $3`, ms(now), beforeID, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("store: blocked numbers: %w", err)
	}
	defer rows.Close()
	var out []Block
	var last int64
	for rows.Next() {
		var b Block
		var since int64
		var until, by sql.NullInt64
		if err := rows.Scan(&last, &b.Mobile, &b.Reason, &since, &until, &by, &b.ByName); err != nil {
			return nil, 0, err
		}
		b.Since, b.Until, b.ByID = fromMS(since), fromNullMS(until), by.Int64
		out = append(out, b)
	}
	return out, last, rows.Err()
}

// InsertBlock blocks a number; ErrConflict when it is blocked already.
func (tx *Tx) InsertBlock(ctx context.Context, b Block) error {
	// An expired block still holds the unique slot: close it first.
	if _, err := tx.q.ExecContext(ctx, `UPDATE blocked_numbers SET unblocked_at = until, unblock_reason = 'expired'
		WHERE mobile = $1 AND unblocked_at IS NULL AND until IS NOT NULL AND until <= $2`, b.Mobile, ms(b.Since)); err != nil {
		return fmt.Errorf("store: block: %w", err)
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO blocked_numbers (mobile, reason, by_user_id, since, until) VALUES ($1, $2, $3, $4, $5)`,
		b.Mobile, b.Reason, idArg(&b.ByID), ms(b.Since), msPtr(b.Until))
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store: block %s: %w", b.Mobile, ErrConflict)
		}
		return fmt.Errorf("store: block: %w", err)
	}
	return nil
}

// Unblock lifts the block on mobile in force at now, keeping its history;
// ErrNotFound when none is (a block that ran out is not lifted again).
func (tx *Tx) Unblock(ctx context.Context, mobile string, by int64, reason string, now time.Time) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE blocked_numbers SET unblocked_at = $1, unblocked_by = $2, unblock_reason = $3
		WHERE mobile = $4 AND unblocked_at IS NULL AND (until IS NULL OR until > $1)`, ms(now), by, reason, mobile)
	if err != nil {
		return fmt.Errorf("store: unblock: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: unblock %s: %w", mobile, ErrNotFound)
	}
	return nil
}

// IdempotentResult is what a creating request answered the first time.
type IdempotentResult struct {
	RequestHash string
	Status      int
	Body        string
}

// Idempotent returns the stored result of (user, key), or ErrNotFound.
func (c *conn) Idempotent(ctx context.Context, user int64, key string) (IdempotentResult, error) {
	var r IdempotentResult
	err := c.q.QueryRowContext(ctx, `SELECT request_hash, status_code, body FROM idempotency_keys WHERE user_id = $1 AND key = $2`, user, key).
		Scan(&r.RequestHash, &r.Status, &r.Body)
	if err != nil {
		return r, notFound(err, "idempotency key")
	}
	return r, nil
}

// SaveIdempotent records a result; ErrConflict when the key is taken.
func (tx *Tx) SaveIdempotent(ctx context.Context, user int64, key string, r IdempotentResult, now time.Time) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash, status_code, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, user, key, r.RequestHash, r.Status, r.Body, ms(now))
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store: idempotency key: %w", ErrConflict)
		}
		return fmt.Errorf("store: idempotency key: %w", err)
	}
	return nil
}

// refBlock is how many reference sequence values one draw reserves; on
// PostgreSQL it must equal the sequence's INCREMENT BY.
const refBlock = 50

// refPool hands out a process's reserved block of reference sequence values.
type refPool struct {
	mu         sync.Mutex
	next, over int64
}

// drop forgets the block, so that the next draw reserves a new one.
func (p *refPool) drop() {
	p.mu.Lock()
	p.next, p.over = 0, 0
	p.mu.Unlock()
}

// NextRefSeq draws the next reference-number sequence value from a block of
// 50 this process reserved: on PostgreSQL by one nextval (the sequence is
// shared by every node and never rolled back, so blocks never overlap); on
// SQLite by moving a counter row 50 on, in the transaction. An SQLite
// reservation is rolled back with its transaction or savepoint, so the pool
// is then dropped (Tx.restore, Store.tryTx) before any other write can draw
// from it: the numbers the block gave out were rolled back too. A process that
// stops leaves the rest of its block unused; references have gaps, never
// repeats.
func (tx *Tx) NextRefSeq(ctx context.Context) (int64, error) {
	p := tx.refs
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.next == 0 || p.next >= p.over {
		var start int64
		if tx.dialect == Postgres {
			if err := tx.q.QueryRowContext(ctx, `SELECT nextval('complaint_ref_seq')`).Scan(&start); err != nil {
				return 0, fmt.Errorf("store: next reference: %w", err)
			}
		} else {
			var end int64
			err := tx.q.QueryRowContext(ctx, `INSERT INTO counters (name, value) VALUES ('complaint_ref', $1)
				ON CONFLICT (name) DO UPDATE SET value = counters.value + $1 RETURNING value`, int64(refBlock)).Scan(&end)
			if err != nil {
				return 0, fmt.Errorf("store: next reference: %w", err)
			}
			start = end - refBlock + 1
			tx.refReserved = true
		}
		p.next, p.over = start, start+refBlock
	}
	n := p.next
	p.next++
	return n, nil
}

// ClaimIdempotent takes (user, key) for a request of hash, on every node at
// once: it reports true when this request may run, having written a claim
// (status 0) that FinishIdempotent completes or ReleaseIdempotent drops. A
// claim older than stale, left by a request that never finished, is taken
// over. It reports false when the key holds an answer or a live claim; the
// caller then reads it with Idempotent.
func (s *Store) ClaimIdempotent(ctx context.Context, user int64, key, hash string, now time.Time, stale time.Duration) (bool, error) {
	claimed := false
	err := s.Tx(ctx, func(tx *Tx) error {
		res, err := tx.q.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash, status_code, body, created_at)
			VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT (user_id, key) DO NOTHING`, user, key, hash, ms(now))
		if err != nil {
			return fmt.Errorf("store: claim idempotency key: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			claimed = true
			return nil
		}
		res, err = tx.q.ExecContext(ctx, `UPDATE idempotency_keys SET request_hash = $1, created_at = $2
			WHERE user_id = $3 AND key = $4 AND status_code = 0 AND created_at < $5`, hash, ms(now), user, key, ms(now.Add(-stale)))
		if err != nil {
			return fmt.Errorf("store: take over idempotency key: %w", err)
		}
		n, _ := res.RowsAffected()
		claimed = n == 1
		return nil
	})
	return claimed, err
}

// FinishIdempotent completes a claim with the answer to keep.
func (s *Store) FinishIdempotent(ctx context.Context, user int64, key string, r IdempotentResult) error {
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `UPDATE idempotency_keys SET status_code = $1, body = $2 WHERE user_id = $3 AND key = $4`,
			r.Status, r.Body, user, key)
		if err != nil {
			return fmt.Errorf("store: keep idempotent answer: %w", err)
		}
		return nil
	})
}

// ReleaseIdempotent drops a claim whose request failed, so that a retry runs.
func (s *Store) ReleaseIdempotent(ctx context.Context, user int64, key string) error {
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status_code = 0`, user, key)
		if err != nil {
			return fmt.Errorf("store: release idempotency key: %w", err)
		}
		return nil
	})
}
