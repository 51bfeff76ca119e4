package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/nivaran/nivaran/internal/service"
)

// purgeEvery is how often serve deletes expired sessions, codes and kept
// idempotent answers.
const purgeEvery = time.Hour

// runPurge calls PurgeExpired at start and every period until ctx ends.
func runPurge(ctx context.Context, svc *service.Service, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		p, err := svc.PurgeExpired(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.WarnContext(ctx, "purging expired rows failed", "err", err)
		case err == nil && p.Sessions+p.Codes+p.Keys > 0:
			log.InfoContext(ctx, "expired rows purged", "sessions", p.Sessions, "codes", p.Codes, "idempotency_keys", p.Keys)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
