package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/nivaran/nivaran/internal/api"
	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/clock"
	"github.com/nivaran/nivaran/internal/config"
	"github.com/nivaran/nivaran/internal/demo"
	"github.com/nivaran/nivaran/internal/escalator"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

func serve(ctx context.Context, args []string, out io.Writer) int {
	var cfg config.Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	config.Bind(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(os.Stderr, "nivaran: invalid configuration:\n", err)
		return 2
	}
	log := newLogger(cfg.LogFormat, cfg.LogLevel, os.Stderr)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, log, out); err != nil {
		log.Error("nivaran stopped", "err", err)
		return 1
	}
	return 0
}

// run serves until ctx ends.
func run(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer) error {
	started := time.Now()
	var clk clock.Clock = clock.Real{}
	var fake *clock.Fake
	if cfg.FakeClock {
		start := time.Now()
		if cfg.FakeClockAt != "" {
			start, _ = time.Parse(time.RFC3339, cfg.FakeClockAt)
		}
		fake = clock.NewFake(start)
		clk = fake
	}
	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	// Areas stored before the search key last changed are found by it too.
	if err := st.Tx(ctx, func(tx *store.Tx) error {
		n, err := tx.RefreshAreaSearch(ctx)
		if n > 0 {
			log.Info("area search text refreshed", "areas", n)
		}
		return err
	}); err != nil {
		return err
	}
	policy := workflow.DefaultPolicy()
	policy.MonthlyLimit = cfg.MonthlyLimit
	svc := service.New(st, clk, service.Config{Policy: policy, PublicURL: cfg.PublicURL, SessionClock: clock.Real{}}, log)
	svc.SetBlobs(service.DirBlobs{Dir: filepath.Join(cfg.DataDir, "attachments")})

	var summary demo.Summary
	if cfg.Demo {
		summary, err = demo.Load(ctx, st, cfg.DemoPassword, clk.Now())
		if err != nil {
			return err
		}
	}
	// The deadline reminders sweep after the escalations, so that a reminder
	// goes to the level the clock reached.
	svc.SetCallCentre(service.CallCentreConfig{Lease: cfg.CallLease})
	srv := api.New(svc, log, api.Options{FakeClock: fake, SecureCookies: cfg.SecureCookies,
		Sweep: func(ctx context.Context) error {
			if _, err := svc.Sweep(ctx); err != nil {
				return err
			}
			_, err := svc.SweepReminders(ctx)
			return err
		}})

	registerStoreMetrics(srv.Registry(), st)
	mountUI(srv, svc, cfg, log)
	stopSMS, err := startSMS(ctx, cfg, svc, srv, log)
	if err != nil {
		return err
	}
	defer stopSMS()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}

	workers, cancelWorkers := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	if !cfg.FakeClock {
		// With a fake clock the sweep runs when the clock is moved, so that a
		// test sees exactly the escalations of the time it set.
		esc := escalator.New(svc, cfg.EscalateEvery, log)
		wg.Add(1)
		go func() { defer wg.Done(); _ = esc.Run(workers) }()
		wg.Add(1)
		go func() { defer wg.Done(); _ = svc.RunReminders(workers, cfg.EscalateEvery) }()
	}
	startAnalyzer(workers, st, analyzeEvery, log, func(fn func()) {
		wg.Add(1)
		go func() { defer wg.Done(); fn() }()
	})
	wg.Add(1)
	go func() { defer wg.Done(); runPurge(workers, svc, purgeEvery, log) }()
	// The daily verification sample, on the service's clock.
	verifier := report.NewVerifier(svc, 15*time.Minute, cfg.VerificationPerDistrict, nil, log)
	wg.Add(1)
	go func() { defer wg.Done(); _ = verifier.Run(workers) }()

	url := "http://" + ln.Addr().String()
	fmt.Fprintf(out, "nivaran %s serving at %s (database: %s, %s)\n", Version, url, redact(cfg.DB), st.Dialect())
	if cfg.Demo {
		printDemo(out, url, summary, cfg.DemoPassword, demoPasswordHolds(ctx, st, summary, cfg.DemoPassword))
	}
	fmt.Fprintf(out, "ready in %s\n", time.Since(started).Round(time.Millisecond))

	if cfg.DebugAddr != "" {
		go servePprof(cfg.DebugAddr, log)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			cancelWorkers()
			return err
		}
	}
	log.Info("shutting down")
	shut, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = hs.Shutdown(shut)
	cancelWorkers()
	wg.Wait()
	return err
}

// demoPasswordHolds reports whether the demo users sign in with the password
// given: not when the demo was loaded before with another (loading again
// changes nothing).
func demoPasswordHolds(ctx context.Context, st *store.Store, s demo.Summary, given string) bool {
	if s.Loaded || len(s.Logins) == 0 {
		return true
	}
	_, hash, err := st.UserByUsername(ctx, s.Logins[0].Username)
	if err != nil {
		return true
	}
	ok, _ := auth.CheckPassword(hash, given)
	return ok
}

func printDemo(out io.Writer, url string, s demo.Summary, password string, holds bool) {
	fmt.Fprintf(out, "\nDemo Uttar Pradesh: %d areas, %d departments, %d complaint types, %d posts, %d officers.\n",
		s.Areas, s.Departments, s.Categories, s.Posts, s.Officers)
	shown := password
	if !holds {
		shown = "PASSWORD"
		fmt.Fprintf(out, "Demo logins (password for all: the one given when this database was first loaded; --demo-password %q does not change it):\n", password)
	} else {
		fmt.Fprintf(out, "Demo logins (password for all: %s):\n", password)
	}
	for _, l := range s.Logins {
		fmt.Fprintf(out, "  %-28s %s\n", l.Username, l.Role)
	}
	fmt.Fprintf(out, "Sign in: POST %s/api/v1/auth/login {\"username\":\"agent1\",\"password\":\"%s\"}\n\n", url, shown)
}
