package service_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestCountersAgreeWithARecountAfterRandomLifecycles drives a few hundred
// random lifecycle actions — registrations in two districts, reports,
// feedback of every outcome, special closures approved and rejected,
// returns re-routed (to the other district, too) or rejected, false
// complaints, escalation sweeps as the fake clock moves, the daily
// verification draw and its second calls — and checks after every batch that
// the pendency counters, their roll-up and the monthly tallies equal a
// recount, and that the pendency report equals a count of the complaints.
func TestCountersAgreeWithARecountAfterRandomLifecycles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newReportWorld(t, st)
		rng := rand.New(rand.NewPCG(6, 1076))
		var refs []string
		villages := []int64{w.village, w.kanpurVillage}
		categories := []int64{w.category, w.special}
		register := func() {
			r := w.registerAt(t, fmt.Sprintf("9%09d", len(refs)), categories[rng.IntN(2)], villages[rng.IntN(2)])
			refs = append(refs, r.Ref)
		}
		for range 12 {
			register()
		}
		n := 0
		act := func(c model.Complaint) {
			ref := c.Ref
			n++
			text := fmt.Sprintf("कार्यवाही संख्या %d पूरी की गई", n)
			var err error
			switch c.Status {
			case model.StatusOpen:
				officer := w.holder(t, c.AccountablePostID)
				switch x := rng.IntN(10); {
				case x < 5:
					_, err = w.svc.Report(ctx, officer, ref, text, nil)
				case x < 7 && c.CategoryID == w.special:
					_, err = w.svc.RequestSpecialClosure(ctx, officer, ref, "policy_decision", text)
				case x < 8:
					_, err = w.svc.Return(ctx, officer, ref, "यह हमारे विभाग का मामला नहीं है")
				case x < 9:
					_, err = w.svc.MarkFalse(ctx, w.sup, ref, "झूठी शिकायत", false)
				}
			case model.StatusSpecialClosurePending:
				if c.Level < model.MaxLevel {
					_, err = w.svc.DecideSpecialClosure(ctx, w.supervisorOf(t, c.AccountablePostID), ref, rng.IntN(3) > 0, "")
				}
			case model.StatusReturned:
				if rng.IntN(3) == 0 {
					_, err = w.svc.Reroute(ctx, w.sup, ref, 0, 0, true, "आपका ही है")
				} else {
					_, err = w.svc.Reroute(ctx, w.sup, ref, categories[rng.IntN(2)], villages[rng.IntN(2)], false, "सही विभाग")
				}
			case model.StatusReported:
				outcome := []string{"satisfied", "satisfied", "not_satisfied", "unreachable"}[rng.IntN(4)]
				_, err = w.svc.Feedback(ctx, w.agent, ref, outcome, "")
			}
			if err != nil {
				t.Fatalf("%s on %s (%s L%d): %v", ref, c.Status, c.ClosureReason, c.Level, err)
			}
		}
		for step := 1; step <= 800; step++ {
			switch x := rng.IntN(100); {
			case x < 8:
				register()
			case x < 14:
				w.clk.Advance(time.Duration(rng.IntN(6*24)) * time.Hour)
				if _, err := w.svc.Sweep(ctx); err != nil {
					t.Fatal(err)
				}
			case x < 17:
				if _, err := w.svc.SampleVerification(ctx, 2, rng); err != nil {
					t.Fatal(err)
				}
			case x < 22:
				items, _, err := w.svc.VerificationQueue(ctx, w.sup, service.VerificationFilter{Limit: 10})
				if err != nil {
					t.Fatal(err)
				}
				if len(items) > 0 {
					it := items[rng.IntN(len(items))]
					outcome := []string{"confirmed", "mismatch"}[rng.IntN(2)]
					if _, err := w.svc.Verify(ctx, w.sup, it.Complaint.Ref, outcome, "नागरिक ने बताया कि काम नहीं हुआ"); err != nil {
						t.Fatalf("verify %s: %v", it.Complaint.Ref, err)
					}
				}
			default:
				act(complaint(t, st, refs[rng.IntN(len(refs))]))
			}
			if step%50 == 0 {
				wantNoDrift(t, w.svc, fmt.Sprintf("step %d", step))
				wantPendencyMatches(t, w)
			}
		}
		var statuses = map[model.Status]int{}
		for _, ref := range refs {
			statuses[complaint(t, st, ref).Status]++
		}
		kinds := map[model.EventKind]int{}
		for _, k := range []model.EventKind{model.EventEscalated, model.EventOverdueAtTop, model.EventReopened, model.EventRerouted,
			model.EventReturnRejected, model.EventSpecialClosureApproved, model.EventSpecialClosureRejected, model.EventVerification} {
			kinds[k], _ = st.CountEvents(ctx, 0, k)
			if kinds[k] == 0 {
				t.Errorf("the random walk wrote no %s event", k)
			}
		}
		t.Logf("%d complaints by status %v; events %v", len(refs), statuses, kinds)
	})
}

// wantPendencyMatches compares pendency reports, in every grouping and for
// several scopes, with a count of the complaints themselves.
func wantPendencyMatches(t *testing.T, w *reportWorld) {
	t.Helper()
	ctx := context.Background()
	var all []store.ComplaintRow
	cursor := ""
	for {
		page, next, err := w.st.Complaints(ctx, store.ComplaintFilter{Limit: 500, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	now := w.clk.Now()
	district, err := w.st.Area(ctx, w.district)
	if err != nil {
		t.Fatal(err)
	}
	division := *district.ParentID
	scopes := []struct {
		name string
		p    *auth.Principal
		area int64
		in   func(c model.Complaint) bool
	}{
		{"state (admin)", w.admin, 0, func(model.Complaint) bool { return true }},
		{"state monitor", w.monitorState, 0, func(model.Complaint) bool { return true }},
		{"Lucknow monitor", w.monitorA, 0, func(c model.Complaint) bool { return c.DistrictID == w.district }},
		{"Kanpur monitor", w.monitorB, 0, func(c model.Complaint) bool { return c.DistrictID == w.kanpur }},
		{"division", w.admin, division, func(c model.Complaint) bool { return c.DistrictID != 0 }},
		{"village (below a district)", w.monitorA, w.village, func(c model.Complaint) bool { return c.AreaID == w.village }},
		{"officer (L1 post and the posts it supervises)", w.officers[1], 0, func(c model.Complaint) bool {
			return c.AccountablePostID == w.ladder[1] || c.AccountablePostID == w.ladder[0]
		}},
	}
	for _, sc := range scopes {
		for _, g := range report.GroupBys {
			got, err := w.svc.Pendency(ctx, sc.p, service.PendencyQuery{GroupBy: g, AreaID: sc.area})
			if err != nil {
				t.Fatalf("%s by %s: %v", sc.name, g, err)
			}
			want := map[[2]int64]*report.PendencyRow{}
			for _, r := range all {
				c := r.Complaint
				if !sc.in(c) {
					continue
				}
				var k [2]int64
				switch g {
				case report.ByDistrict:
					k[0] = c.DistrictID
				case report.ByDepartment:
					k[0] = c.DepartmentID
				case report.ByPost:
					k[0] = c.AccountablePostID
				case report.ByLevel:
					k[0] = int64(c.Level)
				case report.ByDistrictDepartment:
					k = [2]int64{c.DistrictID, c.DepartmentID}
				}
				row := want[k]
				if row == nil {
					row = &report.PendencyRow{Key: k[0], Key2: k[1]}
					want[k] = row
				}
				row.Total++
				switch c.Status {
				case model.StatusOpen, model.StatusSpecialClosurePending:
					row.Open++
					row.ByLevel[c.Level]++
					if c.Level > 0 {
						row.Escalated++
					}
					if c.DueAt.Before(now) {
						row.Overdue++
					}
					if c.Status == model.StatusSpecialClosurePending {
						row.SpecialClosurePending++
					}
				case model.StatusReported:
					row.Reported++
				case model.StatusReturned:
					row.Returned++
				case model.StatusClosed:
					row.Closed++
					if c.ClosureReason == model.ClosedSatisfied {
						row.ClosedSatisfied++
					}
				}
			}
			seen := 0
			for _, r := range got.Rows {
				w := want[[2]int64{r.Key, r.Key2}]
				if w == nil {
					if r.Total != 0 {
						t.Fatalf("%s by %s: row %d/%d has %d complaints, want none", sc.name, g, r.Key, r.Key2, r.Total)
					}
					continue
				}
				seen++
				w.NameEn, w.NameHi, w.Name2En, w.Name2Hi = r.NameEn, r.NameHi, r.Name2En, r.Name2Hi
				if *w != r {
					t.Fatalf("%s by %s: row %d/%d\n got %+v\nwant %+v", sc.name, g, r.Key, r.Key2, r, *w)
				}
				if r.NameEn == "" || r.NameHi == "" {
					t.Fatalf("%s by %s: row %d has no names", sc.name, g, r.Key)
				}
			}
			if seen != len(want) {
				t.Fatalf("%s by %s: %d rows with complaints, want %d", sc.name, g, seen, len(want))
			}
		}
	}
}
