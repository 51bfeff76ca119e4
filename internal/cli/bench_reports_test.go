package cli

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestBenchReportsSmall runs "nivaran bench reports" on a few thousand
// complaints on each database, keeps the SQLite one, and checks its counters
// with "nivaran check counters": clean, then after a counter is tampered
// with, then after --fix.
func TestBenchReportsSmall(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bench.db")
	var out bytes.Buffer
	if code := benchReports(ctx, []string{"--db", path, "--complaints", "3000", "--repeat", "2", "--rank-repeat", "1", "--keep"}, &out); code != 0 {
		t.Fatalf("bench reports exited %d:\n%s", code, out.String())
	}
	for _, want := range []string{"seeded 3000 complaints", "counters agree with a recount: true", "state, district × department",
		"USING COVERING INDEX complaints_open_due", "ranking of", "post "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	out.Reset()
	if code := check(ctx, []string{"counters", "--db", path}, &out); code != 0 || !strings.Contains(out.String(), "0 drifting counters") {
		t.Fatalf("check on a fresh seed exited %d:\n%s", code, out.String())
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var d, dept, post, level int64
	var bucket string
	err = db.QueryRow(`SELECT district_id, department_id, post_id, level, bucket FROM pendency_counts WHERE bucket = 'open' AND n > 0 LIMIT 1`).
		Scan(&d, &dept, &post, &level, &bucket)
	if err == nil {
		_, err = db.Exec(`UPDATE pendency_counts SET n = n + 3 WHERE district_id = $1 AND department_id = $2 AND post_id = $3 AND level = $4 AND bucket = $5`,
			d, dept, post, level, bucket)
	}
	var month int64
	var measure string
	if err == nil {
		err = db.QueryRow(`SELECT month, district_id, department_id, post_id, measure FROM report_tallies WHERE n > 0 LIMIT 1`).
			Scan(&month, &d, &dept, &post, &measure)
	}
	if err == nil {
		_, err = db.Exec(`DELETE FROM report_tallies WHERE month = $1 AND district_id = $2 AND department_id = $3 AND post_id = $4 AND measure = $5`,
			month, d, dept, post, measure)
	}
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := check(ctx, []string{"counters", "--db", path}, &out); code != 1 || !strings.Contains(out.String(), "2 drifting counters") ||
		!strings.Contains(out.String(), "drift pendency_counts") || !strings.Contains(out.String(), "drift report_tallies") {
		t.Fatalf("check after tampering exited %d:\n%s", code, out.String())
	}
	out.Reset()
	if code := check(ctx, []string{"counters", "--db", path, "--fix"}, &out); code != 0 || !strings.Contains(out.String(), "0 drifting now") {
		t.Fatalf("check --fix exited %d:\n%s", code, out.String())
	}

	if base := os.Getenv(storetest.EnvPostgres); base != "" {
		out.Reset()
		if code := benchReports(ctx, []string{"--db", base, "--complaints", "2000", "--repeat", "2", "--rank-repeat", "1"}, &out); code != 0 {
			t.Fatalf("bench reports on PostgreSQL exited %d:\n%s", code, out.String())
		}
		if !strings.Contains(out.String(), "counters agree with a recount: true") || !strings.Contains(out.String(), "complaints_open_due") {
			t.Errorf("PostgreSQL output:\n%s", out.String())
		}
	}
}

func TestWithDatabase(t *testing.T) {
	tests := map[string]string{
		"postgres://u@h:5432/postgres?sslmode=disable": "postgres://u@h:5432/x?sslmode=disable",
		"postgres://u@h/db":                            "postgres://u@h/x",
		"postgresql://h":                               "postgresql://h/x",
	}
	for in, want := range tests {
		if got, _ := rbWithDatabase(in, "x"); got != want {
			t.Errorf("rbWithDatabase(%q) = %q, want %q", in, got, want)
		}
	}
}
