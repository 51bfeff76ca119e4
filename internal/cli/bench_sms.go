package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/outbox"
	"github.com/nivaran/nivaran/internal/sms"
	"github.com/nivaran/nivaran/internal/sms/smsctest"
	"github.com/nivaran/nivaran/internal/store"
)

// benchSMS measures the outbox end to end: it seeds a fresh database with
// queued messages — a citizen's registration SMS and an officer's
// assignment SMS per complaint, in Hindi, two UCS-2 parts each — and times
// the dispatcher sending them all over SMPP to an in-process fake SMSC,
// through the same claim, render, send and mark as serve.
func benchSMS(ctx context.Context, args []string, out io.Writer) int {
	fs := flag.NewFlagSet("bench sms", flag.ContinueOnError)
	n := fs.Int("n", 20000, "messages to queue and send")
	db := fs.String("db", "", "PostgreSQL server to bench on (postgres://…; a fresh database is created on it and dropped); default a fresh SQLite file")
	dispatchers := fs.Int("dispatchers", 1, "dispatchers, each with its own connection pool, as separate nodes would be")
	batch := fs.Int("batch", 100, "rows per claim")
	conc := fs.Int("concurrency", 8, "sends in flight per dispatcher")
	window := fs.Int("window", 16, "SMPP window: submit_sm awaiting a response per bind")
	keep := fs.Bool("keep", false, "keep the database")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := runBenchSMS(ctx, out, benchSMSOptions{N: *n, DB: *db, Dispatchers: *dispatchers, Batch: *batch,
		Concurrency: *conc, Window: *window, Keep: *keep}); err != nil {
		fmt.Fprintln(os.Stderr, "nivaran bench sms:", err)
		return 1
	}
	return 0
}

type benchSMSOptions struct {
	N, Dispatchers, Batch, Concurrency, Window int
	DB                                         string
	Keep                                       bool
}

func runBenchSMS(ctx context.Context, out io.Writer, o benchSMSOptions) error {
	if o.N < 1 || o.Dispatchers < 1 {
		return fmt.Errorf("-n and -dispatchers must be at least 1")
	}
	dsn, drop, err := freshDatabase(ctx, o.DB)
	if err != nil {
		return err
	}
	if !o.Keep {
		defer drop()
	} else {
		fmt.Fprintf(out, "database kept: %s\n", redact(dsn))
	}
	var nodes []*store.Store
	for range o.Dispatchers {
		st, err := store.Open(ctx, dsn)
		if err != nil {
			return err
		}
		defer st.Close()
		nodes = append(nodes, st)
	}
	if err := nodes[0].Migrate(ctx); err != nil {
		return err
	}
	seedStart := time.Now()
	if err := seedOutbox(ctx, nodes[0], o.N, time.Now().UTC()); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(out, "sms: %d messages queued in a fresh %s database in %s\n", o.N, nodes[0].Dialect(),
		time.Since(seedStart).Round(time.Millisecond))

	smsc, err := smsctest.Start(smsctest.Options{SystemID: "nivaran", Password: "bench"})
	if err != nil {
		return err
	}
	defer smsc.Close()
	reg, err := sms.NewRegistry(sms.SetDLT(sms.DefaultTemplates(), "1201160000000012345", map[string]string{
		model.TmplRegistered + "/hi": "1107160000000000001", model.TmplAssigned + "/hi": "1107160000000000002"}))
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	defer wg.Wait() // after stop, deferred below
	run, stop := context.WithCancel(ctx)
	defer stop()
	timing := &claimTiming{claimed: make(map[int64]time.Time, o.N)}
	now := func() time.Time { return time.Now().UTC() }
	for _, st := range nodes {
		p, err := sms.NewSMPP(sms.SMPPConfig{Addr: smsc.Addr(), SystemID: "nivaran", Password: "bench", Window: o.Window})
		if err != nil {
			return err
		}
		wg.Add(1)
		go func() { defer wg.Done(); _ = p.Run(run) }()
		for !p.Bound() {
			time.Sleep(5 * time.Millisecond)
		}
		d, err := outbox.New(timing.wrap(store.NewOutboxQueue(st)), reg, p, now, outbox.Options{
			BatchSize: o.Batch, Concurrency: o.Concurrency, PollInterval: 20 * time.Millisecond,
			Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			return err
		}
		wg.Add(1)
		go func() { defer wg.Done(); _ = d.Run(run) }()
	}
	start := time.Now()
	timing.start(start)
	for {
		counts, err := nodes[0].OutboxCounts(ctx)
		if err != nil {
			return err
		}
		if counts[store.OutboxSent] == o.N {
			break
		}
		if counts[store.OutboxPending] == 0 {
			failed, _ := nodes[0].OutboxMessages(ctx, store.OutboxMessageFilter{Status: store.OutboxFailed, Limit: 1})
			if len(failed) > 0 {
				return fmt.Errorf("outbox %v: not every message was sent; for example %s failed: %s", counts,
					failed[0].Template, failed[0].LastError)
			}
			return fmt.Errorf("outbox %v: not every message was sent", counts)
		}
		time.Sleep(10 * time.Millisecond)
	}
	elapsed := timing.last().Sub(start)
	stop()
	lat := timing.latencies()
	parts := len(smsc.Submits())
	fmt.Fprintf(out, "  sent %d messages (%d submit_sm, data coding 8) over SMPP in %s: %.0f messages/s\n",
		o.N, parts, elapsed.Round(time.Millisecond), float64(o.N)/elapsed.Seconds())
	fmt.Fprintf(out, "  claim-to-sent latency: p50 %s, p99 %s (%d dispatcher(s), batch %d, %d in flight each, window %d)\n",
		pct(lat, 50), pct(lat, 99), o.Dispatchers, o.Batch, o.Concurrency, o.Window)
	return nil
}

// freshDatabase creates an empty database: an SQLite file in a temporary
// folder, or a new database on the PostgreSQL server of base. drop removes it.
func freshDatabase(ctx context.Context, base string) (dsn string, drop func(), err error) {
	if base == "" {
		dir, err := os.MkdirTemp("", "nivaran-bench-sms-")
		if err != nil {
			return "", nil, err
		}
		return filepath.Join(dir, "bench.db"), func() { os.RemoveAll(dir) }, nil
	}
	if !strings.HasPrefix(base, "postgres://") && !strings.HasPrefix(base, "postgresql://") {
		return "", nil, fmt.Errorf("--db takes a postgres:// URL; leave it out for SQLite")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "nivaran_bench_sms_" + hex.EncodeToString(b[:])
	admin, err := store.Open(ctx, base)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close()
	if _, err := admin.WriterDB().ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), func() {
		if admin, err := store.Open(context.Background(), base); err == nil {
			_, _ = admin.WriterDB().ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			admin.Close()
		}
	}, nil
}

// seedOutbox queues n messages due at now: for each complaint, the citizen's
// registration SMS and the officer's assignment SMS, in Hindi.
func seedOutbox(ctx context.Context, st *store.Store, n int, now time.Time) error {
	cols := []string{"mobile", "template", "language", "vars", "dedupe_key", "status", "next_at", "created_at"}
	const chunk = 2000
	for done := 0; done < n; {
		k := min(chunk, n-done)
		rows := make([][]any, 0, k)
		for i := done; i < done+k; i++ {
			ref := fmt.Sprintf("1076%010d", 2600000000+i/2)
			vars := map[string]string{"ref": ref, "department": "राजस्व विभाग", "due_date": now.AddDate(0, 0, 15).Format("02-01-2006")}
			tmpl := model.TmplRegistered
			if i%2 == 1 {
				tmpl = model.TmplAssigned
				vars = map[string]string{"ref": ref, "category": "खतौनी में नाम की त्रुटि", "place": "सदर, लखनऊ",
					"due_date": vars["due_date"], "link": "https://igrs.up.in/c/" + ref}
			}
			b, _ := json.Marshal(vars)
			rows = append(rows, []any{fmt.Sprintf("9%09d", i), tmpl, "hi", string(b), fmt.Sprintf("bench:%d", i),
				store.OutboxPending, now.UnixMilli(), now.UnixMilli()})
		}
		if err := st.Tx(ctx, func(tx *store.Tx) error { return tx.InsertRows(ctx, "outbox", cols, rows) }); err != nil {
			return err
		}
		done += k
	}
	return nil
}

// claimTiming wraps queues to time each row from its claim to its mark.
type claimTiming struct {
	mu      sync.Mutex
	t0      time.Time
	claimed map[int64]time.Time
	lat     []time.Duration
	lastAt  time.Time
}

func (c *claimTiming) start(t time.Time) {
	c.mu.Lock()
	c.t0 = t
	c.mu.Unlock()
}

func (c *claimTiming) last() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastAt
}

func (c *claimTiming) latencies() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.lat...)
}

func (c *claimTiming) wrap(q *store.OutboxQueue) outbox.Queue {
	return &timedQueue{OutboxQueue: q, t: c}
}

type timedQueue struct {
	*store.OutboxQueue
	t *claimTiming
}

func (q *timedQueue) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]outbox.Row, error) {
	rows, err := q.OutboxQueue.Claim(ctx, now, limit, lease)
	at := time.Now()
	q.t.mu.Lock()
	for _, r := range rows {
		q.t.claimed[r.ID] = at
	}
	q.t.mu.Unlock()
	return rows, err
}

func (q *timedQueue) MarkSent(ctx context.Context, id, token int64, provider, providerID string, now time.Time) error {
	err := q.OutboxQueue.MarkSent(ctx, id, token, provider, providerID, now)
	if err == nil {
		at := time.Now()
		q.t.mu.Lock()
		q.t.lat = append(q.t.lat, at.Sub(q.t.claimed[id]))
		q.t.lastAt = at
		q.t.mu.Unlock()
	}
	return err
}
