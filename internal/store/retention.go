package store

import (
	"context"
	"fmt"
	"time"
)

// Purged counts the rows PurgeExpired deleted.
type Purged struct {
	Sessions, Codes, Keys int64
}

// codeKeep is how long a one-time code's row stays after it expired: longer
// than any request window the OTP throttle counts in.
const codeKeep = 24 * time.Hour

// PurgeExpired deletes rows that have outlived their use: sessions expired
// at now, one-time codes that expired (and whose request window began) more
// than a day before now, and idempotency keys kept before keysBefore, after
// which a retry is a new request. Complaints, events, messages and blocks are
// never purged.
func (s *Store) PurgeExpired(ctx context.Context, now, keysBefore time.Time) (Purged, error) {
	var p Purged
	err := s.Tx(ctx, func(tx *Tx) error {
		p = Purged{}
		for _, d := range []struct {
			n    *int64
			what string
			q    string
			arg  time.Time
		}{
			{&p.Sessions, "sessions", `DELETE FROM sessions WHERE expires_at <= $1`, now},
			{&p.Codes, "one-time codes", `DELETE FROM otp_codes WHERE expires_at < $1 AND window_start < $1`, now.Add(-codeKeep)},
			{&p.Keys, "idempotency keys", `DELETE FROM idempotency_keys WHERE created_at < $1`, keysBefore},
		} {
			res, err := tx.q.ExecContext(ctx, d.q, ms(d.arg))
			if err != nil {
				return fmt.Errorf("store: purge %s: %w", d.what, err)
			}
			*d.n, _ = res.RowsAffected()
		}
		return nil
	})
	return p, err
}
