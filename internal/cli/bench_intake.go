package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nivaran/nivaran/internal/store"
)

// benchIntake measures the raw single-row-transaction insert rate of the
// server's database while the server is idle, then registers complaints over
// HTTP against it for a while, and prints both and their ratio.
func benchIntake(ctx context.Context, args []string, out io.Writer) int {
	fs := flag.NewFlagSet("bench intake", flag.ContinueOnError)
	url := fs.String("url", "http://127.0.0.1:8080", "base URL of a running nivaran serve --demo")
	db := fs.String("db", envOr("NIVARAN_DB", "./nivaran-data/nivaran.db"), "the server's database, for the raw insert rate")
	conc := fs.Int("concurrency", 32, "concurrent clients")
	dur := fs.Duration("duration", 20*time.Second, "how long to register complaints")
	user := fs.String("user", "agent1", "agent username")
	pass := fs.String("password", "nivaran-demo", "agent password")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	c := &benchClient{base: strings.TrimRight(*url, "/"), http: &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2}}}
	if err := c.login(*user, *pass); err != nil {
		fmt.Fprintln(os.Stderr, "nivaran bench:", err)
		return 1
	}
	cats, areas, err := c.masters()
	if err != nil {
		fmt.Fprintln(os.Stderr, "nivaran bench:", err)
		return 1
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nivaran bench:", err)
		return 1
	}
	defer st.Close()
	raw, batched, err := rawInsertRates(ctx, st, *conc, min(*dur, 10*time.Second))
	if err != nil {
		fmt.Fprintln(os.Stderr, "nivaran bench: raw insert:", err)
		return 1
	}
	fmt.Fprintf(out, "  raw single-row transactions on the same %s database (1 KB row, 3 indexes, %d clients): %.0f tx/s\n",
		st.Dialect(), rawClients(st, *conc), raw)
	fmt.Fprintf(out, "  raw batched inserts on the same database (1 KB rows, 3 indexes, %d a statement, %d clients): %.0f rows/s\n",
		batchRows, batchClients(st), batched)
	var floor float64
	if lat, errs, elapsed := c.run(ctx, *conc, min(*dur, 5*time.Second), cats, areas, http.StatusUnauthorized); len(lat) > 0 {
		floor = float64(len(lat)) / elapsed.Seconds()
		fmt.Fprintf(out, "  the same requests without the token, answered 401 before any database work (%d clients): %.0f requests/s, errors %d\n",
			*conc, floor, errs)
	}
	before, err := appendedRows(ctx, st)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nivaran bench:", err)
		return 1
	}
	fmt.Fprintf(out, "intake: %d clients for %s against %s (%d complaint types, %d villages)\n", *conc, *dur, c.base, len(cats), len(areas))
	lat, errs, elapsed := c.run(ctx, *conc, *dur, cats, areas, http.StatusCreated)
	rate := float64(len(lat)) / elapsed.Seconds()
	fmt.Fprintf(out, "  registered %d complaints in %s: %.0f complaints/s, p50 %s, p99 %s, errors %d\n",
		len(lat), elapsed.Round(time.Millisecond), rate, pct(lat, 50), pct(lat, 99), errs)
	if after, err := appendedRows(ctx, st); err == nil && after[0] > before[0] {
		// What one registration inserts, and what inserting only that many
		// rows, batched, would allow: the ceiling no design that writes
		// these rows can pass on this database and machine.
		n := float64(after[0] - before[0])
		per := make([]float64, len(after))
		total := 0.0
		for i := range after {
			per[i] = float64(after[i]-before[i]) / n
			total += per[i]
		}
		fmt.Fprintf(out, "  rows inserted a registration: %.1f (complaint %.1f, events %.1f, outbox %.1f, action log %.1f), besides the counters it updates\n",
			total, per[0], per[1], per[2], per[3])
		fmt.Fprintf(out, "  those rows alone, inserted batched, allow at most %.0f registrations/s: %.2f of the raw rate\n",
			batched/total, batched/total/raw)
		if floor > 0 {
			// The HTTP exchange and the batched rows share the machine's
			// cores, so their costs per registration add.
			both := 1 / (1/floor + total/batched)
			fmt.Fprintf(out, "  the HTTP exchange and those rows together allow at most %.0f registrations/s: %.2f of the raw rate\n",
				both, both/raw)
		}
	}
	fmt.Fprintf(out, "  ratio intake/raw: %.2f\n", rate/raw)
	return 0
}

type benchClient struct {
	base  string
	http  *http.Client
	token string
}

func (c *benchClient) do(method, path string, body any, hdr map[string]string) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func (c *benchClient) login(user, pass string) error {
	resp, b, err := c.do("POST", "/api/v1/auth/login", map[string]string{"username": user, "password": pass}, nil)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("login as %s: %s: %s", user, resp.Status, b)
	}
	var v struct{ Token string }
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	c.token = v.Token
	return nil
}

func (c *benchClient) ids(path string) ([]int64, error) {
	var out []int64
	cursor := ""
	for {
		p := path
		if cursor != "" {
			p += "&cursor=" + cursor
		}
		resp, b, err := c.do("GET", p, nil, nil)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != 200 {
			return nil, fmt.Errorf("GET %s: %s", p, resp.Status)
		}
		var v struct {
			Items      []struct{ ID int64 } `json:"items"`
			NextCursor *string              `json:"next_cursor"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, err
		}
		for _, it := range v.Items {
			out = append(out, it.ID)
		}
		if v.NextCursor == nil || len(out) >= 5000 {
			return out, nil
		}
		cursor = *v.NextCursor
	}
}

func (c *benchClient) masters() (cats, areas []int64, err error) {
	if cats, err = c.ids("/api/v1/categories?limit=500"); err != nil {
		return nil, nil, err
	}
	if areas, err = c.ids("/api/v1/areas?kind=village&limit=500"); err != nil {
		return nil, nil, err
	}
	if len(cats) == 0 || len(areas) == 0 {
		return nil, nil, fmt.Errorf("the server has no categories or villages: run it with --demo")
	}
	return cats, areas, nil
}

func randN(n int) int {
	v, _ := rand.Int(rand.Reader, big.NewInt(int64(n)))
	return int(v.Int64())
}

// run registers complaints from conc clients for dur. With want set to 401 it
// sends the same requests without the token instead: what the HTTP exchange
// alone costs on this machine, a floor under every registration.
func (c *benchClient) run(ctx context.Context, conc int, dur time.Duration, cats, areas []int64, want int) ([]time.Duration, int64, time.Duration) {
	cl := c
	if want == http.StatusUnauthorized {
		cl = &benchClient{base: c.base, http: c.http}
	}
	var mu sync.Mutex
	var all []time.Duration
	var errs atomic.Int64
	var seq atomic.Int64
	seq.Store(int64(randN(1 << 20)))
	start := time.Now()
	deadline := start.Add(dur)
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(deadline) && ctx.Err() == nil {
				n := seq.Add(1)
				body := map[string]any{"channel": "phone", "category_id": cats[randN(len(cats))], "area_id": areas[randN(len(areas))],
					"description": "बेंचमार्क शिकायत: सड़क पर पानी भरा है, कृपया कार्यवाही करें। Benchmark complaint " + fmt.Sprint(n),
					"complainant": map[string]string{"name": "परीक्षण नागरिक", "mobile": fmt.Sprintf("7%09d", n%1_000_000_000), "address": "ग्राम पंचायत भवन के पास"}}
				t := time.Now()
				resp, _, err := cl.do("POST", "/api/v1/complaints", body, nil)
				if err != nil || resp.StatusCode != want {
					errs.Add(1)
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return all, errs.Load(), time.Since(start)
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[(len(s)-1)*p/100].Round(10 * time.Microsecond)
}

func rawClients(st *store.Store, conc int) int {
	if st.Dialect() == store.SQLite {
		return 1 // one writer connection, as the server uses
	}
	return conc
}

// batchRows is how many rows one statement of the batched raw measurement
// inserts.
const batchRows = 100

// batchClients is how many connections insert batches: the server's
// group-commit runners.
func batchClients(st *store.Store) int {
	if st.Dialect() == store.SQLite {
		return 1
	}
	return 4
}

// rawInsertRates measures, into a table of 1 KB rows with three indexes,
// through database/sql on the store's writer pool: single-row insert
// transactions (tx/s), then transactions of one batchRows-row insert (rows/s),
// each for dur.
func rawInsertRates(ctx context.Context, st *store.Store, conc int, dur time.Duration) (single, batched float64, err error) {
	db := st.WriterDB()
	stmts := []string{
		`DROP TABLE IF EXISTS bench_raw`,
		`CREATE TABLE bench_raw (id BIGINT PRIMARY KEY, a BIGINT NOT NULL, b TEXT NOT NULL, c BIGINT NOT NULL, payload TEXT NOT NULL)`,
		`CREATE INDEX bench_raw_a ON bench_raw(a)`,
		`CREATE INDEX bench_raw_b ON bench_raw(b)`,
		`CREATE INDEX bench_raw_c ON bench_raw(c)`,
	}
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return 0, 0, err
		}
	}
	defer db.ExecContext(context.Background(), `DROP TABLE IF EXISTS bench_raw`)
	payload := strings.Repeat("x", 1000)
	var next atomic.Int64
	row := func() []any {
		id := next.Add(1)
		return []any{id, id % 1000, fmt.Sprintf("k%08d", id), time.Now().UnixNano(), payload}
	}
	single, err = insertFor(ctx, db, rawClients(st, conc), dur, 1, row)
	if err != nil {
		return 0, 0, err
	}
	batched, err = insertFor(ctx, db, batchClients(st), dur/2, batchRows, row)
	return single, batched, err
}

// insertFor inserts rows per transaction, in one statement, from clients
// connections for dur, and returns the rows inserted a second.
func insertFor(ctx context.Context, db *sql.DB, clients int, dur time.Duration, rows int, row func() []any) (float64, error) {
	var q strings.Builder
	q.WriteString(`INSERT INTO bench_raw (id, a, b, c, payload) VALUES `)
	for i := 0; i < rows; i++ {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d)", 5*i+1, 5*i+2, 5*i+3, 5*i+4, 5*i+5)
	}
	var n atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(dur)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := make([]any, 0, 5*rows)
			for time.Now().Before(deadline) {
				args = args[:0]
				for i := 0; i < rows; i++ {
					args = append(args, row()...)
				}
				tx, err := db.BeginTx(ctx, nil)
				if err == nil {
					if _, err = tx.ExecContext(ctx, q.String(), args...); err == nil {
						err = tx.Commit()
					} else {
						_ = tx.Rollback()
					}
				}
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				n.Add(int64(rows))
			}
		}()
	}
	wg.Wait()
	if e := firstErr.Load(); e != nil {
		return 0, e.(error)
	}
	return float64(n.Load()) / time.Since(start).Seconds(), nil
}

// appendedRows reads the highest id of the tables a registration inserts
// into: complaints, complaint_events, outbox, ops_actions.
func appendedRows(ctx context.Context, st *store.Store) ([]int64, error) {
	out := make([]int64, 0, 4)
	for _, t := range []string{"complaints", "complaint_events", "outbox", "ops_actions"} {
		var id int64
		if err := st.DB().QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+t).Scan(&id); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		out = append(out, id)
	}
	return out, nil
}
