package service_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
	"github.com/nivaran/nivaran/internal/workflow"
)

// The tests in this file hold the service to the rules of DESIGN §3 that no
// other test pins down: each asserts the exact outcome, so that breaking
// the rule fails it.

// wantRefusal fails unless err is the workflow refusal of kind and key
// (and field, when given).
func wantRefusal(t testing.TB, what string, err error, kind error, field, key string) {
	t.Helper()
	var r *workflow.Refusal
	if !errors.Is(err, kind) || !errors.As(err, &r) || r.Key != key || r.Field != field {
		t.Fatalf("%s: got %v, want the refusal %v %s %s", what, err, kind, field, key)
	}
}

// eventsOf returns the complaint's events of kind, oldest first.
func eventsOf(t testing.TB, st *store.Store, complaintID int64, kind model.EventKind) []model.Event {
	t.Helper()
	all, err := st.Events(context.Background(), complaintID)
	if err != nil {
		t.Fatal(err)
	}
	var out []model.Event
	for _, e := range all {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func refsOf(rows []store.ComplaintRow) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, r.Ref)
	}
	return out
}

// TestRuleMonthlyLimitCountsIndianCalendarMonths: the ten complaints a
// mobile may file are counted per calendar month in Asia/Kolkata (DESIGN
// §3.1). At 00:10 on 1 December in India it is still 30 November in UTC, and
// the eleventh complaint is allowed.
func TestRuleMonthlyLimitCountsIndianCalendarMonths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		const mobile = "9450000001"
		w.clk.Set(istAt("2026-11-30 23:50"))
		for range 10 {
			w.register(t, mobile)
			w.clk.Advance(25 * time.Second)
		}
		w.clk.Set(istAt("2026-11-30 23:55"))
		caller, err := w.svc.LookupCaller(ctx, w.agent, mobile)
		if err != nil || caller.ComplaintsThisMonth != 10 {
			t.Fatalf("this month %d (%v), want 10", caller.ComplaintsThisMonth, err)
		}
		in := service.RegisterInput{Channel: "phone", Name: "सुनीता", Mobile: mobile, CategoryID: w.category, AreaID: w.village,
			Description: "ग्यारहवीं शिकायत"}
		_, err = w.svc.Register(ctx, w.agent, in)
		wantRefusal(t, "the eleventh complaint in November", err, workflow.ErrMonthlyLimit, "", "monthly_limit_reached")

		w.clk.Set(istAt("2026-12-01 00:10"))
		if now := w.clk.Now().UTC(); now.Month() != time.November || now.Day() != 30 {
			t.Fatalf("the test needs a UTC time still in November, got %v", now)
		}
		caller, err = w.svc.LookupCaller(ctx, w.agent, mobile)
		if err != nil || caller.ComplaintsThisMonth != 0 {
			t.Fatalf("on 1 December IST this month %d (%v), want 0", caller.ComplaintsThisMonth, err)
		}
		r, err := w.svc.Register(ctx, w.agent, in)
		if err != nil {
			t.Fatalf("on 1 December IST the first complaint of the month was refused: %v", err)
		}
		if r.Complaint.Status != model.StatusOpen || !r.Complaint.RegisteredAt.Equal(istAt("2026-12-01 00:10")) {
			t.Fatalf("registered %s at %v", r.Complaint.Status, r.Complaint.RegisteredAt)
		}
		var n int
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints WHERE mobile = $1`, mobile).Scan(&n); err != nil || n != 11 {
			t.Fatalf("%d complaints stored for the mobile (%v), want 11", n, err)
		}
	})
}

// TestRuleEscalationVoidsPendingSpecialClosure: a special closure still
// pending when the deadline passes is voided by the escalation (DESIGN
// §3.3): the complaint is open one level up without its reason code, the
// escalated event says so, and nobody can approve the old request.
func TestRuleEscalationVoidsPendingSpecialClosure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newReportWorld(t, st)
		c := w.registerAt(t, "9450000002", w.special, w.village)
		if c.AccountablePostID != w.ladder[0] {
			t.Fatalf("routed to %d, want the BDO %d", c.AccountablePostID, w.ladder[0])
		}
		if _, err := w.svc.RequestSpecialClosure(ctx, w.holder(t, w.ladder[0]), c.Ref, "sub_judice", "मामला न्यायालय में विचाराधीन है"); err != nil {
			t.Fatal(err)
		}
		if got := complaint(t, st, c.Ref); got.Status != model.StatusSpecialClosurePending || got.SpecialClosureCode != "sub_judice" {
			t.Fatalf("before the deadline: %s code %q", got.Status, got.SpecialClosureCode)
		}
		w.clk.Set(c.DueAt.Add(time.Minute))
		n, err := w.svc.Sweep(ctx)
		if err != nil || n != 1 {
			t.Fatalf("sweep changed %d (%v), want 1", n, err)
		}
		got := complaint(t, st, c.Ref)
		wantDue := c.DueAt.AddDate(0, 0, model.DefaultSLA[1])
		if got.Status != model.StatusOpen || got.Level != 1 || got.AccountablePostID != w.ladder[1] || !got.DueAt.Equal(wantDue) ||
			got.SpecialClosureCode != "" || got.SpecialClosure {
			t.Fatalf("after the sweep: %s L%d post %d due %v code %q flag %v; want open L1 post %d due %v, no special closure",
				got.Status, got.Level, got.AccountablePostID, got.DueAt, got.SpecialClosureCode, got.SpecialClosure, w.ladder[1], wantDue)
		}
		esc := eventsOf(t, st, got.ID, model.EventEscalated)
		if len(esc) != 1 {
			t.Fatalf("%d escalated events, want 1", len(esc))
		}
		e := esc[0]
		if e.Payload["special_closure_voided"] != true || e.FromPostID == nil || *e.FromPostID != w.ladder[0] ||
			e.ToPostID == nil || *e.ToPostID != w.ladder[1] || e.ToLevel == nil || *e.ToLevel != 1 {
			t.Fatalf("escalated event %+v, want special_closure_voided from %d to %d at L1", e, w.ladder[0], w.ladder[1])
		}
		// The old request is gone: the new accountable post's supervisor has
		// nothing to decide, and the old supervisor's queue is empty.
		_, err = w.svc.DecideSpecialClosure(ctx, w.supervisorOf(t, w.ladder[1]), c.Ref, true, "")
		if !errors.Is(err, workflow.ErrInvalidTransition) {
			t.Fatalf("approving a voided special closure: %v, want invalid_transition", err)
		}
		queue, _, err := w.svc.SpecialClosureQueue(ctx, w.holder(t, w.ladder[1]), "", 50)
		if err != nil || len(queue) != 0 {
			t.Fatalf("special closure queue after the void: %v (%v)", refsOf(queue), err)
		}
	})
}

// routingWorld adds to the world: a second block of Lucknow with no BDO
// (Mohanlalganj), a district with no Rural Development posts at all
// (Barabanki), and a Public Works department whose only post is a junior
// engineer over the first block, with no nodal post anywhere.
type routingWorld struct {
	*world
	noBDOVillage   int64 // in Lucknow, block without a BDO
	noDistrictPost int64 // village in Barabanki
	pwCategory     int64
	pwJE           int64 // the Public Works post over Kakori
}

func newRoutingWorld(t testing.TB, st *store.Store) *routingWorld {
	t.Helper()
	ctx := context.Background()
	w := &routingWorld{world: newWorld(t, st)}
	err := st.Tx(ctx, func(tx *store.Tx) error {
		village, err := tx.Area(ctx, w.village)
		if err != nil {
			return err
		}
		district, err := tx.Area(ctx, w.district)
		if err != nil {
			return err
		}
		add := func(kind, code, en, hi string, parent int64) int64 {
			a := model.Area{Kind: kind, Code: code, NameEn: en, NameHi: hi, ParentID: &parent}
			if err := tx.InsertArea(ctx, &a); err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		mlg := add(model.AreaBlock, "1336", "Mohanlalganj", "मोहनलालगंज", w.district)
		w.noBDOVillage = add(model.AreaVillage, "gen-v-3", "Nigohan", "निगोहां", mlg)
		bbk := add(model.AreaDistrict, "130", "Barabanki", "बाराबंकी", *district.ParentID)
		dewa := add(model.AreaBlock, "0862", "Dewa", "देवा", bbk)
		w.noDistrictPost = add(model.AreaVillage, "gen-v-4", "Kursi", "कुर्सी", dewa)

		d := model.Department{Code: "pw", NameEn: "Public Works", NameHi: "लोक निर्माण"}
		if err := tx.SaveDepartment(ctx, &d); err != nil {
			return err
		}
		g := model.Designation{DepartmentID: d.ID, Code: "pw_je", NameEn: "Junior Engineer", NameHi: "अवर अभियंता", AreaKind: model.AreaBlock}
		if err := tx.SaveDesignation(ctx, &g); err != nil {
			return err
		}
		p := model.Post{DepartmentID: d.ID, DesignationID: g.ID, AreaID: *village.ParentID, TitleEn: "JE Kakori", TitleHi: "अवर अभियंता काकोरी"}
		if err := tx.SavePost(ctx, &p); err != nil {
			return err
		}
		w.pwJE = p.ID
		c := model.Category{Code: "pw_culvert", DepartmentID: d.ID, DesignationID: g.ID, NameEn: "Culvert collapsed",
			NameHi: "पुलिया टूटी", Keywords: []string{"पुलिया"}, SLADays: model.DefaultSLA}
		if err := tx.SaveCategory(ctx, &c); err != nil {
			return err
		}
		w.pwCategory = c.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A fresh service: the world's has cached the routing table without the new posts.
	w.svc = service.New(st, w.clk, service.Config{}, nil)
	return w
}

// TestRuleRoutingFallsBackToNodalPostsThenTheDesk: with no post of the
// category's designation over the area, a complaint goes to the
// department's nodal post of the enclosing district, else the state's; with
// neither it is registered as returned and waits at the re-route desk
// (DESIGN §3.2).
func TestRuleRoutingFallsBackToNodalPostsThenTheDesk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newRoutingWorld(t, st)
		cases := []struct {
			name     string
			category int64
			area     int64
			post     int64 // 0: unroutable
			how      string
		}{
			{"designation post over the block", w.category, w.village, w.ladder[0], workflow.RouteDesignation},
			{"no BDO: the district's nodal post", w.category, w.noBDOVillage, w.ladder[1], workflow.RouteDistrictNodal},
			{"no district posts: the state's nodal post", w.category, w.noDistrictPost, w.ladder[4], workflow.RouteStateNodal},
			{"other department's designation post", w.pwCategory, w.village, w.pwJE, workflow.RouteDesignation},
			{"no post, no nodal post: unroutable", w.pwCategory, w.noDistrictPost, 0, ""},
		}
		var unroutable, routed []string
		for i, tc := range cases {
			r, err := w.svc.Register(ctx, w.agent, service.RegisterInput{Channel: "phone", Name: "रामकली", Mobile: fmt.Sprintf("94500001%02d", i),
				CategoryID: tc.category, AreaID: tc.area, Description: "शिकायत: " + tc.name})
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			c := complaint(t, st, r.Complaint.Ref)
			if c.AccountablePostID != tc.post || c.Level != 0 {
				t.Fatalf("%s: routed to post %d L%d, want post %d L0", tc.name, c.AccountablePostID, c.Level, tc.post)
			}
			if tc.post == 0 {
				unroutable = append(unroutable, c.Ref)
				ret := eventsOf(t, st, c.ID, model.EventReturned)
				if c.Status != model.StatusReturned || len(ret) != 1 || ret[0].Payload["reason"] != workflow.RouteUnroutable {
					t.Fatalf("%s: status %s, returned events %+v; want returned as unroutable", tc.name, c.Status, ret)
				}
				if n := len(eventsOf(t, st, c.ID, model.EventRouted)); n != 0 {
					t.Fatalf("%s: %d routed events for an unroutable complaint", tc.name, n)
				}
				continue
			}
			routed = append(routed, c.Ref)
			ev := eventsOf(t, st, c.ID, model.EventRouted)
			if c.Status != model.StatusOpen || len(ev) != 1 || ev[0].Payload["how"] != tc.how || ev[0].ToPostID == nil || *ev[0].ToPostID != tc.post {
				t.Fatalf("%s: status %s, routed events %+v; want open, routed to %d by %q", tc.name, c.Status, ev, tc.post, tc.how)
			}
		}
		desk, _, err := w.svc.RerouteDesk(ctx, w.sup, "", 50)
		if err != nil {
			t.Fatal(err)
		}
		if got := refsOf(desk); !slices.Equal(got, unroutable) {
			t.Fatalf("re-route desk %v, want only the unroutable %v (routed: %v)", got, unroutable, routed)
		}
	})
}

// TestRuleMarkOnlyToASubordinatePost: the accountable officer may mark a
// complaint to a post below their own, and to no other (DESIGN §3.4);
// accountability and the clock stay where they were.
func TestRuleMarkOnlyToASubordinatePost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newReportWorld(t, st)
		c := w.register(t, "9450000003")
		// Let it pass to the PD (L1), so that the BDO's post lies below.
		w.clk.Set(c.DueAt.Add(time.Minute))
		if n, err := w.svc.Sweep(ctx); err != nil || n != 1 {
			t.Fatalf("sweep changed %d (%v)", n, err)
		}
		before := complaint(t, st, c.Ref)
		if before.Level != 1 || before.AccountablePostID != w.ladder[1] {
			t.Fatalf("after the sweep: L%d post %d", before.Level, before.AccountablePostID)
		}
		pd := w.holder(t, w.ladder[1])
		refused := []struct {
			name string
			post int64
		}{
			{"its supervisor's post", w.ladder[2]},
			{"the top of its ladder", w.ladder[4]},
			{"an unrelated post (Kanpur's BDO)", w.kanpurLadder[0]},
			{"its own post", w.ladder[1]},
		}
		for _, tc := range refused {
			_, err := w.svc.Mark(ctx, pd, c.Ref, tc.post, "जाँच करें")
			wantRefusal(t, "mark to "+tc.name, err, workflow.ErrValidation, "post_id", "not_subordinate")
		}
		if got := complaint(t, st, c.Ref); got.MarkedPostID != nil || got.Version != before.Version {
			t.Fatalf("refused marks changed the complaint: marked %v, version %d → %d", got.MarkedPostID, before.Version, got.Version)
		}
		if n := len(eventsOf(t, st, before.ID, model.EventMarked)); n != 0 {
			t.Fatalf("%d marked events after refusals", n)
		}

		if _, err := w.svc.Mark(ctx, pd, c.Ref, w.ladder[0], "स्थल निरीक्षण कर आख्या दें"); err != nil {
			t.Fatalf("mark to the subordinate BDO: %v", err)
		}
		got := complaint(t, st, c.Ref)
		if got.MarkedPostID == nil || *got.MarkedPostID != w.ladder[0] || got.AccountablePostID != w.ladder[1] ||
			got.Level != 1 || !got.DueAt.Equal(before.DueAt) || got.Status != model.StatusOpen {
			t.Fatalf("after the mark: marked %v, post %d L%d due %v %s; want marked %d, post %d L1 due %v open",
				got.MarkedPostID, got.AccountablePostID, got.Level, got.DueAt, got.Status, w.ladder[0], w.ladder[1], before.DueAt)
		}
		ev := eventsOf(t, st, got.ID, model.EventMarked)
		if len(ev) != 1 || ev[0].FromPostID == nil || *ev[0].FromPostID != w.ladder[1] || ev[0].ToPostID == nil || *ev[0].ToPostID != w.ladder[0] {
			t.Fatalf("marked events %+v", ev)
		}
	})
}

// TestRuleFeedbackQueueOldestReportFirst: the feedback queue runs by the
// time of the report, not of the registration (DESIGN §3.6).
func TestRuleFeedbackQueueOldestReportFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		a := w.register(t, "9450000004")
		w.clk.Advance(time.Minute)
		b := w.register(t, "9450000005")
		w.clk.Advance(time.Hour)
		for _, c := range []store.ComplaintRow{b, a} {
			if _, err := w.svc.Report(ctx, w.officers[0], c.Ref, "सड़क की मरम्मत करा दी गई "+c.Ref, nil); err != nil {
				t.Fatal(err)
			}
			w.clk.Advance(10 * time.Minute)
		}
		list, _, err := w.svc.FeedbackQueue(ctx, w.agent, "", 50)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := refsOf(list), []string{b.Ref, a.Ref}; !slices.Equal(got, want) {
			t.Fatalf("feedback queue %v, want B then A %v", got, want)
		}
		for _, want := range []string{b.Ref, a.Ref} {
			l, err := w.svc.NextFeedbackCall(ctx, w.agent)
			if err != nil || l.Complaint.Ref != want {
				t.Fatalf("next feedback call %q (%v), want %s", l.Complaint.Ref, err, want)
			}
			if _, err := w.svc.Feedback(ctx, w.agent, want, "satisfied", ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.svc.NextFeedbackCall(ctx, w.agent); !errors.Is(err, service.ErrQueueEmpty) {
			t.Fatalf("after both calls: %v, want an empty queue", err)
		}
	})
}

// TestRuleFalseComplaintBlocksOnlyWhenAsked: a supervisor closes a false
// complaint, blocking the number only when asked to (DESIGN §3.10).
func TestRuleFalseComplaintBlocksOnlyWhenAsked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		const mobile = "9450000006"
		first := w.register(t, mobile)
		if _, err := w.svc.MarkFalse(ctx, w.sup, first.Ref, "झूठी शिकायत", false); err != nil {
			t.Fatal(err)
		}
		got := complaint(t, st, first.Ref)
		if got.Status != model.StatusClosed || got.ClosureReason != model.ClosedFalse || got.ClosedAt == nil {
			t.Fatalf("closed as %s/%s at %v, want closed/false_complaint", got.Status, got.ClosureReason, got.ClosedAt)
		}
		if n := len(eventsOf(t, st, got.ID, model.EventCallerBlocked)); n != 0 {
			t.Fatalf("%d caller_blocked events without block", n)
		}
		if caller, err := w.svc.LookupCaller(ctx, w.agent, mobile); err != nil || caller.Blocked != nil {
			t.Fatalf("after a false complaint without block: blocked %+v (%v)", caller.Blocked, err)
		}
		second := w.register(t, mobile) // accepted: fails the test otherwise

		if _, err := w.svc.MarkFalse(ctx, w.sup, second.Ref, "फिर से झूठी शिकायत", true); err != nil {
			t.Fatal(err)
		}
		got = complaint(t, st, second.Ref)
		if got.Status != model.StatusClosed || got.ClosureReason != model.ClosedFalse {
			t.Fatalf("closed as %s/%s, want closed/false_complaint", got.Status, got.ClosureReason)
		}
		if n := len(eventsOf(t, st, got.ID, model.EventCallerBlocked)); n != 1 {
			t.Fatalf("%d caller_blocked events with block, want 1", n)
		}
		_, err := w.svc.Register(ctx, w.agent, service.RegisterInput{Channel: "phone", Name: "सुनीता", Mobile: mobile,
			CategoryID: w.category, AreaID: w.village, Description: "तीसरी शिकायत"})
		wantRefusal(t, "registration from a blocked number", err, workflow.ErrCallerBlocked, "", "caller_blocked")
	})
}

// TestRuleTransferSMSCountsPendingWork: the officer taking charge of a post
// is told how many complaints are pending with it (DESIGN §3.11): those
// that need the post's action, open and special-closure-pending — what the
// inbox shows and the pendency report counts. Reported complaints wait for
// the citizen's call, returned ones for the re-route desk, closed ones for
// nobody.
func TestRuleTransferSMSCountsPendingWork(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newReportWorld(t, st)
		bdo, post := w.holder(t, w.ladder[0]), w.ladder[0]
		must := func(_ store.ComplaintRow, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		w.registerAt(t, "9450000011", w.category, w.village) // open
		w.registerAt(t, "9450000012", w.category, w.village) // open
		rep := w.registerAt(t, "9450000013", w.category, w.village)
		must(w.svc.Report(ctx, bdo, rep.Ref, "मरम्मत पूरी", nil)) // reported
		ret := w.registerAt(t, "9450000014", w.category, w.village)
		must(w.svc.Return(ctx, bdo, ret.Ref, "यह हमारे विभाग का मामला नहीं है")) // returned
		w.closeSatisfied(t, "9450000015", w.village)                             // closed
		sc := w.registerAt(t, "9450000016", w.special, w.village)
		must(w.svc.RequestSpecialClosure(ctx, bdo, sc.Ref, "sub_judice", "मामला न्यायालय में विचाराधीन है")) // special_closure_pending
		w.registerAt(t, "9450000017", w.category, w.kanpurVillage)                                           // another post's
		const wantPending = 3

		o, err := w.svc.CreateOfficer(ctx, w.admin, service.NewOfficer{Name: "Naya Adhikari", Mobile: "9811122233", Username: "naya",
			Password: "a-long-password"})
		if err != nil {
			t.Fatal(err)
		}
		w.clk.Advance(time.Hour)
		if err := w.svc.AssignOfficer(ctx, w.admin, post, o.ID); err != nil {
			t.Fatal(err)
		}
		inbox, _, err := w.svc.Inbox(ctx, w.principal(t, "naya"), nil, "", 50)
		if err != nil || len(inbox) != wantPending {
			t.Fatalf("the new officer's inbox %v (%v), want %d complaints", refsOf(inbox), err, wantPending)
		}
		msgs, err := st.Outbox(ctx, store.OutboxFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var counts []string
		for _, m := range msgs {
			if m.Template == model.TmplTransferred && m.Mobile == o.Mobile {
				counts = append(counts, m.Vars["count"])
			}
		}
		if want := []string{fmt.Sprint(wantPending)}; !slices.Equal(counts, want) {
			t.Fatalf("transfer SMS to the new officer with counts %v, want %v (open 2 + special_closure_pending 1)", counts, want)
		}
	})
}
