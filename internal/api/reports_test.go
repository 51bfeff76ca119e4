package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/xuri/excelize/v2"

	"github.com/nivaran/nivaran/internal/api"
	"github.com/nivaran/nivaran/internal/clock"
	"github.com/nivaran/nivaran/internal/demo"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/openapi"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
	"github.com/nivaran/nivaran/internal/workflow"
)

const reportsPassword = "reports-test-password"

// reportServer is the demo state behind an httptest server, with a fake clock
// set to 2 November 2026, 10:00 IST.
type reportServer struct {
	t       *testing.T
	st      *store.Store
	clk     *clock.Fake
	svc     *service.Service
	url     string
	tokens  map[string]string
	lucknow int64
	// a complaint type and a Lucknow village whose L0 post is held, and a
	// village of another district
	category       int64
	village, other int64
	officer        string
	officerLevel1  string
	doc            *openapi3.T
}

func newReportServer(t *testing.T, st *store.Store) *reportServer {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFake(time.Date(2026, 11, 2, 4, 30, 0, 0, time.UTC))
	if _, err := demo.Load(ctx, st, reportsPassword, clk.Now()); err != nil {
		t.Fatal(err)
	}
	// Sessions keep real time, as under serve --fake-clock: moving the
	// clock by weeks signs nobody out.
	svc := service.New(st, clk, service.Config{SessionClock: clock.Real{}}, nil)
	hs := httptest.NewServer(api.New(svc, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Options{}).Handler())
	t.Cleanup(hs.Close)
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document())
	if err != nil {
		t.Fatal(err)
	}
	s := &reportServer{t: t, st: st, clk: clk, svc: svc, url: hs.URL, tokens: map[string]string{}, doc: doc}
	districts, err := st.AreaIDsByKind(ctx, model.AreaDistrict)
	if err != nil {
		t.Fatal(err)
	}
	s.lucknow = districts["162"]
	cats, err := st.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	villages, err := st.Areas(ctx, store.AreaFilter{Kind: model.AreaVillage, Limit: 5000})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range villages {
		in, err := st.Within(ctx, v.ID, s.lucknow)
		if err != nil {
			t.Fatal(err)
		}
		if !in {
			if s.other == 0 {
				s.other = v.ID
			}
			continue
		}
		for _, c := range cats {
			d, err := svc.Route(ctx, c.ID, v.ID)
			if err != nil || d.PostID == 0 {
				continue
			}
			chain, err := st.Chain(ctx, d.PostID, 2)
			if err != nil || len(chain) < 2 {
				continue
			}
			o0, err0 := st.Holder(ctx, chain[0].ID)
			o1, err1 := st.Holder(ctx, chain[1].ID)
			if err0 != nil || err1 != nil || s.category != 0 {
				continue
			}
			s.category, s.village, s.officer, s.officerLevel1 = c.ID, v.ID, o0.Username, o1.Username
		}
	}
	if s.category == 0 || s.other == 0 {
		t.Fatal("no routable complaint type with held posts in Lucknow")
	}
	return s
}

// do calls the API as user ("" for nobody) and returns the answer's status,
// headers and body.
func (s *reportServer) do(user, method, path string, body any, lang string) (int, http.Header, []byte) {
	s.t.Helper()
	tok, ok := s.tokens[user]
	if !ok && user != "" {
		code, _, raw := s.do("", "POST", "/api/v1/auth/login", map[string]string{"username": user, "password": reportsPassword}, "")
		if code != 200 {
			s.t.Fatalf("login %s: %d %s", user, code, raw)
		}
		var v struct{ Token string }
		_ = json.Unmarshal(raw, &v)
		tok = v.Token
		s.tokens[user] = tok
	}
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, s.url+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, raw
}

// json calls and decodes a JSON answer, which must have status want and
// agree with the schema the OpenAPI document gives for it.
func (s *reportServer) json(want int, user, method, path string, body any) map[string]any {
	s.t.Helper()
	code, _, raw := s.do(user, method, path, body, "")
	if code != want {
		s.t.Fatalf("%s: %s %s = %d, want %d: %s", user, method, path, code, want, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		s.t.Fatalf("%s %s: %s: %v", method, path, raw, err)
	}
	s.conforms(method, path, code, out)
	return out
}

// conforms checks an answer against the documented schema of its operation.
func (s *reportServer) conforms(method, path string, status int, body map[string]any) {
	s.t.Helper()
	p, _, _ := strings.Cut(path, "?")
	if strings.HasPrefix(p, "/api/v1/complaints/") && strings.Count(p, "/") == 5 {
		p = "/api/v1/complaints/{ref}/" + p[strings.LastIndex(p, "/")+1:]
	} else if strings.HasPrefix(p, "/api/v1/complaints/") {
		p = "/api/v1/complaints/{ref}"
	}
	item := s.doc.Paths.Value(p)
	if item == nil || item.GetOperation(method) == nil {
		s.t.Fatalf("%s %s is not documented", method, p)
	}
	resp := item.GetOperation(method).Responses.Status(status)
	if resp == nil || resp.Value.Content.Get("application/json") == nil {
		s.t.Fatalf("%s %s: no documented %d JSON answer", method, p, status)
	}
	// Round-trip through JSON so that numbers are float64, as the validator expects.
	raw, _ := json.Marshal(body)
	var v any
	_ = json.Unmarshal(raw, &v)
	if err := resp.Value.Content.Get("application/json").Schema.Value.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		s.t.Fatalf("%s %s: the answer does not match the OpenAPI document: %v", method, p, err)
	}
}

func (s *reportServer) register(mobile string, area int64) string {
	s.t.Helper()
	b := s.json(201, "agent1", "POST", "/api/v1/complaints", map[string]any{"channel": "phone", "category_id": s.category,
		"area_id": area, "description": "नाली जाम है", "complainant": map[string]any{"name": "गीता", "mobile": mobile}})
	return b["ref"].(string)
}

func rows(b map[string]any, key string) []map[string]any {
	var out []map[string]any
	for _, x := range b[key].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

func rowByKey(rs []map[string]any, key any) map[string]any {
	for _, r := range rs {
		if fmt.Sprint(r["key"]) == fmt.Sprint(key) {
			return r
		}
	}
	return nil
}

func TestReportsOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newReportServer(t, st)
		ctx := context.Background()
		at := func(v string) {
			x, err := time.ParseInLocation("2006-01-02 15:04", v, workflow.IST)
			if err != nil {
				t.Fatal(err)
			}
			s.clk.Set(x)
		}
		// Three complaints in Lucknow, one elsewhere; one reported, one closed satisfied.
		refs := []string{s.register("9811100001", s.village), s.register("9811100002", s.village), s.register("9811100003", s.village)}
		s.register("9811100004", s.other)
		at("2026-11-02 12:00")
		for _, ref := range refs[:2] {
			s.json(200, s.officer, "POST", "/api/v1/complaints/"+ref+"/report", map[string]any{"text": "नाली साफ़ करा दी गई " + ref})
		}
		at("2026-11-02 14:00")
		s.json(200, "agent1", "POST", "/api/v1/complaints/"+refs[0]+"/feedback", map[string]any{"outcome": "satisfied", "remarks": ""})

		// Pendency: Lucknow's monitor sees Lucknow only.
		p := s.json(200, "monitor.lucknow", "GET", "/api/v1/reports/pendency?group_by=district", nil)
		lk := rows(p, "rows")
		if len(lk) != 1 {
			t.Fatalf("Lucknow monitor: %d rows", len(lk))
		}
		r := lk[0]
		if r["key"].(float64) != float64(s.lucknow) || r["name_hi"] != "लखनऊ" || r["open"].(float64) != 1 ||
			r["reported"].(float64) != 1 || r["closed"].(float64) != 1 || r["overdue"].(float64) != 0 ||
			fmt.Sprint(r["by_level"]) != "[1 0 0 0 0]" || r["escalated"].(float64) != 0 {
			t.Fatalf("Lucknow row %v", r)
		}
		state := s.json(200, "monitor.state", "GET", "/api/v1/reports/pendency", nil)
		if len(rows(state, "rows")) != 75 || state["group_by"] != "district" || state["total"].(map[string]any)["open"].(float64) != 2 {
			t.Fatalf("state: %d rows, total %v", len(rows(state, "rows")), state["total"])
		}
		dd := s.json(200, "admin", "GET", "/api/v1/reports/pendency?group_by=district,department", nil)
		if first := rows(dd, "rows")[0]; !strings.Contains(first["key"].(string), ":") || first["district"] == nil || first["department"] == nil {
			t.Fatalf("district × department row %v", first)
		}
		posts := s.json(200, s.officerLevel1, "GET", "/api/v1/reports/pendency?group_by=post", nil)
		if len(rows(posts, "rows")) == 0 {
			t.Fatalf("the L1 officer sees no post of theirs")
		}
		if code, _, _ := s.do("monitor.lucknow", "GET", fmt.Sprintf("/api/v1/reports/pendency?area_id=%d", s.other), nil, ""); code != 403 {
			t.Fatalf("Lucknow's monitor read another district: %d", code)
		}

		// Exports: CSV with a byte-order mark and Hindi headers; XLSX.
		code, hdr, raw := s.do("monitor.state", "GET", "/api/v1/reports/pendency?format=csv", nil, "hi")
		if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") ||
			!strings.Contains(hdr.Get("Content-Disposition"), "pendency-district-2026-11-02.csv") {
			t.Fatalf("csv: %d %v", code, hdr)
		}
		if !bytes.HasPrefix(raw, []byte("\uFEFF")) {
			t.Fatal("csv without a byte-order mark")
		}
		recs, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
		if err != nil || len(recs) != 76 || recs[0][1] != "नाम (अंग्रेज़ी)" || recs[0][3] != "लंबित" {
			t.Fatalf("csv: %d records, header %v (%v)", len(recs), recs[0], err)
		}
		found := false
		for _, rec := range recs {
			found = found || rec[2] == "लखनऊ" && rec[3] == "1"
		}
		if !found {
			t.Fatal("csv: no Lucknow row with Devanagari intact")
		}
		code, hdr, raw = s.do("monitor.state", "GET", "/api/v1/reports/pendency?format=xlsx&group_by=district,department", nil, "en")
		if code != 200 || hdr.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("xlsx: %d %v", code, hdr)
		}
		x, err := excelize.OpenReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		xr, err := x.GetRows("pendency")
		x.Close()
		if err != nil || len(xr) < 2 || xr[0][0] != "District id" || xr[0][2] != "District (Hindi)" {
			t.Fatalf("xlsx rows %v (%v)", xr, err)
		}
		if !strings.Contains(fmt.Sprint(xr), "लखनऊ") {
			t.Fatal("xlsx: Devanagari lost")
		}

		// The verification sample of 2 November, and a mismatch.
		at("2026-11-03 01:00")
		if n, err := s.svc.SampleVerification(ctx, 5, rand.New(rand.NewPCG(1, 2))); err != nil || n != 1 {
			t.Fatalf("sample: %d (%v)", n, err)
		}
		q := s.json(200, "supervisor1", "GET", "/api/v1/verification-queue", nil)
		items := rows(q, "items")
		if len(items) != 1 || items[0]["reason"] != "sample" || items[0]["sample_day"] != "2026-11-02" ||
			items[0]["complaint"].(map[string]any)["ref"] != refs[0] || q["next_cursor"] != nil {
			t.Fatalf("queue %v", q)
		}
		if code, _, _ := s.do("agent1", "GET", "/api/v1/verification-queue", nil, ""); code != 403 {
			t.Fatalf("an agent listed the queue: %d", code)
		}
		code, _, raw = s.do("supervisor1", "POST", "/api/v1/complaints/"+refs[1]+"/verification", map[string]any{"outcome": "confirmed"}, "en")
		if code != 409 || !strings.Contains(string(raw), "invalid_transition") || !strings.Contains(string(raw), "verification queue") {
			t.Fatalf("verify a complaint not in the queue: %d %s", code, raw)
		}
		at("2026-11-03 10:00")
		c := s.json(200, "supervisor1", "POST", "/api/v1/complaints/"+refs[0]+"/verification",
			map[string]any{"outcome": "mismatch", "remarks": "नाली अब भी जाम है"})
		if c["status"] != "open" || c["level"].(float64) != 1 || c["reopen_count"].(float64) != 1 {
			t.Fatalf("after a mismatch: %v", c)
		}
		detail := s.json(200, "supervisor1", "GET", "/api/v1/complaints/"+refs[0], nil)
		kinds := ""
		for _, e := range detail["events"].([]any) {
			kinds += e.(map[string]any)["kind"].(string) + " "
		}
		if !strings.Contains(kinds, "verification reopened") {
			t.Fatalf("events: %s", kinds)
		}

		// Signals and trends answer for the month.
		sig := s.json(200, "monitor.state", "GET", "/api/v1/reports/signals?quick_minutes=180", nil)
		if sig["month"] != "2026-11" || sig["thresholds"].(map[string]any)["quick_minutes"].(float64) != 180 {
			t.Fatalf("signals %v", sig)
		}
		quick := 0
		for _, r := range rows(sig, "rows") {
			if r["kind"] == report.SignalQuickReport {
				quick += int(r["count"].(float64))
				if r["name_hi"] == "" || r["post"] == nil {
					t.Fatalf("signal row %v", r)
				}
			}
		}
		if quick != 2 {
			t.Fatalf("two reports two hours after registration under a 3-hour threshold: %d flagged", quick)
		}
		if code, _, _ := s.do("agent1", "GET", "/api/v1/reports/signals", nil, ""); code != 403 {
			t.Fatalf("an agent read the signals: %d", code)
		}
		tr := s.json(200, "monitor.lucknow", "GET", "/api/v1/reports/trends?months=3", nil)
		trs := rows(tr, "rows")
		if len(trs) != 3 || trs[2]["month"] != "2026-11" || trs[2]["registered"].(float64) != 3 || trs[2]["verify_mismatch"].(float64) != 1 {
			t.Fatalf("trends %v", trs)
		}

		// The November ranking, read in December: frozen, nine parameters, out of 100.
		at("2026-12-01 09:00")
		rk := s.json(200, s.officer, "GET", "/api/v1/reports/ranking?month=2026-11&of=district", nil)
		rr := rows(rk, "rows")
		if rk["frozen"] != true || rk["max_score"].(float64) != 100 || len(rr) != 2 {
			t.Fatalf("ranking %v", rk)
		}
		lr := rowByKey(rr, s.lucknow)
		if lr == nil || lr["name_hi"] != "लखनऊ" || len(lr["parameters"].([]any)) != 9 {
			t.Fatalf("Lucknow's ranking row %v", lr)
		}
		var sum float64
		for _, x := range lr["parameters"].([]any) {
			pm := x.(map[string]any)
			sum += pm["marks"].(float64)
			if pm["name_hi"] == "" || pm["max_marks"] == nil {
				t.Fatalf("parameter %v", pm)
			}
		}
		if d := sum - lr["score"].(float64); d > 1e-9 || d < -1e-9 {
			t.Fatalf("marks add up to %v, score %v", sum, lr["score"])
		}
		code, hdr, raw = s.do("monitor.state", "GET", "/api/v1/reports/ranking?month=2026-11&format=csv", nil, "hi")
		if code != 200 || !strings.Contains(hdr.Get("Content-Disposition"), "ranking-district-2026-11.csv") ||
			!strings.Contains(string(raw), "संतुष्ट शिकायतकर्ता: अंक") || !strings.Contains(string(raw), "लखनऊ") {
			t.Fatalf("ranking csv: %d %v %s", code, hdr, raw)
		}
		rub := s.json(200, "monitor.lucknow", "GET", "/api/v1/reports/ranking/rubric", nil)
		params := rows(rub, "parameters")
		if rub["version"].(float64) != 1 || rub["max_score"].(float64) != 100 || len(params) != 9 ||
			params[0]["code"] != "satisfied_share" || !strings.Contains(params[0]["formula_hi"].(string), "संतुष्ट") ||
			len(rows(rub, "versions")) != 1 || len(rows(rub, "measures")) != len(report.Measures) {
			t.Fatalf("rubric %v", rub)
		}

		// Refusals.
		for _, c := range []struct {
			user, path string
			want       int
		}{
			{"", "/api/v1/reports/pendency", 401},
			{"", "/api/v1/reports/ranking", 401},
			{"", "/api/v1/verification-queue", 401},
			{"admin", "/api/v1/reports/pendency?format=pdf", 400},
			{"admin", "/api/v1/reports/pendency?group_by=village", 400},
			{"admin", "/api/v1/reports/pendency?area_id=x", 400},
			{"admin", "/api/v1/reports/pendency?area_id=99999999", 400},
			{"admin", "/api/v1/reports/ranking?month=2026-13", 400},
			{"admin", "/api/v1/reports/ranking?month=2027-01", 400},
			{"admin", "/api/v1/reports/ranking?of=tehsil", 400},
			{"admin", "/api/v1/reports/trends?months=99", 400},
			{"admin", "/api/v1/reports/signals?outlier_factor=0.5", 400},
			{"admin", "/api/v1/verification-queue?status=maybe", 400},
		} {
			code, _, raw := s.do(c.user, "GET", c.path, nil, "")
			if code != c.want || !strings.Contains(string(raw), `"code"`) {
				t.Errorf("%s %s = %d, want %d: %s", c.user, c.path, code, c.want, raw)
			}
		}
	})
}
