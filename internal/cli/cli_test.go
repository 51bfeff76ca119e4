package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

func TestMigrateCommand(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.NewDSN(t, d)
			var out bytes.Buffer
			if code := migrate(context.Background(), []string{"--db", dsn}, &out); code != 0 {
				t.Fatalf("migrate exited %d", code)
			}
			st, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			latest, _ := st.LatestVersion()
			if !strings.Contains(out.String(), "schema version "+itoa(latest)) {
				t.Fatalf("migrate said %q, want version %d", out.String(), latest)
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestRunUsage(t *testing.T) {
	if code := Run(nil); code != 2 {
		t.Fatalf("no arguments: exit %d, want 2", code)
	}
	if code := Run([]string{"no-such-command"}); code != 2 {
		t.Fatalf("unknown command: exit %d, want 2", code)
	}
	if code := Run([]string{"version"}); code != 0 {
		t.Fatalf("version: exit %d", code)
	}
}

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"postgres://nivaran:secret@db:5432/n": "postgres://nivaran:***@db:5432/n",
		"postgres://postgres@127.0.0.1/n":     "postgres://postgres@127.0.0.1/n",
		filepath.Join("data", "n.db"):         filepath.Join("data", "n.db"),
	}
	for in, want := range cases {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestServeRefusesBadConfiguration(t *testing.T) {
	var out bytes.Buffer
	if code := serve(context.Background(), []string{"--log-format", "xml"}, &out); code != 2 {
		t.Fatalf("bad log format: exit %d, want 2", code)
	}
	if code := serve(context.Background(), []string{"--monthly-limit", "0"}, &out); code != 2 {
		t.Fatalf("zero monthly limit: exit %d, want 2", code)
	}
}
