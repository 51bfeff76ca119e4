package service

import (
	"context"
	"time"

	"github.com/nivaran/nivaran/internal/store"
)

// IdempotencyKeep is how long a kept answer to an Idempotency-Key stays: a
// client retrying later than this makes a new request.
const IdempotencyKeep = 7 * 24 * time.Hour

// PurgeExpired deletes sessions, one-time codes and idempotency keys that
// have outlived their use. Sessions and codes are timed by the session clock,
// as they were issued; kept answers by the service's clock.
func (s *Service) PurgeExpired(ctx context.Context) (store.Purged, error) {
	return s.st.PurgeExpired(ctx, s.cfg.SessionClock.Now(), s.clock.Now().Add(-IdempotencyKeep))
}
