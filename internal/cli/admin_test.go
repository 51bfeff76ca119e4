package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestSeedThenBackup: seed loads the demo into a fresh database once (a
// second seed changes nothing); backup then writes a copy holding the same
// data, and refuses to overwrite a file. On PostgreSQL the copy is a pg_dump
// archive, read back with pg_restore --list.
func TestSeedThenBackup(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.NewDSN(t, d)
			var out bytes.Buffer
			if code := seed(ctx, []string{"--db", dsn, "--demo-password", "seed-pass-1"}, &out); code != 0 || !strings.Contains(out.String(), "demo loaded") {
				t.Fatalf("seed exited %d: %s", code, out.String())
			}
			out.Reset()
			if code := seed(ctx, []string{"--db", dsn}, &out); code != 0 || !strings.Contains(out.String(), "nothing changed") {
				t.Fatalf("second seed exited %d: %s", code, out.String())
			}
			count := func(dsn string) int {
				t.Helper()
				st, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				var n int
				if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM posts`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			posts := count(dsn)
			if posts < 1000 {
				t.Fatalf("%d posts after seed; want the demo's", posts)
			}
			file := filepath.Join(t.TempDir(), "copy")
			out.Reset()
			if code := backup(ctx, []string{"--db", dsn, "--out", file}, &out); code != 0 || !strings.Contains(out.String(), "written to "+file) {
				t.Fatalf("backup exited %d: %s", code, out.String())
			}
			if code := backup(ctx, []string{"--db", dsn, "--out", file}, &out); code != 1 {
				t.Fatalf("backup over an existing file exited %d; want 1", code)
			}
			if d == store.SQLite {
				if got := count(file); got != posts {
					t.Fatalf("the copy holds %d posts; want %d", got, posts)
				}
				return
			}
			list, err := exec.Command("pg_restore", "--list", file).Output()
			if err != nil {
				t.Fatalf("pg_restore --list: %v", err)
			}
			if !strings.Contains(string(list), "TABLE DATA public posts") {
				t.Fatalf("the archive lists no posts data:\n%.500s", list)
			}
			if fi, err := os.Stat(file); err != nil || fi.Size() < 100_000 {
				t.Fatalf("archive %v (%v); want the demo's data", fi, err)
			}
		})
	}
}
