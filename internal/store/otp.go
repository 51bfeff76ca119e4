package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// OTPCode is the one-time code last issued to a mobile number. There is one
// row per mobile: a new code replaces the last, so only the latest code
// signs in, and the row also carries the mobile's request window for the
// rate limit.
type OTPCode struct {
	Mobile     string
	CodeHash   string // salt and hash, as the service encodes them; never the code
	Client     string // the address that asked for it
	CreatedAt  time.Time
	ExpiresAt  time.Time
	WrongTries int
	UsedAt     *time.Time
}

// IssueOTP stores code for its mobile, replacing the last one, and queues
// msg — the SMS that carries it — in the same transaction, marked sensitive
// so that its variables are wiped once it is sent. It issues nothing and
// reports false when the mobile has had perMobile codes in the window that
// began with the first of them (a fixed window of length window): the upsert
// decides, on the mobile's one row, so two requests at once cannot both
// slip under the limit.
func (tx *Tx) IssueOTP(ctx context.Context, code OTPCode, msg OutboxRow, window time.Duration, perMobile int) (bool, error) {
	res, err := tx.q.ExecContext(ctx, `INSERT INTO otp_codes (mobile, code_hash, client, created_at, expires_at, wrong_tries,
		used_at, window_start, window_count) VALUES ($1, $2, $3, $4, $5, 0, NULL, $4, 1)
		ON CONFLICT (mobile) DO UPDATE SET code_hash = excluded.code_hash, client = excluded.client,
		created_at = excluded.created_at, expires_at = excluded.expires_at, wrong_tries = 0, used_at = NULL,
		window_start = CASE WHEN otp_codes.window_start <= $6 THEN excluded.created_at ELSE otp_codes.window_start END,
		window_count = CASE WHEN otp_codes.window_start <= $6 THEN 1 ELSE otp_codes.window_count + 1 END
		WHERE otp_codes.window_start <= $6 OR otp_codes.window_count < $7`,
		code.Mobile, code.CodeHash, code.Client, ms(code.CreatedAt), ms(code.ExpiresAt), ms(code.CreatedAt.Add(-window)), perMobile)
	if err != nil {
		return false, fmt.Errorf("store: issue one-time code: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	vars, err := json.Marshal(msg.Vars)
	if err != nil {
		return false, err
	}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO outbox (mobile, template, language, vars, dedupe_key, status, next_at,
		created_at, sensitive) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, TRUE)`,
		msg.Mobile, msg.Template, msg.Language, string(vars), msg.DedupeKey, ms(msg.NextAt), ms(msg.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("store: queue one-time code: %w", err)
	}
	return true, nil
}

// OTPWindow returns when the mobile's current request window began, for
// telling a refused caller when to try again.
func (c *conn) OTPWindow(ctx context.Context, mobile string) (time.Time, error) {
	var start int64
	err := c.q.QueryRowContext(ctx, `SELECT window_start FROM otp_codes WHERE mobile = $1`, mobile).Scan(&start)
	if err != nil {
		return time.Time{}, notFound(err, "one-time code of "+mobile)
	}
	return fromMS(start), nil
}

// OTPsFromClient counts the mobiles whose latest code client asked for
// since since (index otp_codes_client).
func (c *conn) OTPsFromClient(ctx context.Context, client string, since time.Time) (int, error) {
	var n int
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM otp_codes WHERE client = $1 AND created_at > $2`, client, ms(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: one-time codes from client: %w", err)
	}
	return n, nil
}

// OTP loads the code last issued to mobile.
func (c *conn) OTP(ctx context.Context, mobile string) (OTPCode, error) {
	var o OTPCode
	var created, expires int64
	var used sql.NullInt64
	err := c.q.QueryRowContext(ctx, `SELECT mobile, code_hash, client, created_at, expires_at, wrong_tries, used_at
		FROM otp_codes WHERE mobile = $1`, mobile).Scan(&o.Mobile, &o.CodeHash, &o.Client, &created, &expires, &o.WrongTries, &used)
	if err != nil {
		return o, notFound(err, "one-time code of "+mobile)
	}
	o.CreatedAt, o.ExpiresAt, o.UsedAt = fromMS(created), fromMS(expires), fromNullMS(used)
	return o, nil
}

// UseOTP spends the code whose hash is codeHash, if it is still live: not
// used, not expired at now, fewer than maxTries wrong tries. Only one of
// two requests racing with the right code gets true.
func (tx *Tx) UseOTP(ctx context.Context, mobile, codeHash string, maxTries int, now time.Time) (bool, error) {
	res, err := tx.q.ExecContext(ctx, `UPDATE otp_codes SET used_at = $1 WHERE mobile = $2 AND code_hash = $3
		AND used_at IS NULL AND wrong_tries < $4 AND expires_at > $1`, ms(now), mobile, codeHash, maxTries)
	if err != nil {
		return false, fmt.Errorf("store: use one-time code: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FailOTP counts a wrong try against the code whose hash is codeHash and
// returns the wrong tries it has now (0 when that code is no longer the
// mobile's, or is used).
func (tx *Tx) FailOTP(ctx context.Context, mobile, codeHash string) (int, error) {
	var n int
	err := tx.q.QueryRowContext(ctx, `UPDATE otp_codes SET wrong_tries = wrong_tries + 1
		WHERE mobile = $1 AND code_hash = $2 AND used_at IS NULL RETURNING wrong_tries`, mobile, codeHash).Scan(&n)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: count wrong one-time code: %w", err)
	}
	return n, nil
}
