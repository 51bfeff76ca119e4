package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func parse(t *testing.T, args ...string) (Config, error) {
	t.Helper()
	var c Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	Bind(fs, &c)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return c, c.Validate()
}

func TestDefaults(t *testing.T) {
	c, err := parse(t)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DB != DefaultDB || c.DemoPassword != "nivaran-demo" || c.MonthlyLimit != 10 ||
		c.EscalateEvery != time.Minute || c.PublicURL != "http://127.0.0.1:8080" || c.CallLease != 5*time.Minute {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestEnvironmentAndFlags(t *testing.T) {
	t.Setenv("NIVARAN_MONTHLY_LIMIT", "7")
	t.Setenv("NIVARAN_ESCALATE_EVERY", "30s")
	secret := filepath.Join(t.TempDir(), "db")
	if err := os.WriteFile(secret, []byte("postgres://u:p@db/n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NIVARAN_DB_FILE", secret)
	c, err := parse(t, "--monthly-limit", "12")
	if err != nil {
		t.Fatal(err)
	}
	if c.MonthlyLimit != 12 {
		t.Fatalf("a flag must win over the environment: %d", c.MonthlyLimit)
	}
	if c.EscalateEvery != 30*time.Second || c.DB != "postgres://u:p@db/n" {
		t.Fatalf("environment not read: %v %q", c.EscalateEvery, c.DB)
	}
}

func TestValidate(t *testing.T) {
	cases := map[string][]string{
		"log-format":       {"--log-format", "xml"},
		"escalate-every":   {"--escalate-every", "10ms"},
		"monthly-limit":    {"--monthly-limit", "0"},
		"demo-password":    {"--demo", "--demo-password", "short"},
		"fake-clock-start": {"--fake-clock-start", "tomorrow"},
		"call-lease":       {"--call-lease", "5s"},
	}
	for want, args := range cases {
		_, err := parse(t, args...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: error %v, want one naming --%s", args, err, want)
		}
	}
}
