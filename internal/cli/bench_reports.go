package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/clock"
	"github.com/nivaran/nivaran/internal/demo"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/refno"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// benchReports seeds a fresh database with complaints spread over the demo
// state and a year, with the histories the workflow would have written, sets
// the counters by a recount, and measures the pendency and ranking reports.
func benchReports(ctx context.Context, args []string, out io.Writer) int {
	fs := flag.NewFlagSet("bench reports", flag.ContinueOnError)
	db := fs.String("db", "", "database: an SQLite file that does not exist yet (default: one in a temporary folder), or postgres://… (a fresh database is created on that server and dropped afterwards)")
	n := fs.Int("complaints", 1_000_000, "complaints to seed")
	months := fs.Int("months", 12, "months the complaints are spread over, up to now")
	repeat := fs.Int("repeat", 50, "calls per pendency measurement")
	rankRepeat := fs.Int("rank-repeat", 10, "computations per ranking measurement")
	seed := fs.Uint64("seed", 1076, "random seed of the data")
	keep := fs.Bool("keep", false, "keep the database")
	measureOnly := fs.Bool("measure-only", false, "measure a database seeded before (by --keep) without seeding it again")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	o := benchReportsOptions{complaints: *n, months: *months, repeat: *repeat, rankRepeat: *rankRepeat, seed: *seed}
	if *measureOnly {
		if *db == "" {
			fmt.Fprintln(os.Stderr, "nivaran bench reports: --measure-only needs --db")
			return 2
		}
		if err := measureReports(ctx, *db, o, time.Now().UTC().Truncate(time.Second), out); err != nil {
			fmt.Fprintln(os.Stderr, "nivaran bench reports:", err)
			return 1
		}
		return 0
	}
	if *n < 1 || *months < 1 || *repeat < 1 || *rankRepeat < 1 {
		fmt.Fprintln(os.Stderr, "nivaran bench reports: --complaints, --months, --repeat and --rank-repeat must be positive")
		return 2
	}
	dsn, cleanup, err := rbFreshDatabase(ctx, *db, *keep)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nivaran bench reports:", err)
		return 1
	}
	defer cleanup()
	if err := runBenchReports(ctx, dsn, o, out); err != nil {
		fmt.Fprintln(os.Stderr, "nivaran bench reports:", err)
		return 1
	}
	if *keep {
		fmt.Fprintf(out, "database kept: %s\n", redact(dsn))
	}
	return 0
}

type benchReportsOptions struct {
	complaints, months, repeat, rankRepeat int
	seed                                   uint64
}

// rbFreshDatabase makes an empty database: a new SQLite file, or a new
// PostgreSQL database on the server of a postgres:// DSN.
func rbFreshDatabase(ctx context.Context, dsn string, keep bool) (string, func(), error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			return "", nil, err
		}
		name := fmt.Sprintf("nivaran_bench_%d", time.Now().UnixNano())
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			admin.Close()
			return "", nil, fmt.Errorf("create database: %w", err)
		}
		fresh, err := rbWithDatabase(dsn, name)
		if err != nil {
			admin.Close()
			return "", nil, err
		}
		return fresh, func() {
			if !keep {
				_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			}
			admin.Close()
		}, nil
	}
	if dsn == "" {
		dir, err := os.MkdirTemp("", "nivaran-bench-")
		if err != nil {
			return "", nil, err
		}
		return filepath.Join(dir, "reports.db"), func() {
			if !keep {
				os.RemoveAll(dir)
			}
		}, nil
	}
	if _, err := os.Stat(dsn); err == nil {
		return "", nil, fmt.Errorf("%s exists: the benchmark seeds a fresh database", dsn)
	}
	return dsn, func() {}, nil
}

// rbWithDatabase replaces the database name in a postgres:// DSN.
func rbWithDatabase(dsn, name string) (string, error) {
	i := strings.Index(dsn, "://")
	rest := dsn[i+3:]
	slash := strings.IndexByte(rest, '/')
	query := ""
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		query = rest[q:]
		if slash > q {
			slash = -1
		}
		rest = rest[:q]
	}
	if slash >= 0 {
		rest = rest[:slash]
	}
	return dsn[:i+3] + rest + "/" + name + query, nil
}

func runBenchReports(ctx context.Context, dsn string, o benchReportsOptions, out io.Writer) error {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Second)
	clk := clock.NewFake(now)
	if _, err := demo.Load(ctx, st, "nivaran-bench", now); err != nil {
		return err
	}
	svc := service.New(st, clk, service.Config{}, nil)
	fmt.Fprintf(out, "bench reports: %d complaints over %d months on %s (%s)\n", o.complaints, o.months, st.Dialect(), redact(dsn))

	start := time.Now()
	seeded, err := rbSeed(ctx, st, svc, o, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  seeded %d complaints, %d events, %d reports in %s\n", seeded.complaints, seeded.events, seeded.reports,
		time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(out, "  statuses now: %s\n", seeded.statusLine())

	t := time.Now()
	if err := svc.FixCounters(ctx); err != nil {
		return fmt.Errorf("recount: %w", err)
	}
	fmt.Fprintf(out, "  counters set by a recount (pendency from complaints, tallies replayed from events) in %s\n", time.Since(t).Round(time.Millisecond))
	t = time.Now()
	if err := st.Analyze(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "  analyze: %s\n", time.Since(t).Round(time.Millisecond))
	// Measure as a server started on this database would: new connections
	// and empty caches.
	st.Close()
	return measureReports(ctx, dsn, o, now, out)
}

// measureReports times the reports on a seeded database.
func measureReports(ctx context.Context, dsn string, o benchReportsOptions, now time.Time, out io.Writer) error {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	svc := service.New(st, clock.NewFake(now), service.Config{}, nil)
	n, err := st.CountRows(ctx, "complaints")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "measuring %d complaints on %s\n", n, st.Dialect())
	for _, x := range []struct {
		name string
		plan func() ([]string, error)
	}{{"overdue count", func() ([]string, error) { return st.ExplainOverdue(ctx, now) }},
		{"roll-up read", func() ([]string, error) { return st.ExplainRollup(ctx) }}} {
		plan, err := x.plan()
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  plan of the %s: %s\n", x.name, strings.Join(plan, " | "))
	}

	state, err := rbPrincipal(ctx, svc, "monitor.state")
	if err != nil {
		return err
	}
	lucknow, err := rbPrincipal(ctx, svc, "monitor.lucknow")
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "pendency (service calls, p50 / p99):")
	for _, c := range []struct {
		name string
		p    *auth.Principal
		g    report.GroupBy
	}{{"state, district × department", state, report.ByDistrictDepartment}, {"state, by district", state, report.ByDistrict},
		{"state, by department", state, report.ByDepartment}, {"state, by level", state, report.ByLevel},
		{"Lucknow, by post", lucknow, report.ByPost}} {
		var rows int
		lat, err := rbMeasure(o.repeat, func() error {
			res, err := svc.Pendency(ctx, c.p, service.PendencyQuery{GroupBy: c.g})
			rows = len(res.Rows)
			return err
		})
		if err != nil {
			return fmt.Errorf("pendency %s: %w", c.name, err)
		}
		fmt.Fprintf(out, "  %-32s %6d rows  p50 %-10s p99 %s\n", c.name, rows, pct(lat, 50), pct(lat, 99))
	}
	check, err := svc.CheckCounters(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  counters agree with a recount: %v (%d drifting)\n", len(check.Drift) == 0, len(check.Drift))

	month := report.MonthOf(now).Prev()
	fmt.Fprintf(out, "ranking of %s (computed afresh each time, then read frozen; p50 / p99):\n", month)
	admin, err := rbPrincipal(ctx, svc, "admin")
	if err != nil {
		return err
	}
	for _, unit := range []string{store.UnitDistrict, store.UnitDepartment, store.UnitPost} {
		// Each computation is the first read of the month: the frozen one is
		// forgotten before it (untimed).
		var rows int
		var lat []time.Duration
		for i := 0; i <= o.rankRepeat; i++ {
			if err := svc.ThawRanking(ctx, admin, month, unit); err != nil {
				return err
			}
			t := time.Now()
			r, err := svc.Ranking(ctx, state, service.RankingQuery{Month: month.String(), Of: unit})
			if err != nil {
				return fmt.Errorf("ranking %s: %w", unit, err)
			}
			if i > 0 { // the first is a warm-up
				lat = append(lat, time.Since(t))
			}
			rows = len(r.Rows)
		}
		frozen, err := rbMeasure(o.rankRepeat, func() error {
			_, err := svc.Ranking(ctx, state, service.RankingQuery{Month: month.String(), Of: unit})
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %-11s %6d rows  compute p50 %-10s p99 %-10s frozen read p50 %-10s p99 %s\n", unit, rows,
			pct(lat, 50), pct(lat, 99), pct(frozen, 50), pct(frozen, 99))
	}
	var findings int
	lat, err := rbMeasure(1, func() error {
		s, err := svc.Signals(ctx, state, service.SignalQuery{Month: month.String()})
		findings = len(s.Rows)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "signals of %s, state-wide: %d findings in %s\n", month, findings, pct(lat, 50))
	t := time.Now()
	drawn, err := svc.SampleDay(ctx, report.DayOf(now).AddDays(-1), report.DefaultSamplePerDistrict, rand.New(rand.NewPCG(o.seed, 5)))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "verification sample of yesterday: %d complaints in %s\n", drawn, time.Since(t).Round(time.Millisecond))
	return nil
}

func rbPrincipal(ctx context.Context, svc *service.Service, username string) (*auth.Principal, error) {
	u, _, err := svc.Store().UserByUsername(ctx, username)
	if err != nil {
		return nil, fmt.Errorf("demo user %s: %w", username, err)
	}
	return svc.PrincipalFor(ctx, u)
}

// rbMeasure times n calls of f (after one warm-up call).
func rbMeasure(n int, f func() error) ([]time.Duration, error) {
	if err := f(); err != nil {
		return nil, err
	}
	lat := make([]time.Duration, 0, n)
	for range n {
		t := time.Now()
		if err := f(); err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(t))
	}
	return lat, nil
}

// rbSeeding holds what the seed needs of the demo state.
type rbSeeding struct {
	rng       *rand.Rand
	svc       *service.Service
	cats      []model.Category
	leaves    []model.Area // villages and wards: where complaints are
	district  map[int64]int64
	sup       map[int64]int64
	mobiles   []string
	now       time.Time
	seq       int64
	stats     rbStats
	stockText []string
}

type rbStats struct {
	complaints, events, reports int
	status                      map[string]int
}

func (s rbStats) statusLine() string {
	var parts []string
	for _, k := range []string{"open", "special_closure_pending", "reported", "returned", "closed"} {
		parts = append(parts, fmt.Sprintf("%s %d", k, s.status[k]))
	}
	return strings.Join(parts, ", ")
}

func rbSeed(ctx context.Context, st *store.Store, svc *service.Service, o benchReportsOptions, now time.Time) (rbStats, error) {
	s := &rbSeeding{rng: rand.New(rand.NewPCG(o.seed, 76)), svc: svc, district: map[int64]int64{}, now: now,
		stats:     rbStats{status: map[string]int{}},
		stockText: []string{"मौके पर जाकर निस्तारण करा दिया गया।", "प्रकरण का निस्तारण कर दिया गया है।", "शिकायतकर्ता से वार्ता कर समस्या का समाधान कराया गया।"}}
	var err error
	if s.cats, err = st.Categories(ctx); err != nil {
		return s.stats, err
	}
	areas, err := st.AllAreas(ctx)
	if err != nil {
		return s.stats, err
	}
	byID := map[int64]model.Area{}
	for _, a := range areas {
		byID[a.ID] = a
	}
	for _, a := range areas {
		if a.Kind == model.AreaVillage || a.Kind == model.AreaWard {
			s.leaves = append(s.leaves, a)
		}
		for x, n := a, 0; n < 16; n++ {
			if x.Kind == model.AreaDistrict {
				s.district[a.ID] = x.ID
				break
			}
			if x.ParentID == nil {
				break
			}
			x = byID[*x.ParentID]
		}
	}
	if s.sup, err = st.PostSupervisors(ctx); err != nil {
		return s.stats, err
	}
	if len(s.cats) == 0 || len(s.leaves) == 0 {
		return s.stats, errors.New("the demo has no categories or villages")
	}
	// A pool of callers a third the size of the complaints: people complain again.
	s.mobiles = make([]string, max(o.complaints/3, 1))
	for i := range s.mobiles {
		s.mobiles[i] = fmt.Sprintf("%d%09d", 6+s.rng.IntN(4), s.rng.IntN(1_000_000_000))
	}
	const batch = 5000
	span := time.Duration(o.months) * 30 * 24 * time.Hour
	for done := 0; done < o.complaints; done += batch {
		k := min(batch, o.complaints-done)
		var complaints, events, reports [][]any
		for range k {
			c, ev, rep, err := s.one(ctx, now.Add(-time.Duration(s.rng.Int64N(int64(span)))))
			if err != nil {
				return s.stats, err
			}
			complaints = append(complaints, c)
			events = append(events, ev...)
			reports = append(reports, rep...)
		}
		err := st.Tx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertRows(ctx, "complaints", rbComplaintColumns, complaints); err != nil {
				return err
			}
			if err := tx.InsertRows(ctx, "complaint_events", rbEventColumns, events); err != nil {
				return err
			}
			return tx.InsertRows(ctx, "reports", rbReportColumns, reports)
		})
		if err != nil {
			return s.stats, err
		}
		s.stats.complaints += k
		s.stats.events += len(events)
		s.stats.reports += len(reports)
	}
	err = st.Tx(ctx, func(tx *store.Tx) error { return tx.ResetIdentity(ctx, "complaints", "complaint_events", "reports") })
	return s.stats, err
}

var rbComplaintColumns = []string{"id", "ref", "channel", "name", "mobile", "address", "language", "category_id", "department_id",
	"area_id", "district_id", "description", "status", "closure_reason", "level", "accountable_post_id", "due_at", "registered_at",
	"closed_at", "reported_at", "reopen_count", "feedback_attempts", "return_count", "special_closure", "special_closure_code",
	"report_hashes", "verification_sample", "overdue_at_top", "version", "updated_at"}

var rbEventColumns = []string{"complaint_id", "at", "kind", "actor_name", "actor_post_id", "level", "from_level", "to_level",
	"from_post_id", "to_post_id", "note", "payload"}

var rbReportColumns = []string{"complaint_id", "post_id", "officer_name", "text", "hash", "special", "at"}

// rbLife is one simulated complaint as the workflow would have left it.
type rbLife struct {
	c      model.Complaint
	chain  []int64
	sla    [model.MaxLevel + 1]int
	events [][]any
	rep    [][]any
	t      time.Time
}

func (l *rbLife) event(at time.Time, kind model.EventKind, actorPost, fromPost, toPost int64, fromLevel, toLevel *int, payload map[string]any) {
	p := "{}"
	if len(payload) > 0 {
		b, _ := json.Marshal(payload)
		p = string(b)
	}
	l.events = append(l.events, []any{l.c.ID, at.UnixMilli(), string(kind), "bench", rbNullID(actorPost), l.c.Level,
		rbNullInt(fromLevel), rbNullInt(toLevel), rbNullID(fromPost), rbNullID(toPost), "", p})
	l.c.UpdatedAt = at
}

func rbNullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func rbNullInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func rbInt(n int) *int { return &n }

func rbDays(t time.Time, n int) time.Time { return t.In(workflow.IST).AddDate(0, 0, n).UTC() }

// between returns a random instant in [a, b).
func (s *rbSeeding) between(a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	return a.Add(time.Duration(s.rng.Int64N(int64(b.Sub(a)))))
}

func (s *rbSeeding) route(ctx context.Context, cat model.Category, area int64) (int64, error) {
	d, err := s.svc.Route(ctx, cat.ID, area)
	return d.PostID, err
}

// one simulates a complaint registered at r up to now, following the rules
// of package workflow: officers mostly act within time, some let deadlines
// pass and the complaint climbs; citizens are mostly satisfied; some return,
// special closures, unreachable citizens and reopens.
func (s *rbSeeding) one(ctx context.Context, r time.Time) ([]any, [][]any, [][]any, error) {
	s.seq++
	cat := s.cats[s.rng.IntN(len(s.cats))]
	area := s.leaves[s.rng.IntN(len(s.leaves))]
	post, err := s.route(ctx, cat, area.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	ref, err := refno.Make(r.In(workflow.IST).Year(), s.seq)
	if err != nil {
		return nil, nil, nil, err
	}
	l := &rbLife{sla: cat.SLADays, t: r}
	for i := range l.sla {
		if l.sla[i] <= 0 {
			l.sla[i] = model.DefaultSLA[i]
		}
	}
	l.c = model.Complaint{ID: s.seq, Ref: ref, Channel: "phone", CategoryID: cat.ID, DepartmentID: cat.DepartmentID, AreaID: area.ID,
		DistrictID: s.district[area.ID], Status: model.StatusOpen, AccountablePostID: post, RegisteredAt: r, DueAt: rbDays(r, l.sla[0]),
		Complainant: model.Complainant{Name: "नागरिक", Mobile: s.mobiles[s.rng.IntN(len(s.mobiles))], Language: "hi"}}
	for p := post; p != 0 && len(l.chain) <= model.MaxLevel; p = s.sup[p] {
		l.chain = append(l.chain, p)
	}
	l.event(r, model.EventRegistered, 0, 0, 0, nil, rbInt(0), map[string]any{"channel": "phone"})
	if post == 0 {
		l.c.Status = model.StatusReturned
		l.event(r, model.EventReturned, 0, 0, 0, nil, nil, map[string]any{"reason": workflow.RouteUnroutable})
	} else {
		l.event(r, model.EventRouted, 0, 0, post, nil, rbInt(0), map[string]any{"how": workflow.RouteDesignation})
		s.live(l)
	}
	c := l.c
	s.stats.status[string(c.Status)]++
	return []any{c.ID, c.Ref, c.Channel, c.Complainant.Name, c.Complainant.Mobile, "ग्राम पंचायत भवन के पास", "hi", c.CategoryID,
		c.DepartmentID, c.AreaID, rbNullID(c.DistrictID), "बेंचमार्क शिकायत: " + cat.NameHi, string(c.Status),
		rbNullString(string(c.ClosureReason)), c.Level, rbNullID(c.AccountablePostID), c.DueAt.UnixMilli(), c.RegisteredAt.UnixMilli(),
		rbMS(c.ClosedAt), rbMS(c.ReportedAt), c.ReopenCount, c.FeedbackAttempts, c.ReturnCount, c.SpecialClosure,
		c.SpecialClosureCode, "", c.VerificationSample, c.OverdueAtTop, 1, c.UpdatedAt.UnixMilli()}, l.events, l.rep, nil
}

func rbNullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func rbMS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

// live plays a routed complaint forward until now or its closure.
func (s *rbSeeding) live(l *rbLife) {
	now := s.now
	for rounds := 0; rounds < 12; rounds++ {
		c := &l.c
		// Does the officer act before the deadline? Most do; fewer up the ladder.
		actP := 0.8
		if c.Level > 0 {
			actP = 0.7
		}
		var act time.Time
		if s.rng.Float64() < actP {
			act = s.between(l.t, c.DueAt)
		} else {
			if c.DueAt.After(now) {
				return // still open; its deadline is ahead
			}
			if c.Level < model.MaxLevel && c.Level+1 < len(l.chain) {
				from := c.AccountablePostID
				c.Level++
				c.AccountablePostID = l.chain[c.Level]
				l.t = c.DueAt
				c.DueAt = rbDays(c.DueAt, l.sla[c.Level])
				c.OverdueAtTop = false
				l.event(l.t, model.EventEscalated, 0, from, c.AccountablePostID, rbInt(c.Level-1), rbInt(c.Level),
					map[string]any{"defaulter_post_id": from})
				continue
			}
			if !c.OverdueAtTop {
				c.OverdueAtTop = true
				l.event(c.DueAt, model.EventOverdueAtTop, 0, c.AccountablePostID, 0, nil, nil, map[string]any{"defaulter_post_id": c.AccountablePostID})
			}
			act = rbDays(c.DueAt, 1+s.rng.IntN(10))
		}
		if act.After(now) {
			return
		}
		l.t = act
		post := c.AccountablePostID
		switch x := s.rng.Float64(); {
		case x < 0.03:
			c.Status, c.ReturnCount = model.StatusReturned, c.ReturnCount+1
			l.event(act, model.EventReturned, post, post, 0, nil, nil, map[string]any{"reason": "not ours", "return_count": c.ReturnCount})
			desk := act.Add(time.Duration(2+s.rng.IntN(40)) * time.Hour)
			if desk.After(now) {
				return
			}
			from := c.Level
			c.Status, c.Level, c.AccountablePostID, c.OverdueAtTop = model.StatusOpen, 0, l.chain[0], false
			c.DueAt = rbDays(desk, l.sla[0])
			l.t = desk
			l.event(desk, model.EventRerouted, 0, post, l.chain[0], rbInt(from), rbInt(0), map[string]any{"how": workflow.RouteDesignation,
				"category_id": c.CategoryID, "area_id": c.AreaID, "from_category_id": c.CategoryID, "from_area_id": c.AreaID})
			continue
		case x < 0.07 && c.Level < model.MaxLevel && c.Level+1 < len(l.chain):
			c.Status, c.SpecialClosureCode = model.StatusSpecialClosurePending, "policy_decision"
			l.event(act, model.EventSpecialClosureRequested, post, 0, 0, nil, nil, map[string]any{"reason_code": "policy_decision"})
			l.rep = append(l.rep, []any{c.ID, post, "अधिकारी", "नीतिगत विषय होने के कारण विशेष निस्तारण", fmt.Sprintf("s%d", c.ID), true, act.UnixMilli()})
			decide := act.Add(time.Duration(4+s.rng.IntN(60)) * time.Hour)
			if decide.After(now) || !decide.Before(c.DueAt) {
				if decide.After(now) {
					return
				}
				// The decision came too late: the deadline escalated it first.
				c.Status, c.SpecialClosureCode = model.StatusOpen, ""
				l.t = act
				continue
			}
			if s.rng.Float64() < 0.2 {
				c.Status, c.SpecialClosureCode = model.StatusOpen, ""
				l.event(decide, model.EventSpecialClosureRejected, l.chain[c.Level+1], 0, post, nil, nil, map[string]any{"reason_code": "policy_decision"})
				l.t = decide
				continue
			}
			c.Status, c.SpecialClosure, c.FeedbackAttempts = model.StatusReported, true, 0
			c.ReportedAt = &decide
			l.event(decide, model.EventSpecialClosureApproved, l.chain[c.Level+1], 0, 0, nil, nil, map[string]any{"reason_code": "policy_decision"})
		default:
			text := fmt.Sprintf("शिकायत %s पर स्थलीय निरीक्षण कर कार्यवाही की गई।", c.Ref)
			if s.rng.Float64() < 0.02 {
				text = s.stockText[s.rng.IntN(len(s.stockText))]
			}
			c.Status, c.FeedbackAttempts = model.StatusReported, 0
			c.ReportedAt = &act
			c.ReportHashes = append(c.ReportHashes, "x")
			l.event(act, model.EventReported, post, 0, 0, nil, nil, map[string]any{"report_number": len(c.ReportHashes)})
			l.rep = append(l.rep, []any{c.ID, post, "अधिकारी", text, fmt.Sprintf("h%d-%d", c.ID, len(c.ReportHashes)), false, act.UnixMilli()})
		}
		if done := s.feedback(l); done {
			return
		}
	}
}

// feedback plays the calls to the citizen about a report; it reports whether
// the complaint's story ends (closed, or the call is still ahead).
func (s *rbSeeding) feedback(l *rbLife) bool {
	c := &l.c
	call := l.t.Add(time.Duration(6+s.rng.IntN(90)) * time.Hour)
	if call.After(s.now) {
		return true
	}
	close := func(at time.Time, why model.ClosureReason) {
		c.Status, c.ClosureReason, c.ClosedAt = model.StatusClosed, why, &at
		l.event(at, model.EventClosed, 0, 0, 0, nil, nil, map[string]any{"closure_reason": string(why)})
	}
	fb := func(at time.Time, outcome string) {
		c.FeedbackAttempts++
		l.event(at, model.EventFeedback, 0, 0, 0, nil, nil, map[string]any{"outcome": outcome, "attempt": c.FeedbackAttempts})
	}
	switch x := s.rng.Float64(); {
	case x < 0.65 || c.ReopenCount >= 2:
		fb(call, "satisfied")
		close(call, model.ClosedSatisfied)
	case x < 0.87:
		fb(call, "not_satisfied")
		if c.SpecialClosure {
			c.VerificationSample = true
			close(call, model.ClosedSpecialClosure)
			return true
		}
		from, fromLevel := c.AccountablePostID, c.Level
		if c.Level < model.MaxLevel && c.Level+1 < len(l.chain) {
			c.Level++
			c.AccountablePostID = l.chain[c.Level]
		}
		c.Status, c.DueAt, c.OverdueAtTop, c.SpecialClosure, c.SpecialClosureCode = model.StatusOpen, rbDays(call, l.sla[c.Level]), false, false, ""
		c.ReopenCount++
		c.FeedbackAttempts = 0
		l.event(call, model.EventReopened, 0, from, c.AccountablePostID, rbInt(fromLevel), rbInt(c.Level), map[string]any{"reopen_count": c.ReopenCount})
		l.t = call
		return false
	default:
		for i := 0; i < 3; i++ {
			at := call.Add(time.Duration(i*26) * time.Hour)
			if at.After(s.now) {
				return true
			}
			fb(at, "unreachable")
		}
		close(c.UpdatedAt, model.ClosedUnreachable)
	}
	return true
}
