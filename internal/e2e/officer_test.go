package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
)

// TestMarkCommentAndAttachments: the accountable officer marks a complaint to
// a subordinate post, whose officer adds findings; a report carries a photo;
// accountability and the clock stay with the accountable post.
func TestMarkCommentAndAttachments(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		agent, admin := s.as("agent1"), s.as("admin")
		// A complaint filed at the district itself goes to the district nodal
		// post; the field posts below it are its subordinates.
		c := agent.register(f, newMobile(), f.category, f.village)
		l0 := accountable(c)
		sup := num(admin.must(200, "GET", fmt.Sprintf("/api/v1/posts/%d", l0), nil)["supervisor_post_id"])
		supOfficer := s.as(s.officerOf(sup))
		// Escalate once so that the supervisor is accountable and can mark down to L0.
		s.advance(fmt.Sprintf("%dh", f.sla[0]*24+1))
		ref := str(c["ref"])
		requireEqual(t, "accountable after escalation", accountable(s.complaint(ref)), sup)

		r := supOfficer.do("POST", "/api/v1/complaints/"+ref+"/mark", map[string]any{"post_id": sup, "note": "x"})
		requireEqual(t, "mark to itself", r.status, 400)
		before := s.complaint(ref)
		got := supOfficer.must(200, "POST", "/api/v1/complaints/"+ref+"/mark", map[string]any{"post_id": l0, "note": "मौके पर जाँच करें"})
		requireEqual(t, "marked post", num(obj(got["marked_post"])["id"]), l0)
		requireEqual(t, "accountable unchanged", accountable(got), sup)
		requireEqual(t, "due unchanged", str(got["due_at"]), str(before["due_at"]))

		field := s.as(s.officerOf(l0))
		inbox := items(field.must(200, "GET", "/api/v1/inbox", nil))
		marked := false
		for _, it := range inbox {
			marked = marked || str(it["ref"]) == ref
		}
		requireEqual(t, "in the marked officer's inbox", marked, true)
		field.must(200, "POST", "/api/v1/complaints/"+ref+"/comments", map[string]string{"text": "जाँच में पाया गया कि नाली बंद है।"})
		r = field.do("POST", "/api/v1/complaints/"+ref+"/report", map[string]string{"text": "x"})
		requireEqual(t, "the marked officer cannot report", r.status, 403)
		requireEqual(t, "comments need text", field.do("POST", "/api/v1/complaints/"+ref+"/comments", map[string]string{"text": " "}).status, 400)

		// A photo: upload, then report with it.
		photo := upload(t, s, supOfficer.token, "site.png", pngBytes(t))
		requireEqual(t, "content type sniffed", str(photo["content_type"]), "image/png")
		bad := upload(t, s, supOfficer.token, "evil.png", []byte("#!/bin/sh\necho not an image\n"))
		requireEqual(t, "a script is refused", str(bad["code"]), "unsupported_media_type")
		got = supOfficer.must(200, "POST", "/api/v1/complaints/"+ref+"/report",
			map[string]any{"text": "नाली की सफ़ाई कराई गई, फ़ोटो संलग्न।", "attachment_ids": []int64{num(photo["id"])}})
		requireEqual(t, "reported", str(got["status"]), "reported")
		detail := s.complaint(ref)
		rep := obj(detail["report"])
		requireEqual(t, "report attachment", len(rep["attachment_ids"].([]any)), 1)
		requireEqual(t, "commented events", len(events(detail, "commented")), 1)
		requireEqual(t, "marked events", len(events(detail, "marked")), 1)
		// An attachment cannot be stolen by another user's report.
		other := agent.register(f, newMobile(), f.category, f.village)
		r = field.do("POST", "/api/v1/complaints/"+str(other["ref"])+"/report",
			map[string]any{"text": "कार्य पूर्ण", "attachment_ids": []int64{num(photo["id"])}})
		requireEqual(t, "someone else's attachment", r.status, 400)
	})
}

// TestRemindersAndFalseComplaints: a caller chasing a complaint adds a
// reminder, not a complaint; a supervisor closes a false complaint and blocks
// the number.
func TestRemindersAndFalseComplaints(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		agent, sup := s.as("agent1"), s.as("supervisor1")
		mobile := newMobile()
		c := agent.register(f, mobile, f.category, f.village)
		ref := str(c["ref"])
		agent.must(200, "POST", "/api/v1/complaints/"+ref+"/reminders", map[string]string{"note": "नागरिक ने फिर फ़ोन किया"})
		requireEqual(t, "reminder events", len(events(s.complaint(ref), "reminder")), 1)
		requireEqual(t, "still one complaint", num(agent.must(200, "GET", "/api/v1/callers/"+mobile, nil)["complaints_this_month"]), int64(1))

		requireEqual(t, "agent cannot close as false", agent.do("POST", "/api/v1/complaints/"+ref+"/false",
			map[string]any{"reason": "x", "block_caller": true}).status, 403)
		got := sup.must(200, "POST", "/api/v1/complaints/"+ref+"/false", map[string]any{"reason": "जाँच में शिकायत झूठी पाई गई", "block_caller": true})
		requireEqual(t, "status", str(got["status"]), "closed")
		requireEqual(t, "closure_reason", str(got["closure_reason"]), "false_complaint")
		detail := s.complaint(ref)
		requireEqual(t, "caller_blocked event", len(events(detail, "caller_blocked")), 1)
		requireEqual(t, "number blocked", obj(agent.must(200, "GET", "/api/v1/callers/"+mobile, nil)["blocked"])["reason"] != nil, true)
		requireEqual(t, "reminder on a closed complaint", agent.do("POST", "/api/v1/complaints/"+ref+"/reminders", map[string]string{"note": "x"}).status, 409)
	})
}

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := 0; i < 8; i++ {
		img.Set(i, i, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func upload(t *testing.T, s *server, token, name string, data []byte) map[string]any {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", s.url+"/api/v1/attachments", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	if res.StatusCode != 201 && res.StatusCode != 415 && res.StatusCode != 413 {
		t.Fatalf("upload: %d %s", res.StatusCode, raw)
	}
	return out
}
