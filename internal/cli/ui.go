package cli

import (
	"log/slog"

	"github.com/nivaran/nivaran/internal/api"
	"github.com/nivaran/nivaran/internal/config"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/ui"
)

// mountUI adds the web pages beside the API on srv's router.
func mountUI(srv *api.Server, svc *service.Service, cfg config.Config, log *slog.Logger) {
	opt := ui.Options{Log: log, DataDir: cfg.DataDir, SecureCookies: cfg.SecureCookies}
	if cfg.Demo {
		opt.DemoPassword = cfg.DemoPassword
	}
	ui.Mount(srv.Mux(), svc, opt)
}
