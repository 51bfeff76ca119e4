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

// TestUnusableEnvironmentIsRefused: a value that cannot be parsed, or a
// secret file that cannot be read, stops the start with a message naming
// the variable, instead of starting on the default (an empty local
// database, cookies without Secure).
func TestUnusableEnvironmentIsRefused(t *testing.T) {
	t.Setenv("NIVARAN_DB_FILE", filepath.Join(t.TempDir(), "missing"))
	t.Setenv("NIVARAN_SECURE_COOKIES", "yes")
	t.Setenv("NIVARAN_MONTHLY_LIMIT", "ten")
	t.Setenv("NIVARAN_CALL_LEASE", "5 minutes")
	t.Setenv("NIVARAN_SMS_RATE", "fast")
	_, err := parse(t)
	if err == nil {
		t.Fatal("started on unusable settings")
	}
	for _, want := range []string{"NIVARAN_DB_FILE", `NIVARAN_SECURE_COOKIES="yes" is not true or false`,
		`NIVARAN_MONTHLY_LIMIT="ten" is not a whole number`, "NIVARAN_CALL_LEASE", `NIVARAN_SMS_RATE="fast"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	// The problems were reported once; a correct environment then starts.
	for _, k := range []string{"NIVARAN_DB_FILE", "NIVARAN_SECURE_COOKIES", "NIVARAN_MONTHLY_LIMIT", "NIVARAN_CALL_LEASE", "NIVARAN_SMS_RATE"} {
		os.Unsetenv(k)
	}
	if _, err := parse(t); err != nil {
		t.Fatalf("after fixing the environment: %v", err)
	}
}
