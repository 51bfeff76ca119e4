package cli

import (
	"log/slog"

	"github.com/nivaran/nivaran/internal/api"
	"github.com/nivaran/nivaran/internal/config"
	"github.com/nivaran/nivaran/internal/service"
)

// mountUI adds the web pages beside the API on srv's router.
func mountUI(srv *api.Server, svc *service.Service, cfg config.Config, log *slog.Logger) {}
