package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
	"github.com/nivaran/nivaran/internal/workflow"
)

// istAt reads an India wall-clock time "2006-01-02 15:04".
func istAt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, workflow.IST)
	if err != nil {
		panic(err)
	}
	return t
}

// playNovember plays November 2026 in two districts. Lucknow (A; posts A0 =
// BDO, A1 = PD) and Kanpur Nagar (B; B0, B1):
//
//	a1, a2: A0 reports, the citizen is satisfied.
//	a3:     A0 reports, the citizen is not satisfied → reopened to A1, who
//	        reports; satisfied.
//	a4:     A0 lets the 15 days pass → escalated to A1, who reports; satisfied.
//	b1:     B0 returns it as not theirs, the desk re-routes it back to B0,
//	        B0 reports; satisfied.
//	b2:     B0 reports; the citizen is unreachable three times → closed.
//	b3:     B0 reports; not satisfied → reopened to B1, still open.
func playNovember(t *testing.T, w *reportWorld) {
	t.Helper()
	ctx := context.Background()
	at := func(s string) { w.clk.Set(istAt(s)) }
	ok := func(_ store.ComplaintRow, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	a0, a1, b0 := w.holder(t, w.ladder[0]), w.holder(t, w.ladder[1]), w.holder(t, w.kanpurLadder[0])
	rep := func(p *auth.Principal, ref string) {
		t.Helper()
		ok(w.svc.Report(ctx, p, ref, "मरम्मत करा दी गई, संदर्भ "+ref+" "+w.clk.Now().String(), nil))
	}
	fb := func(ref, outcome string) {
		t.Helper()
		ok(w.svc.Feedback(ctx, w.agent, ref, outcome, ""))
	}
	at("2026-11-02 10:00")
	a := make([]string, 5)
	b := make([]string, 4)
	for i := 1; i <= 4; i++ {
		a[i] = w.registerAt(t, "98000000"+string(rune('0'+i))+"1", w.category, w.village).Ref
	}
	for i := 1; i <= 3; i++ {
		b[i] = w.registerAt(t, "98000000"+string(rune('0'+i))+"2", w.category, w.kanpurVillage).Ref
	}
	at("2026-11-03 11:00")
	rep(a0, a[1])
	rep(a0, a[2])
	rep(a0, a[3])
	ok(w.svc.Return(ctx, b0, b[1], "यह शिकायत नगर निगम की है"))
	rep(b0, b[2])
	rep(b0, b[3])
	at("2026-11-04 10:00")
	ok(w.svc.Reroute(ctx, w.sup, b[1], 0, 0, false, "ग्राम पंचायत का ही मामला है"))
	fb(a[1], "satisfied")
	fb(a[2], "satisfied")
	fb(a[3], "not_satisfied")
	at("2026-11-05 10:00")
	rep(a1, a[3])
	rep(b0, b[1])
	fb(b[2], "unreachable")
	at("2026-11-05 11:00")
	fb(b[2], "unreachable")
	at("2026-11-05 12:00")
	fb(b[2], "unreachable")
	at("2026-11-06 10:00")
	fb(a[3], "satisfied")
	fb(b[1], "satisfied")
	at("2026-11-16 10:00")
	fb(b[3], "not_satisfied")
	at("2026-11-18 10:00")
	if n, err := w.svc.Sweep(ctx); err != nil || n != 1 {
		t.Fatalf("sweep on 18 November changed %d (%v), want a4 only", n, err)
	}
	at("2026-11-20 10:00")
	rep(a1, a[4])
	at("2026-11-21 10:00")
	fb(a[4], "satisfied")
}

// TestRankingOfAConstructedMonth checks the November ranking against marks
// worked out by hand from the default rubric:
//
//	marks = max × clamp((value − zero_at) ÷ (full_at − zero_at), 0, 1)
//
// Lucknow (A): received 6 (4 routed to A0, a3 reopened and a4 escalated to
// A1), disposed 5 (all in time), defaulted 1 (a4), feedback 4 satisfied and
// 1 not, reopened 1, no returns, no unreachable, nothing verified:
//
//	satisfied_share        4/5 = 0.8      35 × (0.8−0.4)/(0.9−0.4)      = 28
//	reopen_rate            1/5 = 0.2      10 × (0.2−0.4)/(0.05−0.4)     = 5.714… → 5.71
//	disposed_in_time       5/(5+1)        15 × (0.8333−0.5)/(0.95−0.5)  = 11.111… → 11.11
//	defaulter_rate         1/6            10 × (0.1667−0.3)/(0−0.3)     = 4.444… → 4.44
//	special_closure_share  0/5            5 (full)
//	returns_per_complaint  0/6            5 (full)
//	unreachable_share      0/5            5 (full)
//	earned 64.2698… of 85 applicable → rate 0.756116
//	verification_mismatch  no data        10 × 0.756116 = 7.56
//	special_closure_approval no data       5 × 0.756116 = 3.78
//	score 28 + 7.56 + 5.71 + 11.11 + 4.44 + 5 + 3.78 + 5 + 5 = 75.60
//
// Kanpur Nagar (B): received 5 (b1 routed and re-routed to B0, b2, b3 to B0,
// b3 reopened to B1), disposed 3 in time, returned 1, feedback 1 satisfied and
// 1 not, closed unreachable 1, reopened 1:
//
//	satisfied_share        1/2 = 0.5      35 × 0.2                       = 7
//	reopen_rate            1/3            10 × (0.3333−0.4)/(−0.35)       = 1.904… → 1.90
//	disposed_in_time       3/3            15
//	defaulter_rate         0/5            10
//	special_closure_share  0/3            5
//	returns_per_complaint  1/5 = 0.2      0 (at zero_at)
//	unreachable_share      1/3            0 (beyond zero_at 0.3)
//	earned 38.9047… of 85 → rate 0.457703
//	verification_mismatch  10 × 0.457703 = 4.58; special_closure_approval 5 × 0.457703 = 2.29
//	score 7 + 4.58 + 1.90 + 15 + 10 + 5 + 2.29 + 0 + 0 = 45.77
func TestRankingOfAConstructedMonth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newReportWorld(t, st)
		playNovember(t, w)
		wantNoDrift(t, w.svc, "after November")
		w.clk.Set(istAt("2026-12-01 09:00"))

		got, err := w.svc.Ranking(ctx, w.monitorA, service.RankingQuery{Month: "2026-11", Of: "district"})
		if err != nil {
			t.Fatal(err)
		}
		if !got.Frozen || got.Provisional || got.Rubric.Version != 1 || len(got.Rows) != 2 {
			t.Fatalf("ranking frozen %v provisional %v rubric %d rows %d", got.Frozen, got.Provisional, got.Rubric.Version, len(got.Rows))
		}
		type want struct {
			rank  int
			key   int64
			score float64
			marks map[string]float64
			na    []string // not applicable: pro rata
		}
		wants := []want{
			{1, w.district, 75.60, map[string]float64{"satisfied_share": 28, "verification_mismatch": 7.56, "reopen_rate": 5.71,
				"disposed_in_time": 11.11, "defaulter_rate": 4.44, "special_closure_share": 5, "special_closure_approval": 3.78,
				"returns_per_complaint": 5, "unreachable_share": 5}, []string{"verification_mismatch", "special_closure_approval"}},
			{2, w.kanpur, 45.77, map[string]float64{"satisfied_share": 7, "verification_mismatch": 4.58, "reopen_rate": 1.90,
				"disposed_in_time": 15, "defaulter_rate": 10, "special_closure_share": 5, "special_closure_approval": 2.29,
				"returns_per_complaint": 0, "unreachable_share": 0}, []string{"verification_mismatch", "special_closure_approval"}},
		}
		for i, wt := range wants {
			r := got.Rows[i]
			if r.Rank != wt.rank || r.Key != wt.key || r.Score != wt.score || r.MaxScore != 100 {
				t.Errorf("row %d: rank %d key %d score %v of %v, want rank %d key %d score %v of 100",
					i, r.Rank, r.Key, r.Score, r.MaxScore, wt.rank, wt.key, wt.score)
			}
			for _, p := range r.Parameters {
				if p.Marks != wt.marks[p.Code] {
					t.Errorf("%s %s: %v marks (value %v = %d/%d), want %v", r.NameEn, p.Code, p.Marks, p.Value, p.Numerator, p.Denominator, wt.marks[p.Code])
				}
				na := false
				for _, c := range wt.na {
					na = na || c == p.Code
				}
				if p.Applicable == na {
					t.Errorf("%s %s: applicable %v", r.NameEn, p.Code, p.Applicable)
				}
			}
		}
		if got.Rows[0].NameEn != "Lucknow" || got.Rows[1].NameHi != "कानपुर नगर" {
			t.Errorf("names %q, %q", got.Rows[0].NameEn, got.Rows[1].NameHi)
		}

		// Posts: B1 only received b3 (no report yet): every applicable
		// parameter is full, so the pro-rata ones are too.
		posts, err := w.svc.Ranking(ctx, w.admin, service.RankingQuery{Month: "2026-11", Of: "post", AreaID: w.kanpur})
		if err != nil {
			t.Fatal(err)
		}
		// A department or place that does not exist is a finding, not an
		// empty ranking.
		for _, q := range []service.RankingQuery{{Month: "2026-11", Of: "post", DepartmentID: 99999}, {Month: "2026-11", Of: "post", AreaID: 99999}} {
			if _, err := w.svc.Ranking(ctx, w.admin, q); !errors.Is(err, workflow.ErrValidation) {
				t.Fatalf("ranking of %+v: %v; want a validation error", q, err)
			}
		}
		byPost := map[int64]report.RankingRow{}
		for _, r := range posts.Rows {
			byPost[r.Key] = r
		}
		if len(posts.Rows) != 2 || byPost[w.kanpurLadder[1]].Score != 100 || byPost[w.kanpurLadder[0]].Score != 45.77 {
			t.Fatalf("Kanpur's posts: %+v", posts.Rows)
		}
		if r := byPost[w.kanpurLadder[0]].Rank; r != 4 {
			t.Errorf("B0 ranks %d state-wide, want 4 (after B1, A1 and A0)", r)
		}

		// A past month is frozen: a later change to its tallies does not move it.
		post, err := st.Post(ctx, w.kanpurLadder[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Tx(ctx, func(tx *store.Tx) error {
			return tx.AddTallies(ctx, []report.TallyDelta{{Key: report.TallyKey{Month: 202611, DistrictID: w.kanpur, DepartmentID: post.DepartmentID,
				PostID: w.kanpurLadder[0], Measure: report.MFbSatisfied}, N: 50}})
		}); err != nil {
			t.Fatal(err)
		}
		w.clk.Set(istAt("2026-12-15 09:00"))
		again, err := w.svc.Ranking(ctx, w.monitorB, service.RankingQuery{Month: "2026-11"})
		if err != nil {
			t.Fatal(err)
		}
		if !again.Frozen || !again.ComputedAt.Equal(got.ComputedAt) || again.Rows[1].Score != 45.77 || again.Rows[0].Score != 75.60 {
			t.Fatalf("frozen month changed: computed %v (first %v), scores %v %v", again.ComputedAt, got.ComputedAt,
				again.Rows[0].Score, again.Rows[1].Score)
		}

		// The current month is provisional and not stored.
		cur, err := w.svc.Ranking(ctx, w.admin, service.RankingQuery{Month: "2026-12"})
		if err != nil {
			t.Fatal(err)
		}
		if !cur.Provisional || cur.Frozen || len(cur.Rows) != 0 {
			t.Fatalf("December: provisional %v frozen %v rows %d", cur.Provisional, cur.Frozen, len(cur.Rows))
		}
		if _, err := st.FrozenRanking(ctx, 202612, "district"); err == nil {
			t.Fatal("the current month was frozen")
		}
		// The default month is the last complete one.
		def, err := w.svc.Ranking(ctx, w.admin, service.RankingQuery{})
		if err != nil || def.Month.String() != "2026-11" || def.Of != "district" {
			t.Fatalf("default ranking %s of %s (%v)", def.Month, def.Of, err)
		}
		if _, err := w.svc.Ranking(ctx, w.admin, service.RankingQuery{Month: "2027-01"}); err == nil {
			t.Fatal("a future month was ranked")
		}
	})
}
