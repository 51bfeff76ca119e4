package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/nivaran/nivaran/internal/clock"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

// check runs consistency checks: "nivaran check counters" recounts what the
// reports' change hook maintains and reports (and with --fix repairs) drift.
func check(ctx context.Context, args []string, out io.Writer) int {
	if len(args) == 0 || args[0] != "counters" {
		fmt.Fprintln(os.Stderr, "usage: nivaran check counters [--db …] [--fix]")
		return 2
	}
	fs := flag.NewFlagSet("check counters", flag.ContinueOnError)
	db := fs.String("db", envOr("NIVARAN_DB", "./nivaran-data/nivaran.db"), "database (SQLite path or postgres://…)")
	fix := fs.Bool("fix", false, "replace drifting counters by the recount")
	show := fs.Int("show", 50, "how many drifting counters to list")
	if err := fs.Parse(args[1:]); err != nil {
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
	svc := service.New(st, clock.Real{}, service.Config{}, nil)
	start := time.Now()
	res, err := svc.CheckCounters(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nivaran: check counters:", err)
		return 1
	}
	tables := make([]string, 0, len(res.Keys))
	for t := range res.Keys {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		fmt.Fprintf(out, "%-16s %8d counters compared\n", t, res.Keys[t])
	}
	for i, d := range res.Drift {
		if i == *show {
			fmt.Fprintf(out, "… and %d more\n", len(res.Drift)-*show)
			break
		}
		fmt.Fprintf(out, "drift %s %s: stored %d, recounted %d\n", d.Table, d.Key, d.Stored, d.Counted)
	}
	fmt.Fprintf(out, "%d drifting counters (checked in %s)\n", len(res.Drift), time.Since(start).Round(time.Millisecond))
	switch {
	case len(res.Drift) == 0:
		return 0
	case !*fix:
		return 1
	}
	if err := svc.FixCounters(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "nivaran: fix counters:", err)
		return 1
	}
	after, err := svc.CheckCounters(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nivaran: check counters:", err)
		return 1
	}
	fmt.Fprintf(out, "fixed: counters replaced by the recount; %d drifting now\n", len(after.Drift))
	if len(after.Drift) > 0 {
		return 1
	}
	return 0
}
