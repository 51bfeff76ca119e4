package service_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
	"github.com/nivaran/nivaran/internal/workflow"
)

// closeSatisfied registers a complaint at area, has its L0 post report and
// the citizen say satisfied, at the fake clock's time.
func (w *reportWorld) closeSatisfied(t *testing.T, mobile string, area int64) model.Complaint {
	t.Helper()
	ctx := context.Background()
	c := w.registerAt(t, mobile, w.category, area)
	if _, err := w.svc.Report(ctx, w.holder(t, c.AccountablePostID), c.Ref, "काम पूरा हुआ "+mobile, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Feedback(ctx, w.agent, c.Ref, "satisfied", ""); err != nil {
		t.Fatal(err)
	}
	return complaint(t, w.st, c.Ref)
}

func TestVerificationSample(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newReportWorld(t, st)
		w.clk.Set(istAt("2026-11-05 10:00"))
		var lucknow, kanpur []int64
		for i := range 7 {
			lucknow = append(lucknow, w.closeSatisfied(t, fmt.Sprintf("97000000%02d", i), w.village).ID)
		}
		for i := range 3 {
			kanpur = append(kanpur, w.closeSatisfied(t, fmt.Sprintf("96000000%02d", i), w.kanpurVillage).ID)
		}
		// One closed as false does not enter: nothing was claimed done.
		f := w.registerAt(t, "9500000000", w.category, w.village)
		if _, err := w.svc.MarkFalse(ctx, w.sup, f.Ref, "झूठी", false); err != nil {
			t.Fatal(err)
		}

		// Not before the day has ended.
		if n, err := w.svc.SampleDay(ctx, report.DayOf(w.clk.Now()), 5, rand.New(rand.NewPCG(1, 2))); err != nil || n != 0 {
			t.Fatalf("drew %d (%v) from a day not ended", n, err)
		}
		w.clk.Set(istAt("2026-11-06 00:30"))
		n, err := w.svc.SampleVerification(ctx, 5, rand.New(rand.NewPCG(1, 2)))
		if err != nil || n != 8 {
			t.Fatalf("drew %d (%v), want 5 of Lucknow's 7 and all 3 of Kanpur's", n, err)
		}
		if n, _ := w.svc.SampleVerification(ctx, 5, rand.New(rand.NewPCG(9, 9))); n != 0 {
			t.Fatalf("a day was drawn twice: %d more", n)
		}
		items, _, err := w.svc.VerificationQueue(ctx, w.sup, service.VerificationFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var drawn []int64
		for _, it := range items {
			if it.Reason != store.VerifyReasonSample || it.Status != store.VerifyPending || it.SampleDay != 20261105 || it.ReportID == 0 {
				t.Fatalf("queue item %+v", it.VerificationItem)
			}
			drawn = append(drawn, it.ComplaintID)
		}
		// The draw is the pure sample of the same candidates with the same seed.
		var cands []report.Candidate
		for _, id := range lucknow {
			cands = append(cands, report.Candidate{ComplaintID: id, DistrictID: w.district})
		}
		for _, id := range kanpur {
			cands = append(cands, report.Candidate{ComplaintID: id, DistrictID: w.kanpur})
		}
		var want []int64
		for _, c := range report.Sample(cands, 5, rand.New(rand.NewPCG(1, 2))) {
			want = append(want, c.ComplaintID)
		}
		slices.Sort(drawn)
		slices.Sort(want)
		if !slices.Equal(drawn, want) {
			t.Fatalf("drew %v, want %v", drawn, want)
		}

		// Monitors see their district's part of the queue.
		mine, _, err := w.svc.VerificationQueue(ctx, w.monitorB, service.VerificationFilter{})
		if err != nil || len(mine) != 3 {
			t.Fatalf("Kanpur's monitor sees %d items (%v), want 3", len(mine), err)
		}
		if _, _, err := w.svc.VerificationQueue(ctx, w.agent, service.VerificationFilter{}); !errors.Is(err, workflow.ErrForbidden) {
			t.Fatalf("an agent listed the queue: %v", err)
		}

		// A mismatch reopens one level up, marks the report, counts against the post.
		target := items[0]
		w.clk.Set(istAt("2026-11-06 11:00"))
		if _, err := w.svc.Verify(ctx, w.agent, target.Complaint.Ref, "mismatch", "x"); !errors.Is(err, workflow.ErrForbidden) {
			t.Fatalf("an agent verified: %v", err)
		}
		row, err := w.svc.Verify(ctx, w.sup, target.Complaint.Ref, "mismatch", "नागरिक के अनुसार सड़क अब भी टूटी है")
		if err != nil {
			t.Fatal(err)
		}
		c := row.Complaint
		post := target.Complaint.AccountablePostID
		sup, _ := st.Post(ctx, post)
		if c.Status != model.StatusOpen || c.Level != 1 || c.AccountablePostID != *sup.SupervisorPostID || c.ClosedAt != nil ||
			c.ReopenCount != 1 || !c.DueAt.Equal(istAt("2026-11-13 11:00")) {
			t.Fatalf("after a mismatch: status %s level %d post %d closed %v reopens %d due %v", c.Status, c.Level,
				c.AccountablePostID, c.ClosedAt, c.ReopenCount, c.DueAt.In(workflow.IST))
		}
		if v, err := st.ReportVerification(ctx, target.ReportID); err != nil || v != "mismatch" {
			t.Fatalf("report marked %q (%v)", v, err)
		}
		events, _ := st.Events(ctx, c.ID)
		kinds := map[model.EventKind]int{}
		for _, e := range events {
			kinds[e.Kind]++
		}
		if kinds[model.EventVerification] != 1 || kinds[model.EventReopened] != 1 {
			t.Fatalf("events %v", kinds)
		}
		if _, err := w.svc.Verify(ctx, w.sup, target.Complaint.Ref, "confirmed", ""); !errors.Is(err, workflow.ErrInvalidTransition) {
			t.Fatalf("verified twice: %v", err)
		}
		// Confirmed changes nothing but the queue.
		other := items[len(items)-1]
		if _, err := w.svc.Verify(ctx, w.sup, other.Complaint.Ref, "confirmed", "नागरिक संतुष्ट हैं"); err != nil {
			t.Fatal(err)
		}
		if c := complaint(t, st, other.Complaint.Ref); c.Status != model.StatusClosed || c.ClosureReason != model.ClosedSatisfied {
			t.Fatalf("confirmed changed the complaint: %s %s", c.Status, c.ClosureReason)
		}
		done, _, _ := w.svc.VerificationQueue(ctx, w.sup, service.VerificationFilter{Status: "all", Limit: 50})
		decided := map[string]string{}
		for _, it := range done {
			decided[it.Complaint.Ref] = it.Status
		}
		if decided[target.Complaint.Ref] != "mismatch" || decided[other.Complaint.Ref] != "confirmed" || len(done) != 8 {
			t.Fatalf("queue after two calls: %v", decided)
		}
		// In the ranking's tallies: two verified closures, one mismatch.
		units, err := st.UnitCounts(ctx, 202611, store.UnitPost, store.TallyFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var verified, mismatch int64
		for _, u := range units {
			verified += u[report.MVerified]
			mismatch += u[report.MVerifyMismatch]
		}
		if verified != 2 || mismatch != 1 || units[post][report.MVerifyMismatch] != 1 {
			t.Fatalf("tallies: %d verified, %d mismatches (post %d: %d)", verified, mismatch, post, units[post][report.MVerifyMismatch])
		}
		wantNoDrift(t, w.svc, "after verification")
	})
}

// TestDisputedSpecialClosureEntersTheQueue: a special closure the citizen
// disputes is closed, not reopened (DESIGN §3.7), and waits for a second call.
func TestDisputedSpecialClosureEntersTheQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newReportWorld(t, st)
		c := w.registerAt(t, "9400000001", w.special, w.village)
		if _, err := w.svc.RequestSpecialClosure(ctx, w.holder(t, c.AccountablePostID), c.Ref, "sub_judice", "मामला न्यायालय में विचाराधीन है"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.DecideSpecialClosure(ctx, w.supervisorOf(t, c.AccountablePostID), c.Ref, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Feedback(ctx, w.agent, c.Ref, "not_satisfied", "नागरिक असहमत"); err != nil {
			t.Fatal(err)
		}
		items, _, err := w.svc.VerificationQueue(ctx, w.admin, service.VerificationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || items[0].Reason != store.VerifyReasonDisputed || items[0].Complaint.Ref != c.Ref ||
			items[0].Complaint.ClosureReason != model.ClosedSpecialClosure {
			t.Fatalf("queue %+v", items)
		}
		// The daily draw of the same day does not queue it a second time.
		w.clk.Set(istAt("2026-11-03 01:00"))
		if _, err := w.svc.SampleVerification(ctx, 5, rand.New(rand.NewPCG(1, 1))); err != nil {
			t.Fatal(err)
		}
		all, _, _ := w.svc.VerificationQueue(ctx, w.admin, service.VerificationFilter{Status: "all"})
		if len(all) != 1 {
			t.Fatalf("%d queue items, want 1", len(all))
		}
		// The verifier finds the special closure wrong: it reopens one level up.
		row, err := w.svc.Verify(ctx, w.sup, c.Ref, "mismatch", "यह न्यायालय का मामला नहीं है")
		if err != nil {
			t.Fatal(err)
		}
		if row.Status != model.StatusOpen || row.Level != 1 || row.VerificationSample || row.SpecialClosure {
			t.Fatalf("after the mismatch: %s L%d sample %v special %v", row.Status, row.Level, row.VerificationSample, row.SpecialClosure)
		}
		wantNoDrift(t, w.svc, "after the disputed special closure")
	})
}
