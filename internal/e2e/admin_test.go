package e2e

import (
	"fmt"
	"testing"
)

// TestAdminBuildsALadder: an admin adds an area, a department, designations,
// posts with supervisor links and a complaint type through the API, and a
// complaint filed there routes to the new L0 post with its new ladder.
func TestAdminBuildsALadder(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		admin := s.as("admin")
		village := admin.must(200, "GET", fmt.Sprintf("/api/v1/areas/%d", f.village), nil)
		block := num(village["parent_id"])
		hamlet := admin.must(201, "POST", "/api/v1/areas", map[string]any{"kind": "village", "code": "new-1", "name_en": "Naya Gaon",
			"name_hi": "नया गाँव", "parent_id": block})
		requireEqual(t, "duplicate area code", admin.do("POST", "/api/v1/areas", map[string]any{"kind": "village", "code": "new-1",
			"name_en": "X", "name_hi": "क", "parent_id": block}).status, 409)
		patched := admin.must(200, "PATCH", fmt.Sprintf("/api/v1/areas/%d", num(hamlet["id"])), map[string]any{"name_hi": "नयागाँव"})
		requireEqual(t, "patched name", str(patched["name_hi"]), "नयागाँव")

		dept := admin.must(201, "POST", "/api/v1/departments", map[string]string{"code": "silk", "name_en": "Sericulture", "name_hi": "रेशम"})
		// The state area is the root of the village's ancestors.
		anc := village["ancestors"].([]any)
		state, division, district := num(obj(anc[0])["id"]), num(obj(anc[1])["id"]), num(obj(anc[2])["id"])
		type level struct {
			code, kind string
			area       int64
		}
		levels := []level{{"silk_fo", "block", block}, {"silk_do", "district", district}, {"silk_dd", "district", district},
			{"silk_jd", "division", division}, {"silk_dir", "state", state}}
		var sup any
		posts := make([]int64, len(levels))
		for i := len(levels) - 1; i >= 0; i-- {
			l := levels[i]
			d := admin.must(201, "POST", "/api/v1/designations", map[string]any{"department_id": num(dept["id"]), "code": l.code,
				"name_en": l.code, "name_hi": "रेशम अधिकारी " + l.code, "area_kind": l.kind, "nodal": i == 1})
			p := admin.must(201, "POST", "/api/v1/posts", map[string]any{"designation_id": num(d["id"]), "area_id": l.area,
				"title_en": "Silk officer " + l.code, "title_hi": "रेशम अधिकारी " + l.code, "supervisor_post_id": sup, "nodal": i == 1})
			posts[i] = num(p["id"])
			sup = posts[i]
		}
		chain := admin.must(200, "GET", fmt.Sprintf("/api/v1/posts/%d/chain", posts[0]), nil)["levels"].([]any)
		requireEqual(t, "new ladder", len(chain), 5)
		// A supervisor link that loops is refused.
		r := admin.do("PATCH", fmt.Sprintf("/api/v1/posts/%d", posts[4]), map[string]any{"supervisor_post_id": posts[0]})
		requireEqual(t, "cycle", r.status, 400)

		cat := admin.must(201, "POST", "/api/v1/categories", map[string]any{"code": "silk_subsidy", "department_id": num(dept["id"]),
			"designation": "silk_fo", "name_en": "Silkworm subsidy not paid", "name_hi": "रेशम कीट अनुदान नहीं मिला",
			"keywords": []string{"रेशम", "silk", "resham"}, "sla_days": []int{10, 5, 5, 5, 5}})
		requireEqual(t, "sla", fmt.Sprint(cat["sla_days"]), "[10 5 5 5 5]")
		requireEqual(t, "bad SLA", admin.do("POST", "/api/v1/categories", map[string]any{"code": "silk_x", "department_id": num(dept["id"]),
			"designation": "silk_fo", "name_en": "X", "name_hi": "क", "sla_days": []int{0, 5, 5, 5, 5}}).status, 400)
		found := items(s.as("agent1").must(200, "GET", "/api/v1/categories?q=resham", nil))
		requireEqual(t, "found by Hinglish keyword", len(found) > 0 && num(found[0]["id"]) == num(cat["id"]), true)

		c := s.as("agent1").register(f, newMobile(), num(cat["id"]), num(hamlet["id"]))
		requireEqual(t, "routed to the new post", accountable(c), posts[0])
		// The new post is vacant: the officer SMS is kept, marked failed.
		requireEqual(t, "due in 10 days", parseTime(t, c["due_at"]).Sub(parseTime(t, c["registered_at"])).Hours(), 240.0)
	})
}
