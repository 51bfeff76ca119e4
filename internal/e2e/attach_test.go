package e2e

import "testing"

// TestRegisterWithAttachment: an agent files a complaint with the photo the
// citizen sent; the photo belongs to that complaint from then on, so another
// registration cannot take it.
func TestRegisterWithAttachment(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		agent := s.as("agent1")
		photo := upload(t, s, agent.token, "road.png", pngBytes(t))
		id := num(photo["id"])
		if id <= 0 {
			t.Fatalf("upload answered %v", photo)
		}
		body := func(mobile string) map[string]any {
			return map[string]any{"channel": "phone", "category_id": f.category, "area_id": f.village,
				"description": "सड़क टूटी है, फ़ोटो भेजी है।", "attachment_ids": []int64{id},
				"complainant": map[string]any{"name": "सुनीता देवी", "mobile": mobile}}
		}
		c := agent.must(201, "POST", "/api/v1/complaints", body(newMobile()))
		requireEqual(t, "status", str(c["status"]), "open")
		r := agent.do("POST", "/api/v1/complaints", body(newMobile()))
		requireEqual(t, "the photo of another complaint", r.status, 400)
		errs, _ := r.body["errors"].([]any)
		requireEqual(t, "errors", len(errs), 1)
		requireEqual(t, "field", str(obj(errs[0])["field"]), "attachment_ids")
	})
}
