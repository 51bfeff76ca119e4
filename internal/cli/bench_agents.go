package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
)

// benchAgents simulates a call-centre floor against a running server: N
// agents, each signed in as their own user, doing what agents do — screen
// pops when a call comes in, registrations, feedback calls (take the next
// item, talk, record the outcome) and follow-up calls to officers — with
// think times between steps, for a while or a number of operations, and
// reports each operation's latency. Traffic goes only to -url; -db is
// opened once, before the run, to add the bench's agent users (the API has
// no call for creating agents) with the demo agents' password.
func benchAgents(ctx context.Context, args []string, out io.Writer) int {
	fs := flag.NewFlagSet("bench agents", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "base URL of a running nivaran serve --demo (loopback)")
	db := fs.String("db", envOr("NIVARAN_DB", "./nivaran-data/nivaran.db"), "the server's database, to add the bench's agent users")
	agents := fs.Int("agents", 500, "simulated agents, each its own user")
	dur := fs.Duration("duration", time.Minute, "how long the floor works")
	maxOps := fs.Int("ops", 0, "stop after this many operations (0: no limit)")
	think := fs.Duration("think", 5*time.Second, "mean think time between an agent's steps (exponentially distributed)")
	seed := fs.Int("seed-reports", 200, "reported complaints to put in the feedback queue before the run")
	within := fs.Int("within-days", 60, "follow-up queue look-ahead the agents ask for (a fresh demo has nothing due within 3 days)")
	pass := fs.String("password", "nivaran-demo", "the demo password")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	u, err := url.Parse(*base)
	if err != nil || !loopback(u.Hostname()) {
		fmt.Fprintln(os.Stderr, "nivaran bench agents: -url must be a loopback address (127.0.0.1, ::1 or localhost)")
		return 2
	}
	b := &floorBench{base: strings.TrimRight(*base, "/"), pass: *pass, within: *within, think: *think,
		http:  &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: *agents * 2, MaxIdleConnsPerHost: *agents * 2}},
		stats: map[string]*opStats{}}
	if err := b.prepare(ctx, *db, *agents, *seed, out); err != nil {
		fmt.Fprintln(os.Stderr, "nivaran bench agents:", err)
		return 1
	}
	fmt.Fprintf(out, "floor: %d agents for %s (ops limit %d), mean think %s, against %s\n", *agents, *dur, *maxOps, *think, b.base)
	elapsed := b.run(ctx, *dur, int64(*maxOps))
	b.report(out, elapsed)
	return 0
}

func loopback(host string) bool {
	return host == "127.0.0.1" || host == "::1" || host == "localhost" || strings.HasPrefix(host, "127.")
}

// floorBench is the shared state of one bench run.
type floorBench struct {
	base   string
	pass   string
	within int
	think  time.Duration
	http   *http.Client

	tokens     []string
	cats       []int64
	areas      []int64
	mobileSeq  atomic.Int64
	ops        atomic.Int64
	callersMu  sync.Mutex
	callers    []string
	statsMu    sync.Mutex
	stats      map[string]*opStats
	registered atomic.Int64
}

type opStats struct {
	lat      []time.Duration
	errors   int
	empty    int // 204: nothing due
	conflict int // 409: the item changed meanwhile
	lastErr  string
}

func (b *floorBench) client(token string) *benchClient {
	return &benchClient{base: b.base, http: b.http, token: token}
}

// prepare adds and signs in the agents, loads the master data and puts
// reported complaints in the feedback queue.
func (b *floorBench) prepare(ctx context.Context, db string, n, seed int, out io.Writer) error {
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	names, err := addBenchAgents(ctx, st, n)
	st.Close()
	if err != nil {
		return err
	}
	start := time.Now()
	b.tokens = make([]string, n)
	var wg sync.WaitGroup
	errc := make(chan error, 4)
	next := atomic.Int64{}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				c := b.client("")
				if err := c.login(names[i], b.pass); err != nil {
					errc <- err
					return
				}
				b.tokens[i] = c.token
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return err
	}
	fmt.Fprintf(out, "signed in %d agents in %s\n", n, time.Since(start).Round(time.Millisecond))
	c := b.client(b.tokens[0])
	if b.cats, b.areas, err = c.masters(); err != nil {
		return err
	}
	b.mobileSeq.Store(int64(randN(1 << 24)))
	if seed > 0 {
		start = time.Now()
		got, err := b.seedReports(c, seed)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "seeded %d reported complaints in %s\n", got, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// addBenchAgents makes sure users bench.agent1..n exist, with the demo
// agents' password, and returns their names.
func addBenchAgents(ctx context.Context, st *store.Store, n int) ([]string, error) {
	_, hash, err := st.UserByUsername(ctx, "agent1")
	if err != nil {
		return nil, fmt.Errorf("the demo agent agent1 is missing (run the server with --demo): %w", err)
	}
	names := make([]string, n)
	now := time.Now()
	err = st.Tx(ctx, func(tx *store.Tx) error {
		for i := range names {
			names[i] = fmt.Sprintf("bench.agent%d", i+1)
			if _, _, err := tx.UserByUsername(ctx, names[i]); err == nil {
				continue
			}
			u := model.User{Username: names[i], Name: fmt.Sprintf("Bench Agent %d", i+1), Roles: []model.Role{model.RoleAgent}, Demo: true}
			if err := tx.InsertUser(ctx, &u, hash, now); err != nil {
				return err
			}
		}
		return nil
	})
	return names, err
}

// seedReports registers complaints where the accountable post is held and
// has its officers file reports, so that the feedback queue has work.
func (b *floorBench) seedReports(c *benchClient, n int) (int, error) {
	officers := map[string]*benchClient{}
	done := 0
	for try := 0; done < n && try < n*3; try++ {
		ref, post, err := b.register(c, b.cats[try%min(len(b.cats), 20)], b.areas[(try/20)%min(len(b.areas), 10)])
		if err != nil {
			return done, err
		}
		resp, body, err := c.do("GET", fmt.Sprintf("/api/v1/posts/%d", post), nil, nil)
		if err != nil || resp.StatusCode != 200 {
			continue
		}
		var p struct {
			Officer *struct{ Username string } `json:"officer"`
		}
		if json.Unmarshal(body, &p) != nil || p.Officer == nil {
			continue
		}
		oc, ok := officers[p.Officer.Username]
		if !ok {
			oc = b.client("")
			if err := oc.login(p.Officer.Username, b.pass); err != nil {
				return done, err
			}
			officers[p.Officer.Username] = oc
		}
		resp, body, err = oc.do("POST", "/api/v1/complaints/"+ref+"/report", map[string]any{"text": "बेंचमार्क आख्या: कार्यवाही पूर्ण " + ref}, nil)
		if err != nil {
			return done, err
		}
		if resp.StatusCode != 200 {
			return done, fmt.Errorf("report on %s: %s: %s", ref, resp.Status, body)
		}
		done++
	}
	return done, nil
}

// newMobile returns a caller's number no other registration of this run used.
func (b *floorBench) newMobile() string {
	return fmt.Sprintf("6%09d", b.mobileSeq.Add(1)%1_000_000_000)
}

func (b *floorBench) register(c *benchClient, cat, area int64) (ref string, post int64, err error) {
	mobile := b.newMobile()
	body := map[string]any{"channel": "phone", "category_id": cat, "area_id": area,
		"description": "कॉल सेंटर बेंचमार्क: गाँव में हैंडपंप खराब है, कृपया ठीक कराएँ।",
		"complainant": map[string]string{"name": "परीक्षण नागरिक", "mobile": mobile, "address": "पंचायत भवन के पास"}}
	resp, raw, err := c.do("POST", "/api/v1/complaints", body, nil)
	if err != nil {
		return "", 0, err
	}
	if resp.StatusCode != http.StatusCreated {
		return "", 0, fmt.Errorf("register: %s: %s", resp.Status, raw)
	}
	var v struct {
		Ref  string `json:"ref"`
		Post *struct {
			ID int64 `json:"id"`
		} `json:"accountable_post"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", 0, err
	}
	if v.Post != nil {
		post = v.Post.ID
	}
	return v.Ref, post, nil
}

// run works the floor until dur passes, maxOps operations were done (0: no
// limit) or ctx ends.
func (b *floorBench) run(ctx context.Context, dur time.Duration, maxOps int64) time.Duration {
	ctx, cancel := context.WithTimeout(ctx, dur)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i, tok := range b.tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := &simAgent{b: b, c: b.client(tok), id: i}
			a.work(ctx, maxOps)
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// simAgent is one simulated agent.
type simAgent struct {
	b  *floorBench
	c  *benchClient
	id int
}

// pause waits a think time drawn around mean; it reports false when the run
// is over.
func (a *simAgent) pause(ctx context.Context, mean time.Duration) bool {
	d := time.Duration(-math.Log(1-float64(randN(1_000_000))/1_000_000) * float64(mean))
	d = min(d, 10*mean)
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// work is an agent's shift: an inbound call (screen pop, then usually a
// registration) about half the time, otherwise an outbound feedback or
// follow-up call.
func (a *simAgent) work(ctx context.Context, maxOps int64) {
	// Agents log in over a few seconds, not all in the same millisecond.
	if !a.pause(ctx, a.b.think/2) {
		return
	}
	for ctx.Err() == nil {
		if maxOps > 0 && a.b.ops.Load() >= maxOps {
			return
		}
		switch r := randN(100); {
		case r < 55:
			a.inbound(ctx)
		case r < 80:
			a.outbound(ctx, "feedback")
		default:
			a.outbound(ctx, "followup")
		}
		if !a.pause(ctx, a.b.think) {
			return
		}
	}
}

func (a *simAgent) inbound(ctx context.Context) {
	b := a.b
	// Three callers in ten call again about an earlier complaint.
	mobile := ""
	b.callersMu.Lock()
	if len(b.callers) > 0 && randN(10) < 3 {
		mobile = b.callers[randN(len(b.callers))]
	}
	b.callersMu.Unlock()
	returning := mobile != ""
	if !returning {
		mobile = b.newMobile()
	}
	if _, _, ok := a.op("screen_pop", "GET", "/api/v1/callers/"+mobile, nil, 200); !ok || returning {
		return
	}
	if !a.pause(ctx, b.think) {
		return
	}
	body := map[string]any{"channel": "phone", "category_id": b.cats[randN(len(b.cats))], "area_id": b.areas[randN(len(b.areas))],
		"description": "कॉल सेंटर बेंचमार्क: मोहल्ले की नाली जाम है, पानी सड़क पर भर रहा है।",
		"complainant": map[string]string{"name": "परीक्षण नागरिक", "mobile": mobile, "address": "वार्ड 4"}}
	if _, _, ok := a.op("register", "POST", "/api/v1/complaints", body, http.StatusCreated); ok {
		b.registered.Add(1)
		b.callersMu.Lock()
		if len(b.callers) < 5000 {
			b.callers = append(b.callers, mobile)
		} else {
			b.callers[randN(len(b.callers))] = mobile
		}
		b.callersMu.Unlock()
	}
}

func (a *simAgent) outbound(ctx context.Context, queue string) {
	path := "/api/v1/feedback-queue/next"
	if queue == "followup" {
		path = fmt.Sprintf("/api/v1/followup-queue/next?within_days=%d", a.b.within)
	}
	status, raw, ok := a.op(queue+"_next", "POST", path, nil, 200)
	if !ok || status != 200 {
		return
	}
	var v struct {
		Ref string `json:"ref"`
	}
	if json.Unmarshal(raw, &v) != nil || v.Ref == "" {
		return
	}
	if !a.pause(ctx, a.b.think) {
		return
	}
	var body map[string]any
	var out string
	if queue == "feedback" {
		outcome := "satisfied"
		switch r := randN(100); {
		case r >= 80:
			outcome = "unreachable"
		case r >= 60:
			outcome = "not_satisfied"
		}
		body, out = map[string]any{"outcome": outcome, "remarks": "बेंचमार्क कॉल"}, "/feedback"
	} else {
		body = map[string]any{"outcome": "committed", "committed_date": time.Now().Add(48 * time.Hour).Format(time.DateOnly), "remarks": "दो दिन में"}
		switch r := randN(100); {
		case r >= 85:
			body = map[string]any{"outcome": "disputed", "remarks": "यह हमारे विभाग का विषय नहीं है"}
		case r >= 60:
			body = map[string]any{"outcome": "unreachable", "remarks": ""}
		}
		out = "/followups"
	}
	a.op(queue+"_outcome", "POST", "/api/v1/complaints/"+v.Ref+out, body, 200)
}

// op does one timed request; 204 counts as empty, 409 as a conflict, any
// other status than want as an error.
func (a *simAgent) op(name, method, path string, body any, want int) (int, []byte, bool) {
	a.b.ops.Add(1)
	start := time.Now()
	resp, raw, err := a.c.do(method, path, body, nil)
	took := time.Since(start)
	a.b.statsMu.Lock()
	defer a.b.statsMu.Unlock()
	s := a.b.stats[name]
	if s == nil {
		s = &opStats{}
		a.b.stats[name] = s
	}
	switch {
	case err != nil && errors.Is(err, context.Canceled):
		return 0, nil, false
	case err != nil:
		s.errors++
		s.lastErr = err.Error()
		return 0, nil, false
	}
	s.lat = append(s.lat, took)
	switch resp.StatusCode {
	case want:
		return want, raw, true
	case http.StatusNoContent:
		s.empty++
		return http.StatusNoContent, raw, true
	case http.StatusConflict:
		s.conflict++
		return resp.StatusCode, raw, false
	}
	s.errors++
	s.lastErr = fmt.Sprintf("%s: %.200s", resp.Status, raw)
	return resp.StatusCode, raw, false
}

func (b *floorBench) report(out io.Writer, elapsed time.Duration) {
	names := make([]string, 0, len(b.stats))
	total := 0
	for n, s := range b.stats {
		names = append(names, n)
		total += len(s.lat)
	}
	order := map[string]int{"screen_pop": 0, "register": 1, "feedback_next": 2, "feedback_outcome": 3, "followup_next": 4, "followup_outcome": 5}
	sort.Slice(names, func(i, j int) bool { return order[names[i]] < order[names[j]] })
	fmt.Fprintf(out, "  %d requests in %s (%.0f/s), %d complaints registered\n", total, elapsed.Round(time.Millisecond),
		float64(total)/elapsed.Seconds(), b.registered.Load())
	fmt.Fprintf(out, "  %-17s %8s %9s %9s %9s %7s %6s %8s\n", "operation", "count", "p50", "p99", "max", "errors", "204", "409")
	for _, n := range names {
		s := b.stats[n]
		fmt.Fprintf(out, "  %-17s %8d %9s %9s %9s %7d %6d %8d\n", n, len(s.lat), pct(s.lat, 50), pct(s.lat, 99), pct(s.lat, 100),
			s.errors, s.empty, s.conflict)
		if s.lastErr != "" {
			fmt.Fprintf(out, "    last error: %s\n", s.lastErr)
		}
	}
}
