// Package cli parses nivaran's subcommands and wires the program together:
// open the store, migrate, build the services, start the workers and the HTTP
// server, and shut down in order (HTTP first, then workers) on a signal.
package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/nivaran/nivaran/internal/store"
)

// Version is set at build time with -ldflags "-X …cli.Version=…".
var Version = "dev"

const usage = `nivaran — public grievance redressal (निवारण)

Usage:
  nivaran serve   [flags]   run the server (--demo for the Uttar Pradesh demo)
  nivaran migrate [--db …]  apply database migrations and exit
  nivaran seed    [--db …]  migrate and load the Uttar Pradesh demo, without serving
  nivaran backup  [--db …] [--out FILE]
                            write a consistent copy of the database while it runs
  nivaran check   counters  recount the pendency counters (--fix repairs drift)
  nivaran bench   intake|…  measure performance against a running server
  nivaran version           print the version

Run "nivaran serve -h" for the server's flags.
`

// Run runs the command line and returns the process exit code.
func Run(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return 2
	}
	ctx := context.Background()
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], os.Stdout)
	case "migrate":
		return migrate(ctx, args[1:], os.Stdout)
	case "check":
		return check(ctx, args[1:], os.Stdout)
	case "seed":
		return seed(ctx, args[1:], os.Stdout)
	case "backup":
		return backup(ctx, args[1:], os.Stdout)
	case "bench":
		return bench(ctx, args[1:], os.Stdout)
	case "version", "--version", "-v":
		fmt.Println(versionString())
		return 0
	case "help", "-h", "--help":
		fmt.Print(usage)
		return 0
	}
	fmt.Fprintf(os.Stderr, "nivaran: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func versionString() string {
	v := Version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
		return "nivaran " + v + " " + bi.GoVersion
	}
	return "nivaran " + v
}

func migrate(ctx context.Context, args []string, out io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	db := fs.String("db", envOr("NIVARAN_DB", "./nivaran-data/nivaran.db"), "database (SQLite path or postgres://…)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nivaran:", err)
		return 1
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "nivaran:", err)
		return 1
	}
	v, _ := st.SchemaVersion(ctx)
	fmt.Fprintf(out, "database %s at schema version %d\n", redact(*db), v)
	return 0
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// redact hides a password in a DSN for printing.
func redact(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if at := strings.LastIndex(dsn, "@"); at > i {
			cred := dsn[i+3 : at]
			if c := strings.IndexByte(cred, ':'); c >= 0 {
				return dsn[:i+3] + cred[:c] + ":***" + dsn[at:]
			}
		}
	}
	return dsn
}

func newLogger(format, level string, w io.Writer) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
