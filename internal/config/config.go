// Package config is nivaran's one typed configuration: flags with NIVARAN_*
// environment equivalents (a flag given on the command line wins), secrets
// optionally read from files (*_FILE), validated once at start.
package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config is everything serve needs.
type Config struct {
	Addr          string
	DB            string
	Demo          bool
	DemoPassword  string
	FakeClock     bool
	FakeClockAt   string
	LogFormat     string
	LogLevel      string
	EscalateEvery time.Duration
	MonthlyLimit  int
	PublicURL     string
	DataDir       string
	SecureCookies bool
	DebugAddr     string
	// CallLease is how long a queue item taken by an agent stays theirs.
	CallLease time.Duration
	// VerificationPerDistrict is how many of each district's closures of a
	// day are called again.
	VerificationPerDistrict int
	SMS                     SMSConfig
}

// DefaultDB is the SQLite file used when --db is not given.
const DefaultDB = "./nivaran-data/nivaran.db"

// Bind registers the serve flags on fs, with defaults from the environment.
func Bind(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.Addr, "addr", env("NIVARAN_ADDR", "127.0.0.1:8080"), "listen address")
	fs.StringVar(&c.DB, "db", envFile("NIVARAN_DB", DefaultDB), "database: an SQLite file path, or postgres://… (env NIVARAN_DB or NIVARAN_DB_FILE)")
	fs.BoolVar(&c.Demo, "demo", envBool("NIVARAN_DEMO", false), "load the Uttar Pradesh demo data and demo users")
	fs.StringVar(&c.DemoPassword, "demo-password", envFile("NIVARAN_DEMO_PASSWORD", "nivaran-demo"), "password of every demo user")
	fs.BoolVar(&c.FakeClock, "fake-clock", envBool("NIVARAN_FAKE_CLOCK", false), "use a clock moved by POST /api/v1/dev/clock (tests, training)")
	fs.StringVar(&c.FakeClockAt, "fake-clock-start", env("NIVARAN_FAKE_CLOCK_START", ""), "RFC 3339 start time of the fake clock (default: now)")
	fs.StringVar(&c.LogFormat, "log-format", env("NIVARAN_LOG_FORMAT", "text"), "log format: text or json")
	fs.StringVar(&c.LogLevel, "log-level", env("NIVARAN_LOG_LEVEL", "info"), "log level: debug, info, warn, error")
	fs.DurationVar(&c.EscalateEvery, "escalate-every", envDuration("NIVARAN_ESCALATE_EVERY", time.Minute), "how often the escalation sweep runs")
	fs.IntVar(&c.MonthlyLimit, "monthly-limit", envInt("NIVARAN_MONTHLY_LIMIT", 10), "complaints one mobile may file per calendar month")
	fs.StringVar(&c.PublicURL, "public-url", env("NIVARAN_PUBLIC_URL", ""), "base URL used in links (default http://ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", env("NIVARAN_DATA_DIR", "./nivaran-data"), "folder for attachments")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", envBool("NIVARAN_SECURE_COOKIES", false), "mark session cookies Secure (serve behind HTTPS)")
	fs.StringVar(&c.DebugAddr, "debug-addr", env("NIVARAN_DEBUG_ADDR", ""), "serve Go's pprof profiles on this address (keep it private; off when empty)")
	fs.DurationVar(&c.CallLease, "call-lease", envDuration("NIVARAN_CALL_LEASE", 5*time.Minute), "how long a feedback or follow-up call taken by an agent stays theirs")
	fs.IntVar(&c.VerificationPerDistrict, "verification-per-district", envInt("NIVARAN_VERIFICATION_PER_DISTRICT", 5), "closed complaints per district called again each day")
	bindSMS(fs, &c.SMS)
}

// Validate checks the configuration once, with messages a person can act on.
func (c *Config) Validate() error {
	errs := takeEnvProblems()
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format must be text or json, not %q", c.LogFormat))
	}
	if c.EscalateEvery < time.Second {
		errs = append(errs, fmt.Errorf("--escalate-every must be at least 1s"))
	}
	if c.CallLease < 30*time.Second {
		errs = append(errs, fmt.Errorf("--call-lease must be at least 30s"))
	}
	if c.VerificationPerDistrict < 0 {
		errs = append(errs, fmt.Errorf("--verification-per-district cannot be negative"))
	}
	if c.MonthlyLimit < 1 {
		errs = append(errs, fmt.Errorf("--monthly-limit must be at least 1"))
	}
	if c.Demo && len(c.DemoPassword) < 8 {
		errs = append(errs, fmt.Errorf("--demo-password must have at least 8 characters"))
	}
	if c.FakeClockAt != "" {
		if _, err := time.Parse(time.RFC3339, c.FakeClockAt); err != nil {
			errs = append(errs, fmt.Errorf("--fake-clock-start: %v", err))
		}
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.Addr
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	return errors.Join(errs...)
}

func env(k, def string) string {
	if v, ok := os.LookupEnv(k); ok {
		return v
	}
	return def
}

// envProblems collects environment values that could not be used, so that
// Validate refuses to start on them instead of falling back to a default
// (a misspelt NIVARAN_DB would otherwise open an empty local database).
var envProblems struct {
	mu   sync.Mutex
	errs []error
}

func envProblem(err error) {
	envProblems.mu.Lock()
	envProblems.errs = append(envProblems.errs, err)
	envProblems.mu.Unlock()
}

// takeEnvProblems returns the problems found since the last call.
func takeEnvProblems() []error {
	envProblems.mu.Lock()
	defer envProblems.mu.Unlock()
	errs := envProblems.errs
	envProblems.errs = nil
	return errs
}

// envFile reads k, or the file named by k_FILE (for secrets).
func envFile(k, def string) string {
	if f, ok := os.LookupEnv(k + "_FILE"); ok {
		b, err := os.ReadFile(f)
		if err != nil {
			envProblem(fmt.Errorf("%s_FILE: %v", k, err))
			return def
		}
		return strings.TrimSpace(string(b))
	}
	return env(k, def)
}

// envParse reads k with parse; a value it cannot parse is a problem.
func envParse[T any](k string, def T, what string, parse func(string) (T, error)) T {
	v, ok := os.LookupEnv(k)
	if !ok {
		return def
	}
	x, err := parse(v)
	if err != nil {
		envProblem(fmt.Errorf("%s=%q is not %s", k, v, what))
		return def
	}
	return x
}

func envBool(k string, def bool) bool {
	return envParse(k, def, "true or false", strconv.ParseBool)
}

func envInt(k string, def int) int {
	return envParse(k, def, "a whole number", strconv.Atoi)
}

func envDuration(k string, def time.Duration) time.Duration {
	return envParse(k, def, "a duration such as 90s or 5m", time.ParseDuration)
}
