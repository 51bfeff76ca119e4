package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// The tests in this file hold the master-data and sign-in calls to the
// contract's conventions (API.md: Conventions, Auth, Master data) and to the
// OpenAPI document.

// firstItem returns the first item of a list answer.
func firstItem(t *testing.T, b map[string]any) map[string]any {
	t.Helper()
	items := list(b)
	if len(items) == 0 {
		t.Fatalf("empty list: %v", b)
	}
	return items[0]
}

// heldPost returns a demo post that has an officer and a supervisor.
func (f *floor) heldPost() map[string]any {
	f.t.Helper()
	for _, p := range list(f.must(200, "admin", "GET", "/api/v1/posts?limit=200", nil)) {
		if p["officer"] != nil && p["supervisor_post_id"] != nil {
			return p
		}
	}
	f.t.Fatal("no held post with a supervisor")
	return nil
}

// TestMasterCreatesAreIdempotent: every master-data create accepts
// Idempotency-Key: a retry with the same key and body answers the first
// response (status, body, Location) and creates nothing; the key with
// another body is refused.
func TestMasterCreatesAreIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		post := f.heldPost()
		desig := firstItem(t, f.must(200, "admin", "GET", "/api/v1/designations?limit=1", nil))
		cases := []struct {
			name, path string
			body       map[string]any
			count      string // a list that holds what the body creates
			change     string // a field to change for another body
		}{
			{"area", "/api/v1/areas", map[string]any{"kind": "state", "code": "idem-state", "name_en": "Idem State", "name_hi": "पुनः राज्य"},
				"/api/v1/areas?kind=state&limit=500", "name_en"},
			{"department", "/api/v1/departments", map[string]any{"code": "idem_dept", "name_en": "Idem", "name_hi": "पुनः विभाग"},
				"/api/v1/departments?limit=500", "name_en"},
			{"designation", "/api/v1/designations", map[string]any{"department_id": desig["department_id"], "code": "idem_desig",
				"name_en": "Idem officer", "name_hi": "पुनः अधिकारी", "area_kind": "block"},
				fmt.Sprintf("/api/v1/designations?department_id=%v&limit=500", desig["department_id"]), "name_en"},
			{"category", "/api/v1/categories", map[string]any{"code": "idem_cat", "department_id": desig["department_id"],
				"designation": desig["code"], "name_en": "Idem grievance", "name_hi": "पुनः शिकायत", "sla_days": []int{10, 5, 5, 5, 5}},
				"/api/v1/categories?q=Idem+grievance", "name_en"},
			{"post", "/api/v1/posts", map[string]any{"designation": post["designation"], "area_id": post["area_id"],
				"title_en": "Idem post", "title_hi": "पुनः पद"},
				fmt.Sprintf("/api/v1/posts?area_id=%v&designation=%v&limit=500", post["area_id"], post["designation"]), "title_en"},
			{"officer", "/api/v1/officers", map[string]any{"name": "पुनः अधिकारी", "mobile": "9811100071", "username": "idem.officer",
				"password": "a-long-password-1"}, "/api/v1/officers?q=idem.officer", "name"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				key := "idem-" + tc.name
				a := f.sendJSON("admin", "POST", tc.path, tc.body, "Idempotency-Key", key)
				if a.status != 201 {
					t.Fatalf("create: %d %v", a.status, a.body)
				}
				conforms(t, "POST", tc.path, a)
				before := len(list(f.must(200, "admin", "GET", tc.count, nil)))
				b := f.sendJSON("admin", "POST", tc.path, tc.body, "Idempotency-Key", key)
				if b.status != 201 || string(b.raw) != string(a.raw) || b.header.Get("Location") != a.header.Get("Location") {
					t.Fatalf("retry: %d %s Location %q, want the first answer %s Location %q",
						b.status, b.raw, b.header.Get("Location"), a.raw, a.header.Get("Location"))
				}
				if b.header.Get("Idempotent-Replayed") != "true" {
					t.Errorf("retry without Idempotent-Replayed: %v", b.header)
				}
				other := map[string]any{}
				for k, v := range tc.body {
					other[k] = v
				}
				other[tc.change] = "Another"
				c := f.sendJSON("admin", "POST", tc.path, other, "Idempotency-Key", key)
				finding(t, "key reused", c, "Idempotency-Key", "reused")
				conforms(t, "POST", tc.path, c)
				if after := len(list(f.must(200, "admin", "GET", tc.count, nil))); after != before {
					t.Errorf("the retries created something: %d → %d", before, after)
				}
			})
		}
	})
}

// TestIdempotencyKeyUnderRaceAndFailure: concurrent requests with one key
// create one resource (the others answer it again or 409 `conflict`); a
// failed request leaves its key free.
func TestIdempotencyKeyUnderRaceAndFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		p := f.heldPost()
		body := fmt.Sprintf(`{"designation":%q,"area_id":%v,"title_en":"Race post","title_hi":"दौड़ पद"}`, p["designation"], p["area_id"])
		posts := fmt.Sprintf("/api/v1/posts?area_id=%v&designation=%v&limit=500", p["area_id"], p["designation"])
		before := len(list(f.must(200, "admin", "GET", posts, nil)))
		const n = 8
		var wg sync.WaitGroup
		statuses := make([]int, n)
		locs := make([]string, n)
		for i := range n {
			wg.Go(func() {
				req, _ := http.NewRequest("POST", f.url+"/api/v1/posts", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+f.tokens["admin"])
				req.Header.Set("Idempotency-Key", "race-1")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				defer res.Body.Close()
				statuses[i], locs[i] = res.StatusCode, res.Header.Get("Location")
			})
		}
		wg.Wait()
		created := map[string]bool{}
		for i, s := range statuses {
			switch s {
			case 201:
				created[locs[i]] = true
			case 409:
			default:
				t.Errorf("concurrent create %d: %d", i, s)
			}
		}
		if len(created) != 1 {
			t.Errorf("concurrent creates with one key answered %d posts: %v", len(created), statuses)
		}
		if after := len(list(f.must(200, "admin", "GET", posts, nil))); after != before+1 {
			t.Errorf("concurrent creates with one key made %d posts, want 1", after-before)
		}

		// A refused request does not keep its key.
		bad := map[string]any{"code": "late_dept", "name_en": "Late"}
		for range 2 {
			a := f.sendJSON("admin", "POST", "/api/v1/departments", bad, "Idempotency-Key", "late-1")
			finding(t, "incomplete department", a, "name_hi", "required")
		}
		bad["name_hi"] = "देर विभाग"
		if a := f.sendJSON("admin", "POST", "/api/v1/departments", bad, "Idempotency-Key", "late-1"); a.status != 201 {
			t.Fatalf("after a refused try the key is free: %d %v", a.status, a.body)
		}
		long := f.sendJSON("admin", "POST", "/api/v1/departments", bad, "Idempotency-Key", strings.Repeat("k", 201))
		finding(t, "key too long", long, "Idempotency-Key", "too_long")
	})
}

// TestPostSupervisorAndOfficerPresence: in PATCH /posts/{id} a null
// supervisor_post_id clears the supervisor and an absent one leaves it; PUT
// /posts/{id}/officer needs officer_id (null vacates).
func TestPostSupervisorAndOfficerPresence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		p := f.heldPost()
		path := fmt.Sprintf("/api/v1/posts/%v", p["id"])
		a := f.sendJSON("admin", "PATCH", path, map[string]any{"title_en": "Renamed post"})
		if a.status != 200 || a.body["supervisor_post_id"] != p["supervisor_post_id"] {
			t.Fatalf("absent supervisor: %d %v, want supervisor %v kept", a.status, a.body, p["supervisor_post_id"])
		}
		a = f.send("admin", "PATCH", path, "application/json", []byte(`{"supervisor_post_id": null}`))
		if a.status != 200 || a.body["supervisor_post_id"] != nil {
			t.Fatalf("null supervisor: %d %v, want it cleared", a.status, a.body)
		}
		conforms(t, "PATCH", "/api/v1/posts/{id}", a)
		if g := f.must(200, "admin", "GET", path, nil); g["supervisor_post_id"] != nil {
			t.Errorf("the post still has supervisor %v", g["supervisor_post_id"])
		}

		officer := p["officer"].(map[string]any)["id"]
		b := f.send("admin", "PUT", path+"/officer", "application/json", []byte(`{}`))
		finding(t, "officer_id absent", b, "officer_id", "required")
		conforms(t, "PUT", "/api/v1/posts/{id}/officer", b)
		if g := f.must(200, "admin", "GET", path, nil); g["officer"] == nil {
			t.Fatal("an empty body vacated the post")
		}
		b = f.send("admin", "PUT", path+"/officer", "application/json", []byte(`{"officer_id": null}`))
		if b.status != 200 || b.body["officer"] != nil {
			t.Fatalf("vacate: %d %v", b.status, b.body)
		}
		b = f.sendJSON("admin", "PUT", path+"/officer", map[string]any{"officer_id": officer})
		if b.status != 200 || b.body["officer"] == nil {
			t.Fatalf("assign: %d %v", b.status, b.body)
		}
		conforms(t, "PUT", "/api/v1/posts/{id}/officer", b)
	})
}

// TestCategoriesFollowTheirDesignation: renaming a designation's code shows
// in the categories at once, and a category's department must be its
// designation's.
func TestCategoriesFollowTheirDesignation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		cat := firstItem(t, f.must(200, "admin", "GET", "/api/v1/categories?limit=1", nil))
		f.must(200, "admin", "PATCH", fmt.Sprintf("/api/v1/designations/%v", cat["designation_id"]), map[string]any{"code": "renamed_desig"})
		for _, c := range list(f.must(200, "admin", "GET", fmt.Sprintf("/api/v1/categories?department_id=%v&limit=500", cat["department_id"]), nil)) {
			if c["id"] == cat["id"] && c["designation"] != "renamed_desig" {
				t.Errorf("category %v shows designation %v after the rename", c["code"], c["designation"])
			}
		}

		var other any
		for _, d := range list(f.must(200, "admin", "GET", "/api/v1/departments?limit=500", nil)) {
			if d["id"] != cat["department_id"] {
				other = d["id"]
				break
			}
		}
		a := f.sendJSON("admin", "PATCH", fmt.Sprintf("/api/v1/categories/%v", cat["id"]), map[string]any{"department_id": other})
		finding(t, "department of another designation", a, "department_id", "designation_mismatch")
		conforms(t, "PATCH", "/api/v1/categories/{id}", a)
		a = f.sendJSON("admin", "POST", "/api/v1/categories", map[string]any{"code": "mismatch_cat", "department_id": other,
			"designation": "renamed_desig", "name_en": "Mismatch", "name_hi": "बेमेल"})
		finding(t, "create with another department", a, "department_id", "designation_mismatch")
	})
}

// TestMasterListsPage: every master-data list pages as the conventions say
// (default 50, limit, cursor; a bad cursor is a validation finding).
func TestMasterListsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		p := f.heldPost()
		// Vacated and given back, the post has two postings.
		postings := fmt.Sprintf("/api/v1/posts/%v/postings", p["id"])
		assign := fmt.Sprintf("/api/v1/posts/%v/officer", p["id"])
		f.must(200, "admin", "PUT", assign, map[string]any{"officer_id": nil})
		f.must(200, "admin", "PUT", assign, map[string]any{"officer_id": p["officer"].(map[string]any)["id"]})

		defaults := []struct{ path, doc string }{
			{"/api/v1/categories", "/api/v1/categories"},
			{"/api/v1/areas?kind=village", "/api/v1/areas"},
			{"/api/v1/designations", "/api/v1/designations"},
		}
		for _, d := range defaults {
			a := f.send("admin", "GET", d.path, "", nil)
			conforms(t, "GET", d.doc, a)
			if n := len(list(a.body)); n != 50 || a.body["next_cursor"] == nil {
				t.Errorf("GET %s: %d items, next_cursor %v; want 50 and a cursor", d.path, n, a.body["next_cursor"])
			}
		}
		paged := []struct{ path, doc string }{
			{"/api/v1/departments", "/api/v1/departments"},
			{"/api/v1/designations", "/api/v1/designations"},
			{postings, "/api/v1/posts/{id}/postings"},
			{"/api/v1/special-closure-reasons", "/api/v1/special-closure-reasons"},
		}
		for _, pg := range paged {
			t.Run(pg.doc, func(t *testing.T) {
				whole := list(f.must(200, "admin", "GET", pg.path+"?limit=500", nil))
				var walked []map[string]any
				cursor := ""
				for range len(whole) + 1 {
					a := f.send("admin", "GET", pg.path+"?limit=1"+cursor, "", nil)
					conforms(t, "GET", pg.doc, a)
					items := list(a.body)
					walked = append(walked, items...)
					if len(items) > 1 {
						t.Fatalf("limit=1 answered %d items", len(items))
					}
					next, _ := a.body["next_cursor"].(string)
					if next == "" {
						break
					}
					cursor = "&cursor=" + next
				}
				if len(whole) < 2 || fmt.Sprint(walked) != fmt.Sprint(whole) {
					t.Errorf("pages of one walked %d items, the whole list has %d", len(walked), len(whole))
				}
				a := f.send("admin", "GET", pg.path+"?cursor=x", "", nil)
				finding(t, "bad cursor", a, "cursor", "invalid_cursor")
				conforms(t, "GET", pg.doc, a)
			})
		}
	})
}

// TestOfficerSearch: GET /officers?q= matches name, mobile or username,
// case-insensitively for Latin letters and after NFC normalisation.
func TestOfficerSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		// ज़ as one code point (U+095B) in the name, as two (ज + nukta) in the query.
		o := f.must(201, "admin", "POST", "/api/v1/officers", map[string]any{"name": "Ramesh \u095Bafar", "mobile": "9811100081",
			"username": "search.officer", "password": "a-long-password-1"})
		cases := []struct{ q, why string }{
			{"SEARCH.OFFICER", "username, other case"},
			{"ramesh", "name, other case"},
			{"\u091C\u093Cafar", "Devanagari, another normal form"},
			{"98111-00081", "mobile as typed"},
			{"1100081", "part of the mobile"},
		}
		for _, tc := range cases {
			a := f.send("admin", "GET", "/api/v1/officers?q="+urlQuery(tc.q), "", nil)
			conforms(t, "GET", "/api/v1/officers", a)
			items := list(a.body)
			if len(items) != 1 || items[0]["id"] != o["id"] {
				t.Errorf("q=%q (%s): %d items, want only officer %v", tc.q, tc.why, len(items), o["id"])
			}
		}
		if items := list(f.must(200, "admin", "GET", "/api/v1/officers?q=no-such-officer", nil)); len(items) != 0 {
			t.Errorf("q matching nobody: %d items", len(items))
		}
	})
}

func urlQuery(s string) string {
	r := strings.NewReplacer(" ", "+", "+", "%2B")
	return r.Replace(s)
}

// TestAreaPlaceCannotChange: PATCH /areas/{id} refuses kind and parent_id.
func TestAreaPlaceCannotChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		path := fmt.Sprintf("/api/v1/areas/%d", f.village)
		for field, value := range map[string]any{"kind": model.AreaDistrict, "parent_id": 1} {
			a := f.sendJSON("admin", "PATCH", path, map[string]any{field: value, "name_en": "Moved"})
			finding(t, "PATCH "+field, a, field, "immutable")
			conforms(t, "PATCH", "/api/v1/areas/{id}", a)
		}
		if a := f.must(200, "admin", "GET", path, nil); a["name_en"] == "Moved" {
			t.Error("a refused PATCH renamed the area")
		}
		a := f.sendJSON("admin", "PATCH", path, map[string]any{"name_en": "Renamed village"})
		if a.status != 200 || a.body["name_en"] != "Renamed village" {
			t.Fatalf("rename: %d %v", a.status, a.body)
		}
		conforms(t, "PATCH", "/api/v1/areas/{id}", a)
	})
}

// TestMasterWritesNeedAdminFirst: a non-admin's master-data write answers
// 403 whatever its body or target, before anything is looked up.
func TestMasterWritesNeedAdminFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		cases := []struct{ method, path, doc, body string }{
			{"POST", "/api/v1/posts", "/api/v1/posts", `{"designation":"no_such","area_id":1,"title_en":"x","title_hi":"x"}`},
			{"PATCH", "/api/v1/designations/99999", "/api/v1/designations/{id}", `{"code":"x"}`},
			{"PATCH", "/api/v1/areas/99999", "/api/v1/areas/{id}", `{"name_en":"x"}`},
			{"PATCH", "/api/v1/departments/99999", "/api/v1/departments/{id}", `{"code":"x"}`},
			{"PATCH", "/api/v1/categories/99999", "/api/v1/categories/{id}", `{"designation":"no_such"}`},
			{"PATCH", "/api/v1/posts/99999", "/api/v1/posts/{id}", `{"title_en":"x"}`},
			{"PUT", "/api/v1/posts/99999/officer", "/api/v1/posts/{id}/officer", `{}`},
			{"PATCH", "/api/v1/officers/99999", "/api/v1/officers/{id}", `{"name":"x"}`},
			{"POST", "/api/v1/areas", "/api/v1/areas", `{"kind":`},
			{"POST", "/api/v1/departments", "/api/v1/departments", `{}`},
			{"POST", "/api/v1/designations", "/api/v1/designations", `{"department_id":99999}`},
			{"POST", "/api/v1/categories", "/api/v1/categories", `{"designation":"no_such"}`},
			{"POST", "/api/v1/officers", "/api/v1/officers", `{"name":""}`},
		}
		for _, user := range []string{"agent1", "supervisor1"} {
			for _, tc := range cases {
				a := f.send(user, tc.method, tc.path, "application/json", []byte(tc.body), "Idempotency-Key", "nonadmin-"+tc.path)
				if a.status != 403 || a.body["code"] != "forbidden" {
					t.Errorf("%s %s %s: %d %v, want 403 forbidden", user, tc.method, tc.path, a.status, a.body)
				}
				conforms(t, tc.method, tc.doc, a)
			}
		}
	})
}

// citizen signs a citizen in with a one-time code and returns their name on
// the floor.
func (f *floor) citizen(mobile string) string {
	f.t.Helper()
	a := f.sendJSON("", "POST", "/api/v1/auth/otp", map[string]string{"mobile": mobile})
	if a.status != 202 {
		f.t.Fatalf("otp: %d %v", a.status, a.body)
	}
	conforms(f.t, "POST", "/api/v1/auth/otp", a)
	ms, err := f.st.OutboxMessages(context.Background(), store.OutboxMessageFilter{Limit: 50})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, m := range ms {
		if m.Template == model.TmplOTP && m.Mobile == mobile {
			b := f.must(200, "", "POST", "/api/v1/auth/otp/verify", map[string]string{"mobile": mobile, "code": m.Vars["code"]})
			f.tokens["citizen:"+mobile] = b["token"].(string)
			return "citizen:" + mobile
		}
	}
	f.t.Fatalf("no code for %s", mobile)
	return ""
}

// TestDocumentedMasterAnswers: answers the audit found undocumented — the
// one-time code's 202 body, a citizen's 403 on posts, a post created without
// department or supervisor — match the OpenAPI document.
func TestDocumentedMasterAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		citizen := f.citizen("9811100091")
		p := f.heldPost()
		for _, c := range []struct{ path, doc string }{
			{"/api/v1/posts", "/api/v1/posts"},
			{fmt.Sprintf("/api/v1/posts/%v", p["id"]), "/api/v1/posts/{id}"},
			{fmt.Sprintf("/api/v1/posts/%v/chain", p["id"]), "/api/v1/posts/{id}/chain"},
		} {
			a := f.send(citizen, "GET", c.path, "", nil)
			if a.status != 403 {
				t.Errorf("citizen GET %s: %d %v", c.path, a.status, a.body)
			}
			conforms(t, "GET", c.doc, a)
		}

		body := map[string]any{"designation": p["designation"], "area_id": p["area_id"], "title_en": "Second desk", "title_hi": "दूसरी मेज़"}
		doc, err := spec()
		if err != nil {
			t.Fatal(err)
		}
		if err := doc.Components.Schemas["PostCreate"].Value.VisitJSON(map[string]any{"designation": "x", "area_id": 1.0,
			"title_en": "x", "title_hi": "x"}, openapi3.EnableJSONSchema2020()); err != nil {
			t.Errorf("PostCreate refuses a post without department and supervisor: %v", err)
		}
		a := f.sendJSON("admin", "POST", "/api/v1/posts", body)
		if a.status != 201 || a.body["department_id"] != p["department_id"] || a.body["supervisor_post_id"] != nil {
			t.Fatalf("create a post without department and supervisor: %d %v", a.status, a.body)
		}
		conforms(t, "POST", "/api/v1/posts", a)
		// A department, when given, must be the designation's.
		body["department_id"] = p["department_id"].(float64) + 1
		a = f.sendJSON("admin", "POST", "/api/v1/posts", body)
		finding(t, "post of another department", a, "department_id", "designation_mismatch")
		body["department_id"] = p["department_id"]
		f.must(201, "admin", "POST", "/api/v1/posts", body)
	})
}

// TestLoginNeedsUsernameAndPassword: a missing username or password is a
// validation problem with findings; wrong credentials stay 401.
func TestLoginNeedsUsernameAndPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		cases := []struct {
			body  string
			field string
		}{
			{`{"username":"admin"}`, "password"},
			{`{"username":"admin","password":""}`, "password"},
			{`{"password":"x"}`, "username"},
			{`{"username":"  ","password":"x"}`, "username"},
		}
		for _, tc := range cases {
			for _, lang := range []string{"hi", "en"} {
				a := f.send("", "POST", "/api/v1/auth/login", "application/json", []byte(tc.body), "Accept-Language", lang)
				finding(t, tc.body, a, tc.field, "required")
				conforms(t, "POST", "/api/v1/auth/login", a)
			}
		}
		a := f.send("", "POST", "/api/v1/auth/login", "application/json", []byte(`{}`))
		if errs, _ := a.body["errors"].([]any); a.status != 400 || len(errs) != 2 {
			t.Errorf("empty login: %d %v, want two findings", a.status, a.body)
		}
		a = f.sendJSON("", "POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": "wrong-password"})
		if a.status != 401 {
			t.Errorf("wrong password: %d %v", a.status, a.body)
		}
		conforms(t, "POST", "/api/v1/auth/login", a)
	})
}
