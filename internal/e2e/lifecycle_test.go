package e2e

import (
	"fmt"
	"testing"
	"time"
)

// TestEscalationClimbsTheLadder: register; 15 days → L1 at the L0 post's
// supervisor; +7 → L2; … → L4; past L4 → one overdue_at_top. Each level fires
// exactly once, and a late sweep does not extend anyone's time.
func TestEscalationClimbsTheLadder(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		agent := s.as("agent1")
		c := agent.register(f, newMobile(), f.category, f.village)
		ref := str(c["ref"])
		l0 := accountable(c)
		chain := s.as("admin").must(200, "GET", fmt.Sprintf("/api/v1/posts/%d/chain", l0), nil)["levels"].([]any)
		requireEqual(t, "ladder length", len(chain), 5)
		registered := parseTime(t, c["registered_at"])
		due := parseTime(t, c["due_at"])
		requireEqual(t, "L0 due", due.Sub(registered), time.Duration(f.sla[0])*24*time.Hour)

		// The day before the deadline nothing happens.
		s.advance(fmt.Sprintf("%dh", f.sla[0]*24-1))
		requireEqual(t, "level before due", num(s.complaint(ref)["level"]), int64(0))

		for level := 1; level <= 4; level++ {
			// Sweep an hour late: the next due is counted from the previous due.
			s.advance(fmt.Sprintf("%dh", 2))
			got := s.complaint(ref)
			requireEqual(t, "level", num(got["level"]), int64(level))
			requireEqual(t, "accountable post", accountable(got), num(obj(chain[level])["id"]))
			due = due.Add(time.Duration(f.sla[level]) * 24 * time.Hour)
			requireEqual(t, "due", parseTime(t, got["due_at"]).Equal(due), true)
			esc := events(got, "escalated")
			requireEqual(t, "escalated events", len(esc), level)
			last := esc[len(esc)-1]
			requireEqual(t, "from_level", num(last["from_level"]), int64(level-1))
			requireEqual(t, "to_level", num(last["to_level"]), int64(level))
			requireEqual(t, "defaulter", num(last["from_post_id"]), num(obj(chain[level-1])["id"]))
			requireEqual(t, "to_post_id", num(last["to_post_id"]), num(obj(chain[level])["id"]))
			// The new post's officer sees it; the defaulter no longer does.
			inbox := s.as(s.officerOf(num(obj(chain[level])["id"]))).must(200, "GET", "/api/v1/inbox", nil)
			found := false
			for _, it := range items(inbox) {
				found = found || str(it["ref"]) == ref
			}
			requireEqual(t, "in the new post's inbox", found, true)
			if level < 4 {
				s.advance(fmt.Sprintf("%dh", f.sla[level]*24-2))
				requireEqual(t, "level just before next due", num(s.complaint(ref)["level"]), int64(level))
			}
		}
		s.advance(fmt.Sprintf("%dh", f.sla[4]*24))
		got := s.complaint(ref)
		requireEqual(t, "level at top", num(got["level"]), int64(4))
		requireEqual(t, "overdue", got["overdue"].(bool), true)
		requireEqual(t, "overdue_at_top events", len(events(got, "overdue_at_top")), 1)
		// The state monitoring cell sees it among the overdue at the top.
		atTop := false
		for _, it := range items(s.as("monitor.state").must(200, "GET", "/api/v1/complaints?level=4&overdue=true", nil)) {
			atTop = atTop || str(it["ref"]) == ref
		}
		requireEqual(t, "listed for the state monitoring cell", atTop, true)
		s.advance("240h")
		got = s.complaint(ref)
		requireEqual(t, "overdue_at_top events after more time", len(events(got, "overdue_at_top")), 1)
		requireEqual(t, "escalated events after more time", len(events(got, "escalated")), 4)
		// Every escalation queued an SMS to the new post and to the defaulter.
		sms := 0
		for _, e := range events(got, "sms_queued") {
			if tpl := str(obj(e["payload"])["template"]); tpl == "complaint_escalated" || tpl == "escalation_defaulter" {
				sms++
			}
		}
		requireEqual(t, "escalation SMS", sms, 8)
	})
}

// TestLateSweepCatchesUpLevelByLevel: a clock moved 40 days at once climbs
// every level, one escalated event each, with dues from the previous due.
func TestLateSweepCatchesUpLevelByLevel(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		c := s.as("agent1").register(f, newMobile(), f.category, f.village)
		s.advance("960h")
		got := s.complaint(str(c["ref"]))
		requireEqual(t, "level", num(got["level"]), int64(4))
		requireEqual(t, "escalated", len(events(got, "escalated")), 4)
		want := parseTime(t, c["due_at"])
		for l := 1; l <= 4; l++ {
			want = want.Add(time.Duration(f.sla[l]) * 24 * time.Hour)
		}
		requireEqual(t, "due at L4", parseTime(t, got["due_at"]).Equal(want), true)
	})
}

// TestReportAndFeedback: report → satisfied closes; not satisfied reopens one
// level up with a fresh window; three unreachable calls close as unreachable.
func TestReportAndFeedback(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		agent := s.as("agent1")

		// Satisfied.
		c := agent.register(f, newMobile(), f.category, f.village)
		ref := str(c["ref"])
		officer := s.as(s.officerOf(accountable(c)))
		got := officer.must(200, "POST", "/api/v1/complaints/"+ref+"/report", map[string]string{"text": "सड़क से पानी निकलवा दिया गया, नाली साफ़ कराई गई।"})
		requireEqual(t, "status after report", str(got["status"]), "reported")
		queue := agent.must(200, "GET", "/api/v1/feedback-queue", nil)
		inQueue := false
		for _, it := range items(queue) {
			inQueue = inQueue || str(it["ref"]) == ref
		}
		requireEqual(t, "in feedback queue", inQueue, true)
		got = agent.must(200, "POST", "/api/v1/complaints/"+ref+"/feedback", map[string]string{"outcome": "satisfied", "remarks": "संतुष्ट"})
		requireEqual(t, "status", str(got["status"]), "closed")
		requireEqual(t, "closure_reason", str(got["closure_reason"]), "satisfied")
		// A closed complaint accepts no second report.
		r := officer.do("POST", "/api/v1/complaints/"+ref+"/report", map[string]string{"text": "फिर से"})
		requireEqual(t, "report on closed", r.status, 409)
		requireEqual(t, "problem code", str(r.body["code"]), "invalid_transition")

		// Not satisfied: reopened one level up, fresh window from now.
		c = agent.register(f, newMobile(), f.category, f.village)
		ref = str(c["ref"])
		l0 := accountable(c)
		officer = s.as(s.officerOf(l0))
		officer.must(200, "POST", "/api/v1/complaints/"+ref+"/report", map[string]string{"text": "मौके पर जाकर समस्या का समाधान किया गया।"})
		now := s.advance("24h")
		got = agent.must(200, "POST", "/api/v1/complaints/"+ref+"/feedback", map[string]string{"outcome": "not_satisfied", "remarks": "पानी अब भी भरा है"})
		requireEqual(t, "status", str(got["status"]), "open")
		requireEqual(t, "level", num(got["level"]), int64(1))
		requireEqual(t, "reopen_count", num(got["reopen_count"]), int64(1))
		sup := num(s.as("admin").must(200, "GET", fmt.Sprintf("/api/v1/posts/%d", l0), nil)["supervisor_post_id"])
		requireEqual(t, "accountable is the supervisor", accountable(got), sup)
		requireEqual(t, "fresh window", parseTime(t, got["due_at"]).Equal(now.Add(time.Duration(f.sla[1])*24*time.Hour)), true)
		requireEqual(t, "reopened events", len(events(s.complaint(ref), "reopened")), 1)
		// The identical report again is refused after the reopen.
		r = s.as(s.officerOf(sup)).do("POST", "/api/v1/complaints/"+ref+"/report", map[string]string{"text": "मौके पर जाकर समस्या का समाधान किया गया।"})
		requireEqual(t, "identical report", r.status, 409)
		requireEqual(t, "problem code", str(r.body["code"]), "duplicate_report")

		// Three unreachable calls close it as unreachable.
		c = agent.register(f, newMobile(), f.category, f.village)
		ref = str(c["ref"])
		s.as(s.officerOf(accountable(c))).must(200, "POST", "/api/v1/complaints/"+ref+"/report", map[string]string{"text": "कार्य पूर्ण।"})
		for i := 1; i <= 3; i++ {
			got = agent.must(200, "POST", "/api/v1/complaints/"+ref+"/feedback", map[string]string{"outcome": "unreachable"})
			requireEqual(t, "feedback_attempts", num(got["feedback_attempts"]), int64(i))
		}
		requireEqual(t, "status", str(got["status"]), "closed")
		requireEqual(t, "closure_reason", str(got["closure_reason"]), "unreachable")
	})
}

// TestSpecialClosure: approved → reported with the flag, and a "not
// satisfied" closes it as special_closure; rejected → open, clock unchanged.
func TestSpecialClosure(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		agent := s.as("agent1")
		c := agent.register(f, newMobile(), f.specialCat, f.village)
		ref := str(c["ref"])
		l0 := accountable(c)
		officer := s.as(s.officerOf(l0))
		// Not allowed for a type that does not permit it.
		plain := agent.register(f, newMobile(), f.category, f.village)
		r := s.as(s.officerOf(accountable(plain))).do("POST", "/api/v1/complaints/"+str(plain["ref"])+"/special-closure",
			map[string]string{"reason_code": "sub_judice", "text": "न्यायालय में विचाराधीन"})
		requireEqual(t, "special closure on a type without it", r.status, 409)

		r = officer.do("POST", "/api/v1/complaints/"+ref+"/special-closure", map[string]string{"reason_code": "no_such_code", "text": "x"})
		requireEqual(t, "unknown reason code", r.status, 400)
		got := officer.must(200, "POST", "/api/v1/complaints/"+ref+"/special-closure", map[string]string{"reason_code": "sub_judice", "text": "मामला सिविल न्यायालय में विचाराधीन है।"})
		requireEqual(t, "status", str(got["status"]), "special_closure_pending")
		// Only the supervisor post decides.
		r = officer.do("POST", "/api/v1/complaints/"+ref+"/special-closure/decision", map[string]any{"approve": true, "note": "x"})
		requireEqual(t, "self-approval", r.status, 403)
		sup := num(s.as("admin").must(200, "GET", fmt.Sprintf("/api/v1/posts/%d", l0), nil)["supervisor_post_id"])
		supervisor := s.as(s.officerOf(sup))
		got = supervisor.must(200, "POST", "/api/v1/complaints/"+ref+"/special-closure/decision", map[string]any{"approve": true, "note": "स्वीकृत"})
		requireEqual(t, "status after approval", str(got["status"]), "reported")
		requireEqual(t, "special flag", got["special_closure"].(bool), true)
		got = agent.must(200, "POST", "/api/v1/complaints/"+ref+"/feedback", map[string]string{"outcome": "not_satisfied"})
		requireEqual(t, "status", str(got["status"]), "closed")
		requireEqual(t, "closure_reason", str(got["closure_reason"]), "special_closure")
		requireEqual(t, "no reopen", num(got["reopen_count"]), int64(0))

		// Rejected: back to open with the same due date.
		c = agent.register(f, newMobile(), f.specialCat, f.village)
		ref = str(c["ref"])
		officer.must(200, "POST", "/api/v1/complaints/"+ref+"/special-closure", map[string]string{"reason_code": "personal_dispute", "text": "पारिवारिक विवाद है।"})
		got = supervisor.must(200, "POST", "/api/v1/complaints/"+ref+"/special-closure/decision", map[string]any{"approve": false, "note": "जाँच कर आख्या दें"})
		requireEqual(t, "status after rejection", str(got["status"]), "open")
		requireEqual(t, "due unchanged", str(got["due_at"]), str(c["due_at"]))
		requireEqual(t, "rejected events", len(events(s.complaint(ref), "special_closure_rejected")), 1)
	})
}

// TestReturnAndReroute: return → the re-route desk → new post at level 0 with
// a fresh clock; or the return is rejected and the clock is unchanged.
func TestReturnAndReroute(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		agent, desk := s.as("agent1"), s.as("supervisor1")
		c := agent.register(f, newMobile(), f.category, f.village)
		ref := str(c["ref"])
		officer := s.as(s.officerOf(accountable(c)))
		r := officer.do("POST", "/api/v1/complaints/"+ref+"/return", map[string]string{"reason": ""})
		requireEqual(t, "return without reason", r.status, 400)
		got := officer.must(200, "POST", "/api/v1/complaints/"+ref+"/return", map[string]string{"reason": "यह विभाग का मामला नहीं है"})
		requireEqual(t, "status", str(got["status"]), "returned")
		onDesk := false
		for _, it := range items(desk.must(200, "GET", "/api/v1/reroute-desk", nil)) {
			onDesk = onDesk || str(it["ref"]) == ref
		}
		requireEqual(t, "on the re-route desk", onDesk, true)
		r = agent.do("POST", "/api/v1/complaints/"+ref+"/reroute", map[string]any{"category_id": f.otherCategory, "note": "x"})
		requireEqual(t, "agent cannot re-route", r.status, 403)
		now := s.advance("48h")
		got = desk.must(200, "POST", "/api/v1/complaints/"+ref+"/reroute", map[string]any{"category_id": f.otherCategory, "area_id": f.otherVillage, "note": "सही विभाग को भेजा"})
		requireEqual(t, "status", str(got["status"]), "open")
		requireEqual(t, "level", num(got["level"]), int64(0))
		requireEqual(t, "category", num(obj(got["category"])["id"]), f.otherCategory)
		requireEqual(t, "area", num(obj(got["area"])["id"]), f.otherVillage)
		requireEqual(t, "fresh clock", parseTime(t, got["due_at"]).After(now), true)

		// Rejected return: back to the same post, due date unchanged.
		c = agent.register(f, newMobile(), f.category, f.village)
		ref = str(c["ref"])
		officer = s.as(s.officerOf(accountable(c)))
		officer.must(200, "POST", "/api/v1/complaints/"+ref+"/return", map[string]string{"reason": "गलत स्थान"})
		got = desk.must(200, "POST", "/api/v1/complaints/"+ref+"/reroute", map[string]any{"reject": true, "note": "स्थान सही है"})
		requireEqual(t, "status", str(got["status"]), "open")
		requireEqual(t, "same post", accountable(got), accountable(c))
		requireEqual(t, "due unchanged", str(got["due_at"]), str(c["due_at"]))
		requireEqual(t, "return_count", num(got["return_count"]), int64(1))
	})
}
