package cli

import (
	"bytes"
	"context"
	"crypto/rand"
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
	raw, err := rawInsertRate(ctx, st, *conc, min(*dur, 10*time.Second))
	if err != nil {
		fmt.Fprintln(os.Stderr, "nivaran bench: raw insert:", err)
		return 1
	}
	fmt.Fprintf(out, "  raw single-row transactions on the same %s database (1 KB row, 3 indexes, %d clients): %.0f tx/s\n",
		st.Dialect(), rawClients(st, *conc), raw)
	fmt.Fprintf(out, "intake: %d clients for %s against %s (%d complaint types, %d villages)\n", *conc, *dur, c.base, len(cats), len(areas))
	lat, errs, elapsed := c.run(ctx, *conc, *dur, cats, areas)
	rate := float64(len(lat)) / elapsed.Seconds()
	fmt.Fprintf(out, "  registered %d complaints in %s: %.0f complaints/s, p50 %s, p99 %s, errors %d\n",
		len(lat), elapsed.Round(time.Millisecond), rate, pct(lat, 50), pct(lat, 99), errs)

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

// run registers complaints from conc clients for dur.
func (c *benchClient) run(ctx context.Context, conc int, dur time.Duration, cats, areas []int64) ([]time.Duration, int64, time.Duration) {
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
				resp, _, err := c.do("POST", "/api/v1/complaints", body, nil)
				if err != nil || resp.StatusCode != http.StatusCreated {
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

// rawInsertRate measures single-row insert transactions of a 1 KB row into a
// table with three indexes, through database/sql on the store's writer pool.
func rawInsertRate(ctx context.Context, st *store.Store, conc int, dur time.Duration) (float64, error) {
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
			return 0, err
		}
	}
	defer db.ExecContext(context.Background(), `DROP TABLE IF EXISTS bench_raw`)
	payload := strings.Repeat("x", 1000)
	var n atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(dur)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < rawClients(st, conc); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				id := n.Add(1)
				tx, err := db.BeginTx(ctx, nil)
				if err == nil {
					_, err = tx.ExecContext(ctx, `INSERT INTO bench_raw (id, a, b, c, payload) VALUES ($1, $2, $3, $4, $5)`,
						id, id%1000, fmt.Sprintf("k%08d", id), time.Now().UnixNano(), payload)
					if err == nil {
						err = tx.Commit()
					} else {
						_ = tx.Rollback()
					}
				}
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if e := firstErr.Load(); e != nil {
		return 0, e.(error)
	}
	return float64(n.Load()) / time.Since(start).Seconds(), nil
}
