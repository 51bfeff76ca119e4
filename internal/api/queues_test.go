package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/api"
	"github.com/nivaran/nivaran/internal/clock"
	"github.com/nivaran/nivaran/internal/demo"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
	"github.com/nivaran/nivaran/internal/workflow"
)

const apiPassword = "api-test-password"

// floor is a demo state behind an httptest server, with a fake clock.
type floor struct {
	t        *testing.T
	st       *store.Store
	clk      *clock.Fake
	svc      *service.Service
	url      string
	tokens   map[string]string
	category int64
	village  int64
	officer  string // the username of the L0 post's officer
}

func newFloor(t *testing.T, st *store.Store) *floor {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFake(time.Date(2026, 11, 2, 4, 30, 0, 0, time.UTC)) // 10:00 IST
	if _, err := demo.Load(ctx, st, apiPassword, clk.Now()); err != nil {
		t.Fatal(err)
	}
	svc := service.New(st, clk, service.Config{}, nil)
	srv := api.New(svc, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Options{FakeClock: clk})
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	f := &floor{t: t, st: st, clk: clk, svc: svc, url: hs.URL, tokens: map[string]string{}}
	// A complaint type and a village whose L0 post is held.
	cats, err := st.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	villages, err := st.Areas(ctx, store.AreaFilter{Kind: model.AreaVillage, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range villages {
		for _, c := range cats[:40] {
			d, err := svc.Route(ctx, c.ID, v.ID)
			if err != nil || d.PostID == 0 {
				continue
			}
			o, err := st.Holder(ctx, d.PostID)
			if err != nil {
				continue
			}
			f.category, f.village, f.officer = c.ID, v.ID, o.Username
			return f
		}
	}
	t.Fatal("no routable complaint type with a held post")
	return nil
}

func (f *floor) call(user, method, path string, body any) (int, map[string]any) {
	f.t.Helper()
	tok, ok := f.tokens[user]
	if !ok && user != "" {
		code, b := f.call("", "POST", "/api/v1/auth/login", map[string]string{"username": user, "password": apiPassword})
		if code != 200 {
			f.t.Fatalf("login %s: %d %v", user, code, b)
		}
		tok = b["token"].(string)
		f.tokens[user] = tok
	}
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, f.url+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			f.t.Fatalf("%s %s: %q: %v", method, path, raw, err)
		}
	}
	return res.StatusCode, out
}

func (f *floor) must(want int, user, method, path string, body any) map[string]any {
	f.t.Helper()
	code, b := f.call(user, method, path, body)
	if code != want {
		f.t.Fatalf("%s: %s %s = %d, want %d: %v", user, method, path, code, want, b)
	}
	return b
}

func (f *floor) register(mobile string) string {
	f.t.Helper()
	b := f.must(201, "agent1", "POST", "/api/v1/complaints", map[string]any{"channel": "phone", "category_id": f.category,
		"area_id": f.village, "description": "नाली जाम है", "complainant": map[string]any{"name": "गीता", "mobile": mobile}})
	return b["ref"].(string)
}

func list(b map[string]any) []map[string]any {
	var out []map[string]any
	for _, x := range b["items"].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

func TestCallCentreQueuesOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		fresh := f.register("9811100001")
		reported := f.register("9811100002")
		f.must(200, f.officer, "POST", "/api/v1/complaints/"+reported+"/report", map[string]any{"text": "नाली साफ़ करा दी गई"})

		// Feedback queue: lease, 204 for the next agent, outcome releases.
		f.must(401, "", "POST", "/api/v1/feedback-queue/next", nil)
		f.must(403, f.officer, "POST", "/api/v1/feedback-queue/next", nil)
		l := f.must(200, "agent1", "POST", "/api/v1/feedback-queue/next", nil)
		if l["ref"] != reported || l["queue"] != "feedback" || l["lease_expires_at"] == nil || l["report"] == nil {
			t.Fatalf("leased %v", l)
		}
		exp, _ := time.Parse(time.RFC3339, l["lease_expires_at"].(string))
		if !exp.Equal(f.clk.Now().Add(5 * time.Minute)) {
			t.Fatalf("lease until %v", exp)
		}
		if code, _ := f.call("agent2", "POST", "/api/v1/feedback-queue/next", nil); code != 204 {
			t.Fatalf("second agent: %d, want 204", code)
		}
		f.clk.Advance(time.Minute)
		f.must(200, "agent1", "POST", "/api/v1/complaints/"+reported+"/feedback", map[string]any{"outcome": "satisfied", "remarks": ""})
		if code, _ := f.call("agent1", "POST", "/api/v1/feedback-queue/next", nil); code != 204 {
			t.Fatalf("after the outcome: %d, want 204", code)
		}

		// Follow-up queue: nothing within three days; within 16 the fresh one.
		if items := list(f.must(200, "supervisor1", "GET", "/api/v1/followup-queue", nil)); len(items) != 0 {
			t.Fatalf("follow-up queue %v", items)
		}
		f.must(400, "agent1", "GET", "/api/v1/followup-queue?within_days=0", nil)
		f.must(400, "agent1", "GET", "/api/v1/followup-queue?within_days=x", nil)
		f.must(403, "monitor.state", "GET", "/api/v1/followup-queue", nil)
		items := list(f.must(200, "agent1", "GET", "/api/v1/followup-queue?within_days=60", nil))
		if len(items) != 1 || items[0]["ref"] != fresh || items[0]["officer"] == nil || items[0]["lease"] != nil {
			t.Fatalf("follow-up queue within 60 days: %v", items)
		}
		off := items[0]["officer"].(map[string]any)
		if off["mobile"] == "" || off["username"] != f.officer {
			t.Fatalf("officer %v", off)
		}
		fl := f.must(200, "agent2", "POST", "/api/v1/followup-queue/next?within_days=60", nil)
		if fl["ref"] != fresh || fl["queue"] != "followup" || fl["officer"] == nil {
			t.Fatalf("follow-up lease %v", fl)
		}
		items = list(f.must(200, "agent1", "GET", "/api/v1/followup-queue?within_days=60", nil))
		if lease, _ := items[0]["lease"].(map[string]any); lease == nil || lease["agent_user_id"] == nil {
			t.Fatalf("the list does not show the lease: %v", items[0])
		}
		tomorrow := workflow.Day(f.clk.Now().Add(24 * time.Hour))
		code, p := f.call("agent2", "POST", "/api/v1/complaints/"+fresh+"/followups", map[string]any{"outcome": "committed", "remarks": "ok"})
		if code != 400 || p["code"] != "validation" {
			t.Fatalf("committed without a date: %d %v", code, p)
		}
		f.must(400, "agent2", "POST", "/api/v1/complaints/"+fresh+"/followups", map[string]any{"outcome": "committed", "committed_date": "20-11-2026"})
		f.must(400, "agent2", "POST", "/api/v1/complaints/"+fresh+"/followups", map[string]any{"outcome": "maybe"})
		f.must(400, "agent2", "POST", "/api/v1/complaints/"+fresh+"/followups", map[string]any{"outcome": "unreachable", "extra": 1})
		f.must(403, f.officer, "POST", "/api/v1/complaints/"+fresh+"/followups", map[string]any{"outcome": "unreachable"})
		f.must(200, "agent2", "POST", "/api/v1/complaints/"+fresh+"/followups",
			map[string]any{"outcome": "committed", "committed_date": tomorrow, "remarks": "कल तक"})
		d := f.must(200, "admin", "GET", "/api/v1/complaints/"+fresh, nil)
		var found bool
		for _, e := range d["events"].([]any) {
			ev := e.(map[string]any)
			if ev["kind"] == "followup" {
				pl := ev["payload"].(map[string]any)
				found = pl["outcome"] == "committed" && pl["committed_date"] == tomorrow && ev["note"] == "कल तक"
			}
		}
		if !found {
			t.Fatalf("no followup event on the timeline: %v", d["events"])
		}
		// A closed complaint refuses follow-ups.
		f.must(409, "agent2", "POST", "/api/v1/complaints/"+reported+"/followups", map[string]any{"outcome": "unreachable"})

		// The live board.
		f.must(403, "agent1", "GET", "/api/v1/ops/live", nil)
		b := f.must(200, "supervisor1", "GET", "/api/v1/ops/live", nil)
		f.must(200, "monitor.lucknow", "GET", "/api/v1/ops/live", nil)
		hours := b["registrations_by_hour"].([]any)
		if len(hours) != 24 || hours[10].(float64) != 2 || b["registrations_today"].(float64) != 2 || b["date"] != "2026-11-02" {
			t.Fatalf("board %v", b)
		}
		if q := b["queues"].(map[string]any); q["feedback"].(float64) != 0 || q["reroute"].(float64) != 0 {
			t.Fatalf("queues %v", q)
		}
		agents := map[string]map[string]any{}
		for _, a := range b["agents"].([]any) {
			agents[a.(map[string]any)["username"].(string)] = a.(map[string]any)
		}
		a1, a2 := agents["agent1"], agents["agent2"]
		if a1 == nil || a2 == nil || a1["registered"].(float64) != 2 || a1["feedback_calls"].(float64) != 1 ||
			a1["median_handling_seconds"].(float64) != 60 || a2["followup_calls"].(float64) != 1 || a1["active"] != true ||
			b["agents_active"].(float64) != 2 {
			t.Fatalf("agents %v active %v", agents, b["agents_active"])
		}
		if _, ok := b["queue_details"].(map[string]any)["feedback"].(map[string]any)["oldest_age_seconds"]; !ok {
			t.Fatalf("queue details %v", b["queue_details"])
		}
	})
}
