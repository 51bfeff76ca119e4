package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestSignInAndScope: wrong passwords get 401, officers cannot reach another
// post's complaints (403 on a filter, 404 on a complaint), roles are enforced.
func TestSignInAndScope(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		r := s.request("", "POST", "/api/v1/auth/login", map[string]string{"username": "agent1", "password": "wrong-password"})
		requireEqual(t, "wrong password", r.status, 401)
		requireEqual(t, "problem code", str(r.body["code"]), "unauthorized")
		requireEqual(t, "problem type", r.header.Get("Content-Type"), "application/problem+json")
		r = s.request("", "POST", "/api/v1/auth/login", map[string]string{"username": "nobody", "password": "wrong-password"})
		requireEqual(t, "unknown user", r.status, 401)
		requireEqual(t, "anonymous", s.request("", "GET", "/api/v1/areas", nil).status, 401)
		requireEqual(t, "bad token", s.request("not-a-token", "GET", "/api/v1/areas", nil).status, 401)

		me := s.as("agent1").must(200, "GET", "/api/v1/auth/me", nil)
		requireEqual(t, "me", str(me["username"]), "agent1")

		c := s.as("agent1").register(f, newMobile(), f.category, f.village)
		other := s.as("agent1").register(f, newMobile(), f.category, f.otherVillage)
		mine := accountable(c)
		theirs := accountable(other)
		if mine == theirs {
			t.Fatal("fixture villages share a post")
		}
		officer := s.as(s.officerOf(mine))
		r = officer.do("GET", fmt.Sprintf("/api/v1/complaints?post_id=%d", theirs), nil)
		requireEqual(t, "another post's list", r.status, 403)
		requireEqual(t, "another post's complaint", officer.do("GET", "/api/v1/complaints/"+str(other["ref"]), nil).status, 404)
		requireEqual(t, "acting on another post's complaint", officer.do("POST", "/api/v1/complaints/"+str(other["ref"])+"/report",
			map[string]string{"text": "x"}).status, 404)
		requireEqual(t, "own post's list", officer.do("GET", fmt.Sprintf("/api/v1/complaints?post_id=%d", mine), nil).status, 200)
		requireEqual(t, "officer cannot transfer", officer.do("PUT", fmt.Sprintf("/api/v1/posts/%d/officer", mine), map[string]any{"officer_id": nil}).status, 403)
		requireEqual(t, "officer cannot register", officer.do("POST", "/api/v1/complaints", map[string]any{"channel": "phone", "category_id": f.category,
			"area_id": f.village, "description": "x", "complainant": map[string]any{"name": "क", "mobile": newMobile()}}).status, 403)
		// An officer's unfiltered list holds only their posts' complaints.
		for _, it := range items(officer.must(200, "GET", "/api/v1/complaints", nil)) {
			if accountable(it) != mine {
				t.Fatalf("officer list shows complaint of post %d", accountable(it))
			}
		}
		// Monitors see their area only.
		lucknow := s.as("monitor.lucknow")
		requireEqual(t, "monitor outside area", lucknow.do("GET", "/api/v1/complaints/"+str(c["ref"]), nil).status, 404)
		requireEqual(t, "state monitor", s.as("monitor.state").do("GET", "/api/v1/complaints/"+str(c["ref"]), nil).status, 200)
	})
}

// TestBadInputChangesNothing: malformed JSON, wrong types, unknown fields and
// oversized bodies get 400/413 problems, and nothing is written.
func TestBadInputChangesNothing(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		agent := s.as("agent1")
		mobile := newMobile()
		valid := fmt.Sprintf(`{"channel":"phone","category_id":%d,"area_id":%d,"description":"x","complainant":{"name":"क","mobile":"%s"}}`,
			f.category, f.village, mobile)
		cases := []struct {
			name  string
			body  string
			want  int
			field string
		}{
			{"malformed", `{"channel":"phone",`, 400, ""},
			{"not an object", `[1,2,3]`, 400, ""},
			{"wrong type", strings.Replace(valid, fmt.Sprintf(`"category_id":%d`, f.category), `"category_id":"abc"`, 1), 400, "category_id"},
			{"unknown field", strings.Replace(valid, `"channel"`, `"chanel":"x","channel"`, 1), 400, "chanel"},
			{"trailing data", valid + `{}`, 400, ""},
			{"bad mobile", strings.Replace(valid, mobile, "12345", 1), 400, "complainant.mobile"},
			{"bad channel", strings.Replace(valid, `"phone"`, `"fax"`, 1), 400, "channel"},
			{"unknown category", strings.Replace(valid, fmt.Sprintf(`"category_id":%d`, f.category), `"category_id":999999`, 1), 400, "category_id"},
			{"empty description", strings.Replace(valid, `"description":"x"`, `"description":"   "`, 1), 400, "description"},
			{"oversized", strings.Replace(valid, `"description":"x"`, `"description":"`+strings.Repeat("क", 40000)+`"`, 1), 413, ""},
		}
		for _, tc := range cases {
			r := agent.do("POST", "/api/v1/complaints", tc.body)
			if r.status != tc.want {
				t.Fatalf("%s: status %d, want %d: %s", tc.name, r.status, tc.want, r.raw)
			}
			requireEqual(t, tc.name+" content type", r.header.Get("Content-Type"), "application/problem+json")
			if str(r.body["detail"]) == "" || str(r.body["code"]) == "" {
				t.Fatalf("%s: problem without code/detail: %s", tc.name, r.raw)
			}
			if tc.field != "" {
				errs, _ := r.body["errors"].([]any)
				found := false
				for _, e := range errs {
					found = found || str(obj(e)["field"]) == tc.field
				}
				if !found {
					t.Fatalf("%s: no error for field %s: %s", tc.name, tc.field, r.raw)
				}
			}
		}
		caller := agent.must(200, "GET", "/api/v1/callers/"+mobile, nil)
		requireEqual(t, "nothing registered", num(caller["complaints_this_month"]), int64(0))
		// English when asked.
		r := agent.do("POST", "/api/v1/complaints", `{`, "Accept-Language", "en-IN,en;q=0.9")
		requireEqual(t, "English detail", strings.Contains(str(r.body["detail"]), "JSON"), true)
		// Bad query parameters.
		requireEqual(t, "bad limit", agent.do("GET", "/api/v1/areas?limit=abc", nil).status, 400)
		requireEqual(t, "bad status filter", agent.do("GET", "/api/v1/complaints?status=lost", nil).status, 400)
		requireEqual(t, "bad level", agent.do("GET", "/api/v1/complaints?level=9", nil).status, 400)
		// Master data writes are admin-only and validated.
		requireEqual(t, "agent creating a department", agent.do("POST", "/api/v1/departments", map[string]string{"code": "x", "name_en": "X", "name_hi": "क"}).status, 403)
		r = s.as("admin").do("POST", "/api/v1/categories", map[string]any{"code": "x", "name_en": "X", "name_hi": "क", "designation": "no-such", "department_id": 1})
		requireEqual(t, "category with unknown designation", r.status, 400)
	})
}

// TestOperationsEndpoints: health, readiness, metrics and the OpenAPI document.
func TestOperationsEndpoints(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		requireEqual(t, "healthz", s.request("", "GET", "/healthz", nil).status, 200)
		requireEqual(t, "readyz", s.request("", "GET", "/readyz", nil).status, 200)
		m := s.request("", "GET", "/metrics", nil)
		requireEqual(t, "metrics", m.status, 200)
		requireEqual(t, "metrics content", strings.Contains(string(m.raw), "go_goroutines"), true)
		requireEqual(t, "group-commit metrics", strings.Contains(string(m.raw), "nivaran_store_group_batches_total"), true)
		doc := s.request("", "GET", "/api/v1/openapi.json", nil)
		requireEqual(t, "openapi", doc.status, 200)
		requireEqual(t, "openapi version", strings.HasPrefix(str(doc.body["openapi"]), "3."), true)
		requireEqual(t, "unknown API path", s.request("", "GET", "/api/v1/no-such-thing", nil).status, 404)
		// Areas: the 75 districts, and one with its ancestors.
		a := s.as("agent1")
		d := a.must(200, "GET", "/api/v1/areas?kind=district&limit=500", nil)
		requireEqual(t, "districts", len(items(d)), 75)
		one := a.must(200, "GET", fmt.Sprintf("/api/v1/areas/%d", num(items(d)[0]["id"])), nil)
		anc := one["ancestors"].([]any)
		requireEqual(t, "ancestors root first", str(obj(anc[0])["kind"]), "state")
		cats := a.must(200, "GET", "/api/v1/categories?limit=500", nil)
		if len(items(cats)) < 390 {
			t.Fatalf("%d categories", len(items(cats)))
		}
		hits := items(a.must(200, "GET", "/api/v1/categories?q=%E0%A4%AC%E0%A4%BF%E0%A4%9C%E0%A4%B2%E0%A5%80", nil)) // बिजली
		if len(hits) == 0 {
			t.Fatal("no category matches बिजली")
		}
		hits = items(a.must(200, "GET", "/api/v1/categories?q=bijli", nil))
		if len(hits) == 0 {
			t.Fatal("no category matches the Hinglish keyword bijli")
		}
	})
}

// TestNoDevClockWithoutFakeClock: the training clock exists only with --fake-clock.
func TestNoDevClockWithoutFakeClock(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		r := s.as("admin").do("POST", "/api/v1/dev/clock", map[string]string{"advance": "24h"})
		requireEqual(t, "dev clock", r.status, 404)
		requireEqual(t, "dev clock GET", s.as("admin").do("GET", "/api/v1/dev/clock", nil).status, 404)
	}, "--log-level", "warn")
}
