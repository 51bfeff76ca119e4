package e2e

import (
	"fmt"
	"testing"
	"time"
)

// TestCallCentreShift: a feedback call taken from the leased queue (another
// agent gets nothing until the lease runs out), a follow-up call to the
// officer three days before the deadline with the reminder SMS two days
// before — once per level, across an escalation — and the live board
// agreeing with what was done.
func TestCallCentreShift(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		agent1, agent2 := s.as("agent1"), s.as("agent2")
		c := agent1.register(f, newMobile(), f.category, f.village)
		ref := str(c["ref"])
		other := agent1.register(f, newMobile(), f.category, f.otherVillage)
		officer2 := s.as(s.officerOf(accountable(other)))
		officer2.must(200, "POST", "/api/v1/complaints/"+str(other["ref"])+"/report", map[string]any{"text": "हैंडपंप ठीक करा दिया गया"})

		// Feedback: agent 1 takes it; agent 2 gets nothing until the lease runs out.
		l := agent1.must(200, "POST", "/api/v1/feedback-queue/next", nil)
		requireEqual(t, "leased", str(l["ref"]), str(other["ref"]))
		requireEqual(t, "agent 2 while leased", agent2.do("POST", "/api/v1/feedback-queue/next", nil).status, 204)
		s.advance("6m")
		l2 := agent2.must(200, "POST", "/api/v1/feedback-queue/next", nil)
		requireEqual(t, "after expiry", str(l2["ref"]), str(other["ref"]))
		agent2.must(200, "POST", "/api/v1/complaints/"+str(other["ref"])+"/feedback", map[string]any{"outcome": "satisfied", "remarks": "धन्यवाद"})
		requireEqual(t, "after the outcome", agent1.do("POST", "/api/v1/feedback-queue/next", nil).status, 204)

		// The live board agrees with the morning so far.
		b := s.as("supervisor1").must(200, "GET", "/api/v1/ops/live", nil)
		hours := b["registrations_by_hour"].([]any)
		requireEqual(t, "hours", len(hours), 24)
		requireEqual(t, "registered at 10:00", num(hours[10]), int64(2))
		agents := map[string]map[string]any{}
		for _, a := range b["agents"].([]any) {
			agents[str(obj(a)["username"])] = obj(a)
		}
		if agents["agent1"] == nil || agents["agent2"] == nil {
			t.Fatalf("agents on the board: %v", b["agents"])
		}
		requireEqual(t, "agent1 registered", num(agents["agent1"]["registered"]), int64(2))
		requireEqual(t, "agent2 feedback calls", num(agents["agent2"]["feedback_calls"]), int64(1))
		requireEqual(t, "agent2 timed calls", num(agents["agent2"]["timed_calls"]), int64(1))
		requireEqual(t, "agent1 feedback calls", num(agents["agent1"]["feedback_calls"]), int64(0))
		requireEqual(t, "feedback waiting", num(obj(b["queues"])["feedback"]), int64(0))
		s.as("monitor.state").must(200, "GET", "/api/v1/ops/live", nil)
		requireEqual(t, "agent reads the board", agent1.do("GET", "/api/v1/ops/live", nil).status, 403)

		// Three days before the deadline: the follow-up queue shows the officer's phone.
		due := parseTime(t, c["due_at"])
		now := s.advance("0s")
		s.advance(fmt.Sprintf("%dm", int(due.Add(-72*time.Hour).Sub(now).Minutes())+1))
		var item map[string]any
		for _, it := range items(agent1.must(200, "GET", "/api/v1/followup-queue", nil)) {
			if str(it["ref"]) == ref {
				item = it
			}
		}
		if item == nil || obj(item["officer"]) == nil || str(obj(item["officer"])["mobile"]) == "" {
			t.Fatalf("follow-up queue item %v", item)
		}
		fl := agent1.must(200, "POST", "/api/v1/followup-queue/next", nil)
		requireEqual(t, "follow-up lease", str(fl["ref"]), ref)
		commit := parseTime(t, fl["due_at"]).Add(-24 * time.Hour).Format(time.DateOnly)
		agent1.must(200, "POST", "/api/v1/complaints/"+ref+"/followups",
			map[string]any{"outcome": "committed", "committed_date": commit, "remarks": "जेई को भेजा है"})
		// The officer's supervisor reads it on the timeline.
		sup := s.as(s.officerOf(num(obj(s.as("admin").must(200, "GET", fmt.Sprintf("/api/v1/posts/%d", accountable(c)), nil))["supervisor_post_id"])))
		fu := events(sup.must(200, "GET", "/api/v1/complaints/"+ref, nil), "followup")
		requireEqual(t, "followup events", len(fu), 1)
		requireEqual(t, "committed date", str(obj(fu[0]["payload"])["committed_date"]), commit)

		// Two days before: one reminder, however often the clock moves.
		reminders := func() int {
			n := 0
			for _, e := range events(s.complaint(ref), "sms_queued") {
				if str(obj(e["payload"])["template"]) == "followup_due" {
					n++
				}
			}
			return n
		}
		requireEqual(t, "reminders three days before", reminders(), 0)
		for i := 0; i < 4; i++ {
			s.advance("6h")
		}
		requireEqual(t, "reminders two days before", reminders(), 1)
		s.advance("49h") // past the deadline: escalated to L1
		requireEqual(t, "level", num(s.complaint(ref)["level"]), int64(1))
		requireEqual(t, "reminders after the escalation", reminders(), 1)
		l1 := s.complaint(ref)
		now = s.advance("0s")
		toL1Reminder := parseTime(t, l1["due_at"]).Add(-24 * time.Hour).Sub(now)
		for i := 0; i < 4; i++ {
			s.advance(fmt.Sprintf("%dm", int(toL1Reminder.Minutes())/4))
		}
		requireEqual(t, "reminders at L1", reminders(), 2)

	})
}
