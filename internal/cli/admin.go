package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/nivaran/nivaran/internal/demo"
	"github.com/nivaran/nivaran/internal/store"
)

// seed migrates a database and loads the Uttar Pradesh demo into it, as
// serve --demo does at start, without serving: to prepare a training or
// test database ahead of time.
func seed(ctx context.Context, args []string, out io.Writer) int {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	db := fs.String("db", envOr("NIVARAN_DB", "./nivaran-data/nivaran.db"), "database (SQLite path or postgres://…)")
	password := fs.String("demo-password", envOr("NIVARAN_DEMO_PASSWORD", "nivaran-demo"), "password of every demo user")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if len(*password) < 8 {
		fmt.Fprintln(os.Stderr, "nivaran seed: --demo-password must have at least 8 characters")
		return 2
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nivaran seed:", err)
		return 1
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "nivaran seed:", err)
		return 1
	}
	start := time.Now()
	s, err := demo.Load(ctx, st, *password, time.Now())
	if err != nil {
		fmt.Fprintln(os.Stderr, "nivaran seed:", err)
		return 1
	}
	if !s.Loaded {
		fmt.Fprintf(out, "the demo is already in %s; nothing changed\n", redact(*db))
		return 0
	}
	fmt.Fprintf(out, "demo loaded into %s in %s: %d areas, %d departments, %d complaint types, %d posts, %d officers, %d demo logins\n",
		redact(*db), time.Since(start).Round(time.Millisecond), s.Areas, s.Departments, s.Categories, s.Posts, s.Officers, len(s.Logins))
	return 0
}

// backup writes a consistent copy of the database while it is in use: on
// SQLite a compacted copy of the file (VACUUM INTO), on PostgreSQL a pg_dump
// archive in its custom format (restore with pg_restore). It never
// overwrites an existing file.
func backup(ctx context.Context, args []string, out io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	db := fs.String("db", envOr("NIVARAN_DB", "./nivaran-data/nivaran.db"), "database (SQLite path or postgres://…)")
	to := fs.String("out", "", "file to write (default: nivaran-YYYYMMDD-HHMMSS.db or .dump in the current folder)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nivaran backup:", err)
		return 1
	}
	defer st.Close()
	if ok, err := st.Current(ctx); err != nil || !ok {
		fmt.Fprintf(os.Stderr, "nivaran backup: %s is not a nivaran database at the current schema (run nivaran migrate first): %v\n", redact(*db), err)
		return 1
	}
	file := *to
	if file == "" {
		ext := ".db"
		if st.Dialect() == store.Postgres {
			ext = ".dump"
		}
		file = "nivaran-" + time.Now().Format("20060102-150405") + ext
	}
	if _, err := os.Stat(file); err == nil {
		fmt.Fprintf(os.Stderr, "nivaran backup: %s exists; choose another --out\n", file)
		return 1
	}
	start := time.Now()
	if st.Dialect() == store.SQLite {
		_, err = st.WriterDB().ExecContext(ctx, `VACUUM INTO ?`, file)
	} else {
		err = pgDump(ctx, *db, file)
	}
	if err != nil {
		os.Remove(file)
		fmt.Fprintln(os.Stderr, "nivaran backup:", err)
		return 1
	}
	fi, err := os.Stat(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nivaran backup:", err)
		return 1
	}
	fmt.Fprintf(out, "backup of %s written to %s: %.1f MB in %s\n", redact(*db), file, float64(fi.Size())/1e6, time.Since(start).Round(time.Millisecond))
	return 0
}

// pgDump runs pg_dump, which must be on PATH (Debian: postgresql-client).
func pgDump(ctx context.Context, dsn, file string) error {
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return errors.New("pg_dump is not installed (Debian: apt-get install postgresql-client); it is how a PostgreSQL database is backed up")
	}
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--no-owner", "--file="+file, "--dbname="+dsn)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_dump: %w", err)
	}
	return nil
}
