package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestTransferMovesTheQueue: a new officer on the post sees every open
// complaint of the post; the previous officer loses access at once.
func TestTransferMovesTheQueue(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		agent, admin := s.as("agent1"), s.as("admin")
		c1 := agent.register(f, newMobile(), f.category, f.village)
		c2 := agent.register(f, newMobile(), f.category, f.village)
		post := accountable(c1)
		requireEqual(t, "same post", accountable(c2), post)
		oldName := s.officerOf(post)
		old := s.as(oldName)
		requireEqual(t, "old officer sees it", old.do("GET", "/api/v1/complaints/"+str(c1["ref"]), nil).status, 200)

		newOfficer := admin.must(201, "POST", "/api/v1/officers", map[string]string{"name": "Kavita Rawat", "mobile": "9811122233",
			"username": "kavita.rawat", "password": demoPassword})
		fixed := admin.must(200, "PATCH", fmt.Sprintf("/api/v1/officers/%d", num(newOfficer["id"])), map[string]any{"mobile": "98111 22234"})
		requireEqual(t, "officer mobile corrected", str(fixed["mobile"]), "9811122234")
		requireEqual(t, "bad mobile", admin.do("PATCH", fmt.Sprintf("/api/v1/officers/%d", num(newOfficer["id"])), map[string]any{"mobile": "123"}).status, 400)
		got := admin.must(200, "PUT", fmt.Sprintf("/api/v1/posts/%d/officer", post), map[string]any{"officer_id": num(newOfficer["id"])})
		requireEqual(t, "post's officer", str(obj(got["officer"])["username"]), "kavita.rawat")

		requireEqual(t, "old officer loses the complaint", old.do("GET", "/api/v1/complaints/"+str(c1["ref"]), nil).status, 404)
		requireEqual(t, "old inbox empty of it", len(items(old.must(200, "GET", "/api/v1/inbox", nil))) < 100, true)
		for _, it := range items(old.must(200, "GET", "/api/v1/inbox", nil)) {
			if str(it["ref"]) == str(c1["ref"]) || str(it["ref"]) == str(c2["ref"]) {
				t.Fatal("the previous officer still has the post's queue")
			}
		}
		inbox := items(s.as("kavita.rawat").must(200, "GET", "/api/v1/inbox", nil))
		refs := map[string]bool{}
		for _, it := range inbox {
			refs[str(it["ref"])] = true
			requireEqual(t, "complainant hidden from officers", obj(it["complainant"])["mobile"] == nil, true)
		}
		requireEqual(t, "new officer has both", refs[str(c1["ref"])] && refs[str(c2["ref"])], true)
		// The inbox pages by due date with its own cursor.
		kavita := s.as("kavita.rawat")
		first := kavita.must(200, "GET", "/api/v1/inbox?limit=1", nil)
		cursor := str(first["next_cursor"])
		if cursor == "" {
			t.Fatal("a full first page has no next_cursor")
		}
		second := kavita.must(200, "GET", "/api/v1/inbox?limit=1&cursor="+cursor, nil)
		requireEqual(t, "second page", len(items(second)), 1)
		if str(items(second)[0]["ref"]) == str(items(first)[0]["ref"]) {
			t.Fatal("the second page repeats the first")
		}
		requireEqual(t, "bad cursor", kavita.do("GET", "/api/v1/inbox?cursor=zzz", nil).status, 400)
		// Nothing about the complaints changed.
		requireEqual(t, "accountable unchanged", accountable(s.complaint(str(c1["ref"]))), post)
		// The posting history keeps both officers.
		hist := items(admin.must(200, "GET", fmt.Sprintf("/api/v1/posts/%d/postings", post), nil))
		requireEqual(t, "postings", len(hist), 2)
		requireEqual(t, "old posting ended", hist[1]["to"] != nil, true)
		// Vacating the post.
		got = admin.must(200, "PUT", fmt.Sprintf("/api/v1/posts/%d/officer", post), map[string]any{"officer_id": nil})
		requireEqual(t, "vacant", got["officer"] == nil, true)
	})
}

// TestBlockedNumbersAndMonthlyCap: a blocked number is refused; the 11th
// complaint of a month is refused, then allowed by a supervisor's override.
func TestBlockedNumbersAndMonthlyCap(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		agent, sup := s.as("agent1"), s.as("supervisor1")
		mobile := newMobile()
		requireEqual(t, "agent cannot block", agent.do("POST", "/api/v1/blocked-numbers", map[string]string{"mobile": mobile, "reason": "x"}).status, 403)
		sup.must(201, "POST", "/api/v1/blocked-numbers", map[string]string{"mobile": "+91 " + mobile, "reason": "बार-बार झूठी शिकायतें"})
		r := agent.do("POST", "/api/v1/complaints", map[string]any{"channel": "phone", "category_id": f.category, "area_id": f.village,
			"description": "x", "complainant": map[string]any{"name": "क", "mobile": mobile}})
		requireEqual(t, "blocked", r.status, 403)
		requireEqual(t, "code", str(r.body["code"]), "caller_blocked")
		caller := agent.must(200, "GET", "/api/v1/callers/"+mobile, nil)
		requireEqual(t, "caller shows the block", obj(caller["blocked"])["reason"] != nil, true)
		listed := false
		for _, b := range items(agent.must(200, "GET", "/api/v1/blocked-numbers", nil)) {
			listed = listed || str(b["mobile"]) == mobile
		}
		requireEqual(t, "listed", listed, true)
		sup.must(204, "DELETE", "/api/v1/blocked-numbers/"+mobile, map[string]string{"reason": "अपील स्वीकृत"})
		agent.register(f, mobile, f.category, f.village)

		// Monthly cap: 10 allowed (one already), the 11th refused.
		capped := newMobile()
		for i := 0; i < 10; i++ {
			agent.register(f, capped, f.category, f.village)
		}
		caller = agent.must(200, "GET", "/api/v1/callers/"+capped, nil)
		requireEqual(t, "complaints_this_month", num(caller["complaints_this_month"]), int64(10))
		requireEqual(t, "monthly_limit", num(caller["monthly_limit"]), int64(10))
		body := map[string]any{"channel": "phone", "category_id": f.category, "area_id": f.village, "description": "ग्यारहवीं शिकायत",
			"complainant": map[string]any{"name": "क", "mobile": capped}}
		r = agent.do("POST", "/api/v1/complaints", body)
		requireEqual(t, "11th refused", r.status, 429)
		requireEqual(t, "code", str(r.body["code"]), "monthly_limit_reached")
		body["override_limit"] = true
		body["override_reason"] = "गंभीर मामला, पर्यवेक्षक की अनुमति"
		requireEqual(t, "agent cannot override", agent.do("POST", "/api/v1/complaints", body).status, 403)
		c := sup.must(201, "POST", "/api/v1/complaints", body)
		reg := events(s.complaint(str(c["ref"])), "registered")
		requireEqual(t, "override recorded", strings.Contains(fmt.Sprint(reg[0]["payload"]), "पर्यवेक्षक"), true)
		// A new month resets the count.
		s.advance("720h")
		agent.register(f, capped, f.category, f.village)
	})
}

// TestIdempotencyAndReferences: the same Idempotency-Key twice gives one
// complaint; a mistyped reference is 400, an unknown one 404; officers do not
// see the complainant.
func TestIdempotencyAndReferences(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		agent := s.as("agent1")
		mobile := newMobile()
		a := agent.register(f, mobile, f.category, f.village, "Idempotency-Key", "call-123-attempt")
		b := agent.register(f, mobile, f.category, f.village, "Idempotency-Key", "call-123-attempt")
		requireEqual(t, "same complaint", str(b["ref"]), str(a["ref"]))
		caller := agent.must(200, "GET", "/api/v1/callers/"+mobile, nil)
		requireEqual(t, "one complaint", num(caller["complaints_this_month"]), int64(1))
		// The same key with a different body is refused, and creates nothing.
		r := agent.do("POST", "/api/v1/complaints", map[string]any{"channel": "phone", "category_id": f.category, "area_id": f.village,
			"description": "दूसरी शिकायत", "complainant": map[string]any{"name": "क", "mobile": mobile}}, "Idempotency-Key", "call-123-attempt")
		requireEqual(t, "key reused with another body", r.status, 400)
		// A second complaint of the same type and place comes back with a duplicate warning.
		c := agent.register(f, mobile, f.category, f.village)
		dups := c["possible_duplicates"].([]any)
		requireEqual(t, "possible duplicates", len(dups), 1)
		requireEqual(t, "duplicate ref", str(obj(dups[0])["ref"]), str(a["ref"]))

		ref := str(a["ref"])
		bad := ref[:len(ref)-1] + fmt.Sprint((int(ref[len(ref)-1]-'0')+1)%10)
		r = agent.do("GET", "/api/v1/complaints/"+bad, nil)
		requireEqual(t, "bad check digit", r.status, 400)
		requireEqual(t, "problem code", str(r.body["code"]), "validation")
		if errs, _ := r.body["errors"].([]any); len(errs) != 1 || str(obj(errs[0])["field"]) != "ref" || str(obj(errs[0])["code"]) != "bad_reference" {
			t.Fatalf("bad check digit: errors %v; want one bad_reference on ref", r.body["errors"])
		}
		requireEqual(t, "problem content type", r.header.Get("Content-Type"), "application/problem+json")
		r = agent.do("GET", "/api/v1/complaints/260999999990", nil)
		if r.status != 404 && r.status != 400 {
			t.Fatalf("unknown reference = %d", r.status)
		}
		// The reference reads the same with spaces, as agents say it.
		grouped := ref[:4] + " " + ref[4:8] + " " + ref[8:]
		requireEqual(t, "grouped reference", agent.do("GET", "/api/v1/complaints/"+strings.ReplaceAll(grouped, " ", "%20"), nil).status, 200)

		officer := s.as(s.officerOf(accountable(a)))
		seen := officer.must(200, "GET", "/api/v1/complaints/"+ref, nil)
		requireEqual(t, "name hidden", obj(seen["complainant"])["name"] == nil, true)
		requireEqual(t, "mobile hidden", obj(seen["complainant"])["mobile"] == nil, true)
		requireEqual(t, "agent sees mobile", str(obj(s.complaint(ref)["complainant"])["mobile"]), mobile)
	})
}
