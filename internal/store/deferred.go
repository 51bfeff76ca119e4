package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/nivaran/nivaran/internal/report"
)

// Deferred writes. Every complaint change appends events, queues SMS in the
// outbox, moves the report counters (pendency, its roll-up, the monthly
// tallies) and logs the agent's action. Nothing reads those rows inside the
// transaction that writes them, so a transaction collects them and writes
// them once, just before it commits: events and messages in multi-row
// inserts, counters added up per key, in a fixed key order so that two
// transactions on PostgreSQL never wait on each other's counter rows in
// opposite orders. A group-committed batch (group.go) thus writes all its
// registrations' events, messages and counters in a handful of statements
// instead of several per registration.
type deferred struct {
	events  [][]any // complaint_events rows, eventCols
	outbox  [][]any // outbox rows, outboxInsertCols
	pend    []report.PendencyDelta
	tallies []report.TallyDelta
	ops     []OpsAction
}

// txMark is how much a transaction had queued at a point, so that a grouped
// item rolled back to its savepoint also drops what it queued.
// It also says whether the transaction had reserved a reference block: one
// reserved after the mark is rolled back with the savepoint, and the pool
// that hands it out is dropped.
type txMark struct {
	after, events, outbox, pend, tallies, ops int
	refReserved                               bool
}

func (tx *Tx) mark() txMark {
	return txMark{after: len(tx.after), events: len(tx.d.events), outbox: len(tx.d.outbox), pend: len(tx.d.pend),
		tallies: len(tx.d.tallies), ops: len(tx.d.ops), refReserved: tx.refReserved}
}

func (tx *Tx) restore(m txMark) {
	tx.after, tx.d.events, tx.d.outbox = tx.after[:m.after], tx.d.events[:m.events], tx.d.outbox[:m.outbox]
	tx.d.pend, tx.d.tallies, tx.d.ops = tx.d.pend[:m.pend], tx.d.tallies[:m.tallies], tx.d.ops[:m.ops]
	if tx.refReserved && !m.refReserved {
		tx.refs.drop()
		tx.refReserved = false
	}
}

// AddPendency queues a complaint change's counter deltas for pendency_counts
// and its district × department roll-up; they are written at commit.
func (tx *Tx) AddPendency(_ context.Context, deltas []report.PendencyDelta) error {
	tx.d.pend = append(tx.d.pend, deltas...)
	return nil
}

// AddTallies queues a complaint change's monthly tallies; they are written at
// commit.
func (tx *Tx) AddTallies(_ context.Context, deltas []report.TallyDelta) error {
	tx.d.tallies = append(tx.d.tallies, deltas...)
	return nil
}

// InsertOpsAction logs an agent's action; it is written at commit.
func (tx *Tx) InsertOpsAction(_ context.Context, a OpsAction) error {
	tx.d.ops = append(tx.d.ops, a)
	return nil
}

// flush writes what the transaction queued.
func (tx *Tx) flush(ctx context.Context) error {
	if len(tx.d.events) > 0 {
		if err := tx.writeRows(ctx, "complaint_events", eventCols, tx.d.events, ""); err != nil {
			return fmt.Errorf("store: events: %w", err)
		}
	}
	if len(tx.d.outbox) > 0 {
		if err := tx.writeRows(ctx, "outbox", outboxInsertCols, tx.d.outbox, " ON CONFLICT (dedupe_key) DO NOTHING"); err != nil {
			return fmt.Errorf("store: queue messages: %w", err)
		}
	}
	pend := sumPendency(tx.d.pend)
	if len(pend) > 0 {
		rows := make([][]any, len(pend))
		for i, d := range pend {
			rows[i] = []any{d.Key.DistrictID, d.Key.DepartmentID, d.Key.PostID, d.Key.Level, d.Key.Bucket, d.N}
		}
		if err := tx.writeRows(ctx, "pendency_counts", pendencyCols, rows,
			` ON CONFLICT (district_id, department_id, post_id, level, bucket) DO UPDATE SET n = pendency_counts.n + excluded.n`); err != nil {
			return fmt.Errorf("store: pendency counters: %w", err)
		}
		wide := report.WideDeltas(pend)
		slices.SortFunc(wide, func(a, b report.Wide) int {
			return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Group2, b.Group2))
		})
		rows = make([][]any, len(wide))
		for i, w := range wide {
			r := []any{w.Group, w.Group2}
			for _, c := range w.Columns() {
				r = append(r, *c)
			}
			rows[i] = r
		}
		if err := tx.writeRows(ctx, "pendency_rollup", rollupCols, rows, rollupConflict); err != nil {
			return fmt.Errorf("store: pendency roll-up: %w", err)
		}
	}
	if tallies := sumTallies(tx.d.tallies); len(tallies) > 0 {
		rows := make([][]any, len(tallies))
		for i, d := range tallies {
			k := d.Key
			rows[i] = []any{k.Month, k.DistrictID, k.DepartmentID, k.PostID, string(k.Measure), d.N}
		}
		if err := tx.writeRows(ctx, "report_tallies", tallyCols, rows,
			` ON CONFLICT (month, district_id, department_id, post_id, measure) DO UPDATE SET n = report_tallies.n + excluded.n`); err != nil {
			return fmt.Errorf("store: tallies: %w", err)
		}
	}
	if len(tx.d.ops) > 0 {
		rows := make([][]any, len(tx.d.ops))
		for i, a := range tx.d.ops {
			var handling any
			if a.Handling != nil {
				handling = a.Handling.Milliseconds()
			}
			rows[i] = []any{ms(a.At), a.Kind, idArg(&a.UserID), a.ComplaintID, a.Outcome, handling}
		}
		if err := tx.writeRows(ctx, "ops_actions", opsCols, rows, ""); err != nil {
			return fmt.Errorf("store: log actions: %w", err)
		}
	}
	tx.d = deferred{}
	return nil
}

var (
	pendencyCols = []string{"district_id", "department_id", "post_id", "level", "bucket", "n"}
	tallyCols    = []string{"month", "district_id", "department_id", "post_id", "measure", "n"}
	opsCols      = []string{"at", "kind", "user_id", "complaint_id", "outcome", "handling_ms"}
	rollupCols   = append([]string{"district_id", "department_id"}, report.WideColumns...)
)

// rollupConflict adds a row of differences to a pair's roll-up row.
var rollupConflict = func() string {
	var set []string
	for _, c := range report.WideColumns {
		set = append(set, c+" = pendency_rollup."+c+" + excluded."+c)
	}
	return ` ON CONFLICT (district_id, department_id) DO UPDATE SET ` + strings.Join(set, ", ")
}()

// sumPendency adds up deltas per counter, drops those that cancel out, and
// orders the rest by key. (One statement may not touch a row twice on
// PostgreSQL, so each key must appear once.)
func sumPendency(ds []report.PendencyDelta) []report.PendencyDelta {
	return sumByKey(ds, func(d report.PendencyDelta) (report.PendencyKey, int64) { return d.Key, d.N },
		func(k report.PendencyKey, n int64) report.PendencyDelta { return report.PendencyDelta{Key: k, N: n} },
		report.PendencyKey.Compare)
}

// sumTallies is sumPendency for the monthly tallies.
func sumTallies(ds []report.TallyDelta) []report.TallyDelta {
	return sumByKey(ds, func(d report.TallyDelta) (report.TallyKey, int64) { return d.Key, d.N },
		func(k report.TallyKey, n int64) report.TallyDelta { return report.TallyDelta{Key: k, N: n} },
		report.TallyKey.Compare)
}

func sumByKey[K comparable, D any](ds []D, split func(D) (K, int64), join func(K, int64) D, compare func(K, K) int) []D {
	if len(ds) == 0 {
		return nil
	}
	sum := make(map[K]int64, len(ds))
	for _, d := range ds {
		k, n := split(d)
		sum[k] += n
	}
	keys := make([]K, 0, len(sum))
	for k, n := range sum {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, compare)
	out := make([]D, len(keys))
	for i, k := range keys {
		out[i] = join(k, sum[k])
	}
	return out
}
