package service_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
	"github.com/nivaran/nivaran/internal/workflow"
)

// TestTechnicalDisposalSignals plays a month with one of each pattern:
//
//	Lucknow's BDO (A0) files "काम पूरा कर दिया गया" on three complaints, and
//	asks special closure of five more (5 of 8 disposals, 0.625);
//	Kanpur's BDO (B0) reports one complaint ten minutes after it arrived, and
//	closes another "satisfied" that the citizen registers again four days later;
//	B0's other four disposals are ordinary reports (special-closure share 0).
//
// With the outlier factor at 1.2 the department's median share (0.3125)
// puts the limit at 0.375, which A0 passes.
func TestTechnicalDisposalSignals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newReportWorld(t, st)
		a0, b0 := w.holder(t, w.ladder[0]), w.holder(t, w.kanpurLadder[0])
		at := func(s string) { w.clk.Set(istAt(s)) }
		ok := func(_ store.ComplaintRow, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		at("2026-11-02 10:00")
		var same, special, b []string
		for i := range 3 {
			same = append(same, w.registerAt(t, fmt.Sprintf("93000000%02d", i), w.category, w.village).Ref)
		}
		for i := range 5 {
			special = append(special, w.registerAt(t, fmt.Sprintf("93000001%02d", i), w.special, w.village).Ref)
		}
		for i := range 5 {
			b = append(b, w.registerAt(t, fmt.Sprintf("93000002%02d", i), w.category, w.kanpurVillage).Ref)
		}
		at("2026-11-02 10:10")
		ok(w.svc.Report(ctx, b0, b[0], "मौके पर जाकर सड़क ठीक कराई", nil))
		at("2026-11-04 12:00")
		for _, ref := range same {
			ok(w.svc.Report(ctx, a0, ref, "काम पूरा कर दिया गया", nil))
		}
		for i, ref := range special {
			ok(w.svc.RequestSpecialClosure(ctx, a0, ref, "policy_decision", fmt.Sprintf("नीतिगत विषय, क्रम %d", i)))
		}
		for _, ref := range b[1:] {
			ok(w.svc.Report(ctx, b0, ref, "ग्राम सचिव द्वारा जाँच कर काम कराया गया "+ref, nil))
		}
		at("2026-11-05 10:00")
		ok(w.svc.Feedback(ctx, w.agent, b[1], "satisfied", ""))
		at("2026-11-09 10:00")
		again := w.registerAt(t, "9300000201", w.category, w.kanpurVillage)

		at("2026-11-20 10:00")
		got, err := w.svc.Signals(ctx, w.admin, service.SignalQuery{Thresholds: report.Thresholds{OutlierFactor: 1.2}})
		if err != nil {
			t.Fatal(err)
		}
		if got.Month.String() != "2026-11" {
			t.Fatalf("month %s", got.Month)
		}
		byKind := map[string][]service.SignalRow{}
		for _, r := range got.Rows {
			byKind[r.Kind] = append(byKind[r.Kind], r)
		}
		check := func(kind string, post int64, count int64, value float64, refs []string) service.SignalRow {
			t.Helper()
			rows := byKind[kind]
			if len(rows) != 1 {
				t.Fatalf("%s: %d findings %+v, want 1", kind, len(rows), rows)
			}
			r := rows[0]
			slices.Sort(r.Complaints)
			slices.Sort(refs)
			if r.PostID != post || r.Count != count || r.Value != value || (refs != nil && !slices.Equal(r.Complaints, refs)) {
				t.Fatalf("%s: post %d count %d value %v complaints %v, want post %d count %d value %v complaints %v",
					kind, r.PostID, r.Count, r.Value, r.Complaints, post, count, value, refs)
			}
			if r.PostEn == "" || r.PostHi == "" || r.DistrictHi == "" {
				t.Fatalf("%s: names missing: %+v", kind, r)
			}
			return r
		}
		sameRow := check(report.SignalSameText, w.ladder[0], 3, 0, same)
		if sameRow.Text != "काम पूरा कर दिया गया" || sameRow.DistrictID != w.district {
			t.Errorf("same text: %q in %d", sameRow.Text, sameRow.DistrictID)
		}
		check(report.SignalQuickReport, w.kanpurLadder[0], 1, 10, []string{b[0]})
		rereg := check(report.SignalReregistered, w.kanpurLadder[0], 1, 0, []string{again.Ref})
		if !slices.Equal(rereg.Related, []string{b[1]}) {
			t.Errorf("re-registration follows %v, want %s", rereg.Related, b[1])
		}
		out := check(report.SignalSpecialClosureOutlier, w.ladder[0], 5, 0.625, nil)
		if out.PeerMedian != 0.3125 || out.Threshold != 0.375 {
			t.Errorf("outlier median %v threshold %v, want 0.3125 and 0.375", out.PeerMedian, out.Threshold)
		}
		if len(byKind[report.SignalReturnOutlier]) != 0 {
			t.Errorf("return outliers %+v", byKind[report.SignalReturnOutlier])
		}

		// Kanpur's monitor sees Kanpur's findings only.
		mine, err := w.svc.Signals(ctx, w.monitorB, service.SignalQuery{Month: "2026-11", Thresholds: report.Thresholds{OutlierFactor: 1.2}})
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, r := range mine.Rows {
			kinds = append(kinds, r.Kind)
			if r.DistrictID != w.kanpur {
				t.Errorf("Kanpur's monitor sees %s in district %d", r.Kind, r.DistrictID)
			}
		}
		if !slices.Equal(kinds, []string{report.SignalQuickReport, report.SignalReregistered}) {
			t.Errorf("Kanpur's findings %v", kinds)
		}
		// A stricter threshold: the quick report is not that quick.
		strict, err := w.svc.Signals(ctx, w.monitorB, service.SignalQuery{Thresholds: report.Thresholds{QuickReport: 5 * time.Minute}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range strict.Rows {
			if r.Kind == report.SignalQuickReport {
				t.Errorf("a 10-minute report flagged under a 5-minute threshold")
			}
		}
		// Officers and agents do not read the signals; a monitor not outside their area.
		if _, err := w.svc.Signals(ctx, w.officers[0], service.SignalQuery{}); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("an officer read the signals: %v", err)
		}
		if _, err := w.svc.Signals(ctx, w.monitorB, service.SignalQuery{AreaID: w.district}); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("Kanpur's monitor read Lucknow's signals: %v", err)
		}
	})
}
