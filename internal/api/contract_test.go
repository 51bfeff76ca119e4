package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/nivaran/nivaran/internal/openapi"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// The tests in this file hold the server to the contract's conventions
// (API.md) and to the OpenAPI document: problem codes and their findings,
// idempotent creation, the feedback queue's due rule.

// send makes a request with a raw body and extra headers (name, value, …).
func (f *floor) send(user, method, path, contentType string, body []byte, hdr ...string) answer {
	f.t.Helper()
	if _, ok := f.tokens[user]; !ok && user != "" {
		f.must(200, user, "GET", "/api/v1/auth/me", nil) // signs in
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.url+path, rd)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if tok := f.tokens[user]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	a := answer{status: res.StatusCode, header: res.Header, raw: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &a.body); err != nil {
			f.t.Fatalf("%s %s: %q: %v", method, path, raw, err)
		}
	}
	return a
}

// sendJSON sends v as JSON with extra headers.
func (f *floor) sendJSON(user, method, path string, v any, hdr ...string) answer {
	f.t.Helper()
	raw, _ := json.Marshal(v)
	return f.send(user, method, path, "application/json", raw, hdr...)
}

// upload sends one file as multipart/form-data, with extra headers.
func (f *floor) upload(user, name string, data []byte, hdr ...string) answer {
	f.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	return f.send(user, "POST", "/api/v1/attachments", mw.FormDataContentType(), b.Bytes(), hdr...)
}

var spec = sync.OnceValues(func() (*openapi3.T, error) {
	return openapi3.NewLoader().LoadFromData(openapi.Document())
})

// conforms checks that the OpenAPI document describes answer a of the
// operation (method, documented path): its status, and its body against the
// schema of its content type.
func conforms(t *testing.T, method, path string, a answer) {
	t.Helper()
	doc, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	item := doc.Paths.Value(path)
	if item == nil || item.GetOperation(method) == nil {
		t.Fatalf("%s %s is not documented", method, path)
	}
	resp := item.GetOperation(method).Responses.Status(a.status)
	if resp == nil {
		t.Fatalf("%s %s: %d is not documented", method, path, a.status)
	}
	ct, _, _ := strings.Cut(a.header.Get("Content-Type"), ";")
	mt := resp.Value.Content.Get(ct)
	if mt == nil {
		t.Fatalf("%s %s: %d %s is not documented", method, path, a.status, ct)
	}
	raw, _ := json.Marshal(a.body)
	var v any
	_ = json.Unmarshal(raw, &v)
	if err := mt.Schema.Value.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		t.Fatalf("%s %s: the %d answer does not match the OpenAPI document: %v", method, path, a.status, err)
	}
}

// documents checks that the OpenAPI document names code among the examples
// of operation (method, path)'s answer of status.
func documents(t *testing.T, method, path string, status int, code string) {
	t.Helper()
	doc, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	resp := doc.Paths.Value(path).GetOperation(method).Responses.Status(status)
	var found bool
	for _, mt := range resp.Value.Content {
		for _, ex := range mt.Examples {
			if v, ok := ex.Value.Value.(map[string]any); ok && v["code"] == code {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("%s %s: no example of %d %s", method, path, status, code)
	}
}

// finding checks that a is a 400 validation problem with exactly one
// finding, on field with code, whose message is localized text.
func finding(t *testing.T, what string, a answer, field, code string) {
	t.Helper()
	errs, _ := a.body["errors"].([]any)
	if a.status != 400 || a.body["code"] != "validation" || len(errs) != 1 {
		t.Fatalf("%s: %d %v, want 400 validation with one finding", what, a.status, a.body)
	}
	e := errs[0].(map[string]any)
	msg, _ := e["message"].(string)
	if e["field"] != field || e["code"] != code {
		t.Errorf("%s: finding %v, want field %q code %q", what, e, field, code)
	}
	if msg == "" || strings.HasPrefix(msg, "field_") || strings.HasPrefix(msg, "refusal_") || strings.Contains(msg, "<no value>") {
		t.Errorf("%s: message %q is not a localized text", what, msg)
	}
}

// TestMalformedReferenceIsAValidationFinding: a reference of the wrong
// length, with non-digits or with a wrong check digit answers 400
// `validation` with the finding {field: ref, code: bad_reference}, in
// Hindi and English.
func TestMalformedReferenceIsAValidationFinding(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		ref := f.register("9811100011")
		last := ref[len(ref)-1] - '0'
		wrongCheck := ref[:len(ref)-1] + fmt.Sprint((last+1)%10)
		for _, bad := range []string{wrongCheck, ref[:len(ref)-2], "26ABCDEFGHIJ"} {
			for _, lang := range []string{"hi", "en"} {
				a := f.send("agent1", "GET", "/api/v1/complaints/"+bad, "", nil, "Accept-Language", lang)
				finding(t, "GET "+bad+" in "+lang, a, "ref", "bad_reference")
				conforms(t, "GET", "/api/v1/complaints/{ref}", a)
			}
		}
		hi := f.send("agent1", "GET", "/api/v1/complaints/"+wrongCheck, "", nil, "Accept-Language", "hi").body
		en := f.send("agent1", "GET", "/api/v1/complaints/"+wrongCheck, "", nil, "Accept-Language", "en").body
		if hi["detail"] == en["detail"] {
			t.Errorf("the detail is not localized: %v", hi["detail"])
		}
		a := f.sendJSON(f.officer, "POST", "/api/v1/complaints/"+wrongCheck+"/report", map[string]any{"text": "हो गया"})
		finding(t, "report on a bad reference", a, "ref", "bad_reference")
		conforms(t, "POST", "/api/v1/complaints/{ref}/report", a)
	})
}

// TestValidationProblemsCarryFindings: every 400 `validation` carries an
// `errors` array, and the findings' codes are bare (like the service's
// `required`, `invalid_mobile`), never locale keys.
func TestValidationProblemsCarryFindings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		f.svc.SetBlobs(service.DirBlobs{Dir: t.TempDir()})
		ref := f.register("9811100021")
		comments := "/api/v1/complaints/" + ref + "/comments"
		cases := []struct {
			name, method, path, doc string
			body                    []byte
			field, code             string
		}{
			{"empty body", "POST", comments, "/api/v1/complaints/{ref}/comments", nil, "body", "required"},
			{"blank body", "POST", comments, "/api/v1/complaints/{ref}/comments", []byte("  \n"), "body", "required"},
			{"malformed JSON", "POST", comments, "/api/v1/complaints/{ref}/comments", []byte(`{"text":`), "body", "invalid_json"},
			{"two objects", "POST", comments, "/api/v1/complaints/{ref}/comments", []byte(`{} {}`), "body", "invalid_json"},
			{"not an object", "POST", comments, "/api/v1/complaints/{ref}/comments", []byte(`[1]`), "body", "wrong_type"},
			{"unknown field", "POST", comments, "/api/v1/complaints/{ref}/comments", []byte(`{"txt":"x"}`), "txt", "unknown"},
			{"wrong type", "POST", comments, "/api/v1/complaints/{ref}/comments", []byte(`{"text":5}`), "text", "wrong_type"},
			{"required by the service", "POST", comments, "/api/v1/complaints/{ref}/comments", []byte(`{"text":""}`), "text", "required"},
			{"limit", "GET", "/api/v1/complaints?limit=x", "/api/v1/complaints", nil, "limit", "invalid_number"},
			{"status", "GET", "/api/v1/complaints?status=pending", "/api/v1/complaints", nil, "status", "invalid_value"},
			{"level", "GET", "/api/v1/complaints?level=9", "/api/v1/complaints", nil, "level", "out_of_range"},
			{"query id", "GET", "/api/v1/complaints?post_id=x", "/api/v1/complaints", nil, "post_id", "invalid_number"},
			{"path id", "GET", "/api/v1/posts/x", "/api/v1/posts/{id}", nil, "id", "invalid_number"},
			{"cursor", "GET", "/api/v1/blocked-numbers?cursor=x", "/api/v1/blocked-numbers", nil, "cursor", "invalid_cursor"},
			{"clock advance", "POST", "/api/v1/dev/clock", "/api/v1/dev/clock", []byte(`{"advance":"soon"}`), "advance", "invalid_value"},
			{"clock set", "POST", "/api/v1/dev/clock", "/api/v1/dev/clock", []byte(`{"set":"tomorrow"}`), "set", "invalid_time"},
			{"clock nothing", "POST", "/api/v1/dev/clock", "/api/v1/dev/clock", []byte(`{}`), "advance", "required"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				for _, lang := range []string{"hi", "en"} {
					a := f.send("supervisor1", tc.method, tc.path, "application/json", tc.body, "Accept-Language", lang)
					finding(t, tc.name, a, tc.field, tc.code)
					conforms(t, tc.method, tc.doc, a)
				}
			})
		}
		t.Run("no file", func(t *testing.T) {
			a := f.send("agent1", "POST", "/api/v1/attachments", "application/json", []byte(`{}`))
			finding(t, "no file", a, "file", "required")
			conforms(t, "POST", "/api/v1/attachments", a)
		})
	})
}

// TestFeedbackQueueListsWhatIsDue: GET /feedback-queue leaves out a
// complaint resting after an unanswered call, as POST /feedback-queue/next
// does, until its next attempt is due; oldest report first.
func TestFeedbackQueueListsWhatIsDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		first, second := f.register("9811100031"), f.register("9811100032")
		f.must(200, f.officer, "POST", "/api/v1/complaints/"+second+"/report", map[string]any{"text": "नाली साफ़ करा दी गई"})
		f.clk.Advance(time.Minute)
		f.must(200, f.officer, "POST", "/api/v1/complaints/"+first+"/report", map[string]any{"text": "सड़क ठीक करा दी गई"})
		refs := func() []string {
			var out []string
			for _, it := range list(f.must(200, "agent1", "GET", "/api/v1/feedback-queue", nil)) {
				out = append(out, it["ref"].(string))
			}
			return out
		}
		if got := fmt.Sprint(refs()); got != fmt.Sprint([]string{second, first}) {
			t.Fatalf("queue %v, want [%s %s] (oldest report first)", got, second, first)
		}
		l := f.must(200, "agent1", "POST", "/api/v1/feedback-queue/next", nil)
		if l["ref"] != second {
			t.Fatalf("leased %v, want %s", l["ref"], second)
		}
		f.must(200, "agent1", "POST", "/api/v1/complaints/"+second+"/feedback", map[string]any{"outcome": "unreachable", "remarks": "फ़ोन बंद"})
		if got := fmt.Sprint(refs()); got != fmt.Sprint([]string{first}) {
			t.Fatalf("after an unanswered call: queue %v, want [%s]", got, first)
		}
		// One item per page still walks past the resting one.
		page := f.must(200, "agent1", "GET", "/api/v1/feedback-queue?limit=1", nil)
		if items := list(page); len(items) != 1 || items[0]["ref"] != first {
			t.Fatalf("first page of one: %v", page)
		}
		if l := f.must(200, "agent2", "POST", "/api/v1/feedback-queue/next", nil); l["ref"] != first {
			t.Fatalf("next leased %v, want %s", l["ref"], first)
		}
		if code, _ := f.call("agent1", "POST", "/api/v1/feedback-queue/next", nil); code != 204 {
			t.Fatalf("next while resting: %d, want 204", code)
		}
		f.clk.Advance(service.CallCentreConfig{}.Policy.WithDefaults().RetryAfter + time.Minute)
		if got := fmt.Sprint(refs()); got != fmt.Sprint([]string{second, first}) {
			t.Fatalf("after the rest: queue %v, want [%s %s]", got, second, first)
		}
	})
}

// TestBlockNumberIsIdempotent: a retry with the same Idempotency-Key and
// body answers the first 201 again (not 409), with Location; another body
// under the key is refused; a block that ends before it starts still
// answers in full.
func TestBlockNumberIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		body := map[string]any{"mobile": "+91 98111-00041", "reason": "बार-बार झूठी शिकायत"}
		a := f.sendJSON("supervisor1", "POST", "/api/v1/blocked-numbers", body, "Idempotency-Key", "block-41")
		if a.status != 201 || a.body["mobile"] != "9811100041" || a.body["since"] == nil || a.body["by"] == nil {
			t.Fatalf("block: %d %v", a.status, a.body)
		}
		conforms(t, "POST", "/api/v1/blocked-numbers", a)
		if loc := a.header.Get("Location"); loc != "/api/v1/blocked-numbers/9811100041" {
			t.Errorf("Location %q", loc)
		}
		f.clk.Advance(time.Minute)
		b := f.sendJSON("supervisor1", "POST", "/api/v1/blocked-numbers", body, "Idempotency-Key", "block-41")
		if b.status != 201 || fmt.Sprint(b.body) != fmt.Sprint(a.body) || b.header.Get("Location") != a.header.Get("Location") {
			t.Fatalf("retry: %d %v, want the first answer %v", b.status, b.body, a.body)
		}
		// Without the key, blocking again conflicts; the key with another
		// body is refused.
		if c := f.sendJSON("supervisor1", "POST", "/api/v1/blocked-numbers", body); c.status != 409 {
			t.Fatalf("second block without a key: %d %v", c.status, c.body)
		}
		other := f.sendJSON("supervisor1", "POST", "/api/v1/blocked-numbers", map[string]any{"mobile": "9811100042", "reason": "x"},
			"Idempotency-Key", "block-41")
		finding(t, "key reused", other, "Idempotency-Key", "reused")
		conforms(t, "POST", "/api/v1/blocked-numbers", other)
		if blocked := f.must(200, "agent1", "GET", "/api/v1/callers/9811100042", nil)["blocked"]; blocked != nil {
			t.Fatalf("the refused request blocked the number: %v", blocked)
		}

		past := f.clk.Now().Add(-time.Hour).Format(time.RFC3339)
		e := f.sendJSON("supervisor1", "POST", "/api/v1/blocked-numbers", map[string]any{"mobile": "9811100043", "reason": "पुराना", "until": past})
		if e.status != 201 || e.body["reason"] != "पुराना" || e.body["since"] == nil || e.body["by"] == nil {
			t.Fatalf("a block already over: %d %v", e.status, e.body)
		}
		conforms(t, "POST", "/api/v1/blocked-numbers", e)
	})
}

// TestUploadIsIdempotentAndSaysWhyItRefuses: the same key and file answer
// the first attachment; a file over the cap answers 413 (also when the
// request body is cut off), a file of another type 415.
func TestUploadIsIdempotentAndSaysWhyItRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		f.svc.SetBlobs(service.DirBlobs{Dir: t.TempDir()})
		pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
		a := f.upload("agent1", "report.pdf", pdf, "Idempotency-Key", "up-1")
		if a.status != 201 || a.body["content_type"] != "application/pdf" {
			t.Fatalf("upload: %d %v", a.status, a.body)
		}
		conforms(t, "POST", "/api/v1/attachments", a)
		if loc := a.header.Get("Location"); loc != fmt.Sprintf("/attachments/%v", a.body["id"]) {
			t.Errorf("Location %q", loc)
		}
		b := f.upload("agent1", "report.pdf", pdf, "Idempotency-Key", "up-1")
		if b.status != 201 || b.body["id"] != a.body["id"] || b.header.Get("Location") != a.header.Get("Location") {
			t.Fatalf("retry: %d %v, want the first attachment %v", b.status, b.body, a.body)
		}
		if c := f.upload("agent1", "report.pdf", pdf); c.status != 201 || c.body["id"] == a.body["id"] {
			t.Fatalf("without a key a second upload is a second attachment: %d %v", c.status, c.body)
		}
		other := f.upload("agent1", "other.pdf", append(pdf, 'x'), "Idempotency-Key", "up-1")
		finding(t, "key reused", other, "Idempotency-Key", "reused")

		refused := []struct {
			name   string
			data   []byte
			status int
			code   string
			field  string
		}{
			{"over the cap", append(bytes.Repeat([]byte{0}, service.MaxAttachment), pdf...), 413, "payload_too_large", "too_large"},
			{"body cut off", bytes.Repeat([]byte{0}, service.MaxAttachment+2<<20), 413, "payload_too_large", "too_large"},
			{"not an image or a PDF", []byte("#!/bin/sh\necho hello\n"), 415, "unsupported_media_type", "bad_type"},
		}
		for _, tc := range refused {
			t.Run(tc.name, func(t *testing.T) {
				r := f.upload("agent1", "x.bin", tc.data, "Accept-Language", "en")
				errs, _ := r.body["errors"].([]any)
				if r.status != tc.status || r.body["code"] != tc.code || len(errs) != 1 ||
					errs[0].(map[string]any)["field"] != "file" || errs[0].(map[string]any)["code"] != tc.field {
					t.Fatalf("%d %v, want %d %s with finding file/%s", r.status, r.body, tc.status, tc.code, tc.field)
				}
				if d, _ := r.body["detail"].(string); d == "" || strings.Contains(d, "<no value>") {
					t.Errorf("detail %q", d)
				}
				conforms(t, "POST", "/api/v1/attachments", r)
				documents(t, "POST", "/api/v1/attachments", r.status, tc.code)
			})
		}
	})
}

// TestDocumentedAnswers: answers the audit found undocumented match the
// OpenAPI document — a repeated identical report after a reopen (409
// duplicate_report) and an unroutable complaint registered as returned with
// no accountable post.
func TestDocumentedAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		ref := f.register("9811100051")
		report := map[string]any{"text": "नाली साफ़ करा दी गई"}
		f.must(200, f.officer, "POST", "/api/v1/complaints/"+ref+"/report", report)
		f.must(200, "agent1", "POST", "/api/v1/complaints/"+ref+"/feedback", map[string]any{"outcome": "not_satisfied", "remarks": "नहीं हुआ"})
		// Reopened, it goes up a level: its new officer files the same text.
		post := f.must(200, "admin", "GET", "/api/v1/complaints/"+ref, nil)["accountable_post"].(map[string]any)["id"].(float64)
		holder, err := st.Holder(context.Background(), int64(post))
		if err != nil {
			t.Fatalf("holder of post %v: %v", post, err)
		}
		d := f.sendJSON(holder.Username, "POST", "/api/v1/complaints/"+ref+"/report", report)
		if d.status != 409 || d.body["code"] != "duplicate_report" {
			t.Fatalf("the same report after a reopen: %d %v", d.status, d.body)
		}
		conforms(t, "POST", "/api/v1/complaints/{ref}/report", d)
		documents(t, "POST", "/api/v1/complaints/{ref}/report", 409, "duplicate_report")

		// A complaint type whose designation has no post anywhere.
		dept := f.must(201, "admin", "POST", "/api/v1/departments", map[string]string{"code": "silk", "name_en": "Sericulture", "name_hi": "रेशम"})
		f.must(201, "admin", "POST", "/api/v1/designations", map[string]any{"department_id": dept["id"], "code": "silk_fo",
			"name_en": "Silk officer", "name_hi": "रेशम अधिकारी", "area_kind": "block"})
		cat := f.must(201, "admin", "POST", "/api/v1/categories", map[string]any{"code": "silk_subsidy", "department_id": dept["id"],
			"designation": "silk_fo", "name_en": "Silkworm subsidy not paid", "name_hi": "रेशम कीट अनुदान नहीं मिला",
			"sla_days": []int{10, 5, 5, 5, 5}})
		c := f.sendJSON("agent1", "POST", "/api/v1/complaints", map[string]any{"channel": "phone", "category_id": cat["id"],
			"area_id": f.village, "description": "अनुदान नहीं मिला", "complainant": map[string]any{"name": "गीता", "mobile": "9811100052"}})
		if c.status != 201 || c.body["status"] != "returned" || c.body["accountable_post"] != nil {
			t.Fatalf("unroutable complaint: %d %v", c.status, c.body)
		}
		conforms(t, "POST", "/api/v1/complaints", c)
		g := f.send("agent1", "GET", "/api/v1/complaints/"+c.body["ref"].(string), "", nil)
		conforms(t, "GET", "/api/v1/complaints/{ref}", g)
	})
}

// TestCreatesSayWhereTheyAre: each admin create answers 201 with the new
// resource's Location, and where the resource can be read, reading the
// Location gives it back.
func TestCreatesSayWhereTheyAre(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		for _, c := range []struct {
			path     string
			body     map[string]any
			readable bool
		}{
			{"/api/v1/departments", map[string]any{"code": "loc_test", "name_en": "Location Test", "name_hi": "स्थान परीक्षण"}, false},
			{"/api/v1/areas", map[string]any{"kind": "state", "code": "loc-test", "name_en": "Test State", "name_hi": "परीक्षण राज्य"}, true},
			{"/api/v1/officers", map[string]any{"name": "नया अधिकारी", "mobile": "9811100099", "username": "loc.officer", "password": "a-long-password-1"}, true},
		} {
			a := f.sendJSON("admin", "POST", c.path, c.body)
			if a.status != 201 {
				t.Fatalf("POST %s: %d %v", c.path, a.status, a.body)
			}
			want := fmt.Sprintf("%s/%v", c.path, a.body["id"])
			if loc := a.header.Get("Location"); loc != want {
				t.Errorf("POST %s: Location %q; want %q", c.path, loc, want)
			}
			if c.readable {
				g := f.sendJSON("admin", "GET", want, nil)
				if g.status != 200 || fmt.Sprint(g.body["id"]) != fmt.Sprint(a.body["id"]) {
					t.Errorf("GET %s: %d %v", want, g.status, g.body)
				}
			}
		}
	})
}

// TestCallOutcomesAreIdempotent: an agent's feedback, follow-up, comment or
// reminder sent twice with one Idempotency-Key (a network retry) is
// recorded once, and the retry gets the first answer back.
func TestCallOutcomesAreIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		reported, open := f.register("9811100051"), f.register("9811100052")
		f.must(200, f.officer, "POST", "/api/v1/complaints/"+reported+"/report", map[string]any{"text": "नाली साफ़ करा दी गई"})
		twice := func(user, path string, body map[string]any, key string) {
			t.Helper()
			a := f.sendJSON(user, "POST", path, body, "Idempotency-Key", key)
			if a.status/100 != 2 {
				t.Fatalf("POST %s: %d %v", path, a.status, a.body)
			}
			f.clk.Advance(time.Second)
			b := f.sendJSON(user, "POST", path, body, "Idempotency-Key", key)
			if b.status != a.status || fmt.Sprint(b.body) != fmt.Sprint(a.body) || b.header.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("retry of POST %s: %d %v (replayed %q); want the first answer %d %v",
					path, b.status, b.body, b.header.Get("Idempotent-Replayed"), a.status, a.body)
			}
		}
		twice("agent1", "/api/v1/complaints/"+reported+"/feedback", map[string]any{"outcome": "unreachable", "remarks": "फ़ोन बंद"}, "fb-1")
		twice("agent1", "/api/v1/complaints/"+open+"/followups", map[string]any{"outcome": "unreachable", "remarks": "फ़ोन नहीं उठा"}, "fu-1")
		twice("agent1", "/api/v1/complaints/"+open+"/reminders", map[string]any{"note": "नागरिक ने फिर फ़ोन किया"}, "rm-1")
		twice(f.officer, "/api/v1/complaints/"+open+"/comments", map[string]any{"text": "मौके पर जाँच की"}, "cm-1")
		count := func(ref, kind string) int {
			t.Helper()
			var n int
			err := st.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
				WHERE c.ref = $1 AND e.kind = $2`, ref, kind).Scan(&n)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, c := range []struct{ ref, kind string }{{reported, "feedback"}, {open, "followup"}, {open, "reminder"}, {open, "commented"}} {
			if n := count(c.ref, c.kind); n != 1 {
				t.Errorf("%s events on %s: %d; want 1", c.kind, c.ref, n)
			}
		}
		var attempts int
		if err := st.DB().QueryRowContext(context.Background(), `SELECT feedback_attempts FROM complaints WHERE ref = $1`, reported).Scan(&attempts); err != nil || attempts != 1 {
			t.Fatalf("feedback attempts %d (%v); want 1", attempts, err)
		}
	})
}
