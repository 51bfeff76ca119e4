package cli

import (
	"context"
	"log/slog"

	"github.com/nivaran/nivaran/internal/api"
	"github.com/nivaran/nivaran/internal/config"
	"github.com/nivaran/nivaran/internal/service"
)

// startSMS starts the outbox dispatcher with the configured provider and
// returns a function that stops it.
func startSMS(ctx context.Context, cfg config.Config, svc *service.Service, srv *api.Server, log *slog.Logger) (func(), error) {
	return func() {}, nil
}
