package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
	"github.com/nivaran/nivaran/internal/workflow"
)

// TestLiveBoardMatchesARecount plays a morning on the floor — registrations
// over several hours, feedback calls with known handling times, follow-ups,
// a return to the desk — and checks every figure of the live board against a
// recount from the complaints and their events.
func TestLiveBoardMatchesARecount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		ag := w.agents(t, "shift", 3)
		reg := func(p *auth.Principal, mobile string) store.ComplaintRow {
			r, err := w.svc.Register(ctx, p, service.RegisterInput{Channel: "phone", Name: "रमेश", Mobile: mobile,
				CategoryID: w.category, AreaID: w.village, Description: "हैंडपंप खराब है"})
			if err != nil {
				t.Fatal(err)
			}
			return r.Complaint
		}
		// 07:00 IST: the night's last call; 10:00–12:00 the morning rush.
		w.clk.Set(t0.Add(-3 * time.Hour))
		var all []store.ComplaintRow
		all = append(all, reg(w.agent, "9000000001"))
		w.clk.Set(t0)
		for i := 0; i < 4; i++ {
			all = append(all, reg(ag[0], fmt.Sprintf("90000001%02d", i)))
			w.clk.Advance(7 * time.Minute)
		}
		w.clk.Set(t0.Add(time.Hour))
		for i := 0; i < 3; i++ {
			all = append(all, reg(ag[1], fmt.Sprintf("90000002%02d", i)))
			w.clk.Advance(11 * time.Minute)
		}
		for _, c := range all[:5] {
			if _, err := w.svc.Report(ctx, w.officers[0], c.Ref, "काम पूरा "+c.Ref, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.svc.Return(ctx, w.officers[0], all[5].Ref, "यह हमारा विषय नहीं"); err != nil {
			t.Fatal(err)
		}
		// Feedback calls: agent 0 takes 2 and 4 minutes, agent 1 takes 3.
		call := func(p *auth.Principal, took time.Duration, outcome string) {
			l, err := w.svc.NextFeedbackCall(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			w.clk.Advance(took)
			if _, err := w.svc.Feedback(ctx, p, l.Complaint.Ref, outcome, ""); err != nil {
				t.Fatal(err)
			}
		}
		w.clk.Set(t0.Add(2 * time.Hour))
		call(ag[0], 2*time.Minute, "satisfied")
		call(ag[1], 3*time.Minute, "unreachable")
		call(ag[0], 4*time.Minute, "not_satisfied")
		// One follow-up by agent 2 (looking 16 days ahead), one lease left open.
		l, err := w.svc.NextFollowupCall(ctx, ag[2], 16)
		if err != nil {
			t.Fatal(err)
		}
		w.clk.Advance(5 * time.Minute)
		if _, err := w.svc.RecordFollowup(ctx, ag[2], l.Complaint.Ref, service.FollowupRequest{Outcome: "unreachable"}); err != nil {
			t.Fatal(err)
		}
		w.clk.Advance(12 * time.Minute) // agent 0 last acted 17 minutes ago, agent 2 12
		if _, err := w.svc.NextFeedbackCall(ctx, ag[1]); err != nil {
			t.Fatal(err)
		}

		b, err := w.svc.Live(ctx, w.sup)
		if err != nil {
			t.Fatal(err)
		}
		// Recount registrations by IST hour from the complaints.
		var byHour [24]int
		rows, err := st.DB().QueryContext(ctx, `SELECT registered_at FROM complaints`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var at int64
			_ = rows.Scan(&at)
			tm := time.UnixMilli(at)
			if workflow.Day(tm) == b.Date {
				byHour[tm.In(workflow.IST).Hour()]++
			}
		}
		rows.Close()
		if b.RegistrationsByHour != byHour || b.RegistrationsToday != len(all) {
			t.Fatalf("registrations by hour %v (%d), recount %v", b.RegistrationsByHour, b.RegistrationsToday, byHour)
		}
		if byHour[7] != 1 || byHour[10] != 4 || byHour[11] != 3 {
			t.Fatalf("the script's hours: %v", byHour)
		}
		// Recount per-agent figures from the events.
		count := func(kind string, user int64) int {
			var n int
			_ = st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM complaint_events WHERE kind = $1 AND actor_user_id = $2`, kind, user).Scan(&n)
			return n
		}
		want := map[int64]struct {
			median time.Duration
			active bool
		}{ag[0].User.ID: {3 * time.Minute, false}, ag[1].User.ID: {3 * time.Minute, true},
			ag[2].User.ID: {5 * time.Minute, true}, w.agent.User.ID: {0, false}}
		if len(b.Agents) != len(want) {
			t.Fatalf("%d agents on the board, want %d: %+v", len(b.Agents), len(want), b.Agents)
		}
		active := 0
		for _, a := range b.Agents {
			wa, ok := want[a.UserID]
			if !ok {
				t.Fatalf("unexpected agent %+v", a)
			}
			if a.Registered != count("registered", a.UserID) || a.FeedbackCalls != count("feedback", a.UserID) ||
				a.FollowupCalls != count("followup", a.UserID) {
				t.Errorf("%s: registered %d feedback %d followups %d; recount %d %d %d", a.Username, a.Registered, a.FeedbackCalls,
					a.FollowupCalls, count("registered", a.UserID), count("feedback", a.UserID), count("followup", a.UserID))
			}
			if a.MedianHandling != wa.median || a.Active != wa.active {
				t.Errorf("%s: median %v active %v, want %v %v", a.Username, a.MedianHandling, a.Active, wa.median, wa.active)
			}
			if a.Active {
				active++
			}
		}
		if b.AgentsActive != active || active != 2 {
			t.Errorf("agents active %d, listed active %d", b.AgentsActive, active)
		}
		if b.Totals.Registered != len(all) || b.Totals.FeedbackCalls != 3 || b.Totals.FollowupCalls != 1 || b.Totals.Timed != 4 ||
			b.Totals.MedianHandling != (3*time.Minute+4*time.Minute)/2 {
			t.Errorf("totals %+v", b.Totals)
		}
		// Queues: recount by status.
		status := func(s string) int {
			var n int
			_ = st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints WHERE status = $1`, s).Scan(&n)
			return n
		}
		if f := b.Feedback; f.Waiting+f.InCall+f.Resting != status("reported") || f.InCall != 1 || f.Resting != 1 {
			t.Errorf("feedback queue %+v, %d reported", f, status("reported"))
		}
		if b.Reroute.Waiting != status("returned") || b.Reroute.Waiting != 1 || b.Reroute.OldestSince == nil {
			t.Errorf("re-route desk %+v", b.Reroute)
		}
		if b.Followup.Waiting != 0 {
			t.Errorf("follow-up queue %+v, nothing is due within three days", b.Followup)
		}
		if b.Feedback.OldestSince == nil || b.Feedback.OldestAge <= 0 {
			t.Errorf("oldest feedback item %+v", b.Feedback)
		}
		if _, err := w.svc.Live(ctx, ag[0]); err == nil {
			t.Errorf("an agent read the live board")
		}
	})
}
