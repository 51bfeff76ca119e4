package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nivaran/nivaran/internal/locale"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// The page audit's findings, one test each, on both databases.

func eachDialect(t *testing.T, f func(t *testing.T, e *env)) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) { f(t, newEnv(t, d)) })
	}
}

// hasMsg reports whether body shows key in Hindi or English (as rendered:
// HTML-escaped).
func hasMsg(body, key string, data map[string]any) bool {
	for _, l := range []string{"hi", "en"} {
		if strings.Contains(body, html.EscapeString(locale.T(l, key, data))) {
			return true
		}
	}
	return false
}

// hasBoth reports whether body shows key in both languages.
func hasBoth(body, key string, data map[string]any) bool {
	return strings.Contains(body, html.EscapeString(locale.T("hi", key, data))) &&
		strings.Contains(body, html.EscapeString(locale.T("en", key, data)))
}

// reportedRef registers a complaint from a number made of n and files its
// report: a complaint in the feedback queue.
func (e *env) reportedRef(n int) string {
	ref := e.registerVia(n).Ref
	e.fileReport(ref)
	return ref
}

// specialClosureRef is a land dispute at a tehsil whose special closure the
// supervisor post has approved: reported, with the special-closure flag.
func (e *env) specialClosureRef(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var land model.Category
	cats, _ := e.st.Categories(ctx)
	for _, c := range cats {
		if c.Code == "revenue_land_dispute" {
			land = c
		}
	}
	lucknow, _ := e.st.Areas(ctx, store.AreaFilter{Kind: model.AreaDistrict, Q: "lucknow", Limit: 1})
	tehsils, _ := e.st.Areas(ctx, store.AreaFilter{ParentID: &lucknow[0].ID, Kind: model.AreaTehsil, Limit: 1})
	res, body := register(t, e, e.client("agent1"), url.Values{"mobile": {"7000000044"}, "name": {"Ram Lal"}, "language": {"hi"},
		"idem": {"land-sc"}, "category_id": {strconv.FormatInt(land.ID, 10)}, "area_id": {strconv.FormatInt(tehsils[0].ID, 10)},
		"description": {"पड़ोसी ने मेड़ काट दी, मामला न्यायालय में है।"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register land dispute: %d\n%.1000s", res.StatusCode, body)
	}
	ref := strings.TrimPrefix(res.Header.Get("Location"), "/agent/registered/")
	row, err := e.st.ComplaintRowByRef(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RequestSpecialClosure(ctx, e.principal(e.holder(row.AccountablePostID)), ref, "sub_judice", "वाद सिविल न्यायालय में विचाराधीन है।"); err != nil {
		t.Fatal(err)
	}
	post, err := e.st.Post(ctx, row.AccountablePostID)
	if err != nil || post.SupervisorPostID == nil {
		t.Fatalf("no supervisor post: %v", err)
	}
	if _, err := e.svc.DecideSpecialClosure(ctx, e.principal(e.holder(*post.SupervisorPostID)), ref, true, "सहमत"); err != nil {
		t.Fatal(err)
	}
	if row, _ = e.st.ComplaintRowByRef(ctx, ref); row.Status != model.StatusReported || !row.SpecialClosure {
		t.Fatalf("special closure not approved: %s %v", row.Status, row.SpecialClosure)
	}
	return ref
}

// follow fetches the page a redirect points to.
func follow(t *testing.T, e *env, c *http.Client, res *http.Response) string {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("want a redirect, got %d", res.StatusCode)
	}
	_, body := e.get(c, res.Header.Get("Location"))
	return body
}

// 1. /agent/feedback leases its call: two agents see two citizens, a reload
// keeps the same one, and an outcome on another agent's call is refused in
// both languages.
func TestAuditFeedbackDeskLeases(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.reportedRef(201)
		e.reportedRef(202)
		ag1, ag2 := e.client("agent1"), e.client("agent2")
		b1 := checkPage(t, e, ag1, "/agent/feedback", 200, `id="lease"`)
		r1 := between(b1, `id="held" data-ref="`, `"`)
		b2 := checkPage(t, e, ag2, "/agent/feedback", 200, `id="lease"`)
		r2 := between(b2, `id="held" data-ref="`, `"`)
		if r1 == "" || r2 == "" || r1 == r2 {
			t.Fatalf("two agents were given %q and %q", r1, r2)
		}
		if again := between(checkPage(t, e, ag1, "/agent/feedback", 200), `id="held" data-ref="`, `"`); again != r1 {
			t.Errorf("reload gave %q, want the held %q", again, r1)
		}
		// agent2 asks for agent1's call by reference: told it is taken.
		body := checkPage(t, e, ag2, "/agent/feedback?ref="+r1, 200)
		if !hasBoth(body, "refusal_call_taken", nil) || strings.Contains(body, `data-ref="`+r1+`"`) {
			t.Errorf("agent2 shown agent1's call:\n%.1500s", body)
		}
		// agent2 records an outcome on agent1's call: refused, nothing saved.
		status, body := postForm(t, e, ag2, "/c/"+r1+"/feedback", url.Values{"outcome": {"unreachable"}})
		if status != http.StatusConflict || !hasBoth(body, "refusal_call_taken", nil) {
			t.Errorf("outcome on another's call: %d\n%.1500s", status, body)
		}
		status, body = postForm(t, e, ag2, "/agent/next/feedback/"+r1, url.Values{"outcome": {"unreachable"}})
		if status != http.StatusConflict || !hasBoth(body, "refusal_call_taken", nil) {
			t.Errorf("next-call outcome on another's call: %d\n%.1500s", status, body)
		}
		if row, _ := e.st.ComplaintRowByRef(ctx, r1); row.FeedbackAttempts != 0 {
			t.Errorf("%s attempts %d after refused outcomes", r1, row.FeedbackAttempts)
		}
		// agent1's own outcome goes through.
		if status, _ := postForm(t, e, ag1, "/c/"+r1+"/feedback", url.Values{"outcome": {"satisfied"}}); status != http.StatusSeeOther {
			t.Errorf("own outcome: %d", status)
		}
	})
}

// 2. The message after an outcome follows what happened to the complaint:
// a special closure answered "not satisfied" is closed, and the last
// unreachable attempt closes it; the call card says it is a special closure.
func TestAuditOutcomeMessages(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		agent := e.client("agent1")
		sc := e.specialClosureRef(t)
		body := checkPage(t, e, agent, "/agent/feedback?ref="+sc, 200, `id="special-closure"`)
		if !hasMsg(body, "ui_special_call_note", nil) {
			t.Errorf("the call card does not say special closure:\n%.2000s", body)
		}
		res := e.post(agent, "/c/"+sc+"/feedback", url.Values{"outcome": {"not_satisfied"}})
		body = follow(t, e, agent, res)
		if !hasMsg(body, "ui_outcome_saved_special_closure", nil) || hasMsg(body, "ui_outcome_saved_reopened", nil) {
			t.Errorf("special closure not satisfied: wrong message (%s)\n%.1500s", res.Header.Get("Location"), body)
		}
		if row, _ := e.st.ComplaintRowByRef(ctx, sc); row.Status != model.StatusClosed || row.ClosureReason != model.ClosedSpecialClosure {
			t.Fatalf("%s: %s %s", sc, row.Status, row.ClosureReason)
		}

		// Third unreachable attempt, on the next-call console.
		ref := e.reportedRef(301)
		sup := e.principal("supervisor1")
		for range 2 {
			if _, err := e.svc.Feedback(ctx, sup, ref, "unreachable", ""); err != nil {
				t.Fatal(err)
			}
		}
		res = e.post(agent, "/agent/next/feedback/"+ref, url.Values{"outcome": {"unreachable"}})
		body = follow(t, e, agent, res)
		if !hasMsg(body, "ui2_next_saved_feedback_closed_unreachable", nil) || hasMsg(body, "ui2_next_saved_feedback_unreachable", nil) {
			t.Errorf("third unreachable: wrong message (%s)\n%.1500s", res.Header.Get("Location"), body)
		}
		// Not satisfied on an ordinary complaint: reopened, at its new level.
		ref = e.reportedRef(302)
		res = e.post(agent, "/c/"+ref+"/feedback", url.Values{"outcome": {"not_satisfied"}})
		body = follow(t, e, agent, res)
		row, _ := e.st.ComplaintRowByRef(ctx, ref)
		if !hasMsg(body, "ui_outcome_saved_reopened_at", map[string]any{"Level": fmt.Sprintf("L%d", row.Level)}) {
			t.Errorf("reopened: wrong message (%s)\n%.1500s", res.Header.Get("Location"), body)
		}
	})
}

// 3. Enter in a field of the call console registers: the form's first
// submit button is "register", not a duplicate's "add reminder".
func TestAuditEnterRegisters(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		agent := e.client("agent1")
		const mobile = "8765400033"
		v := url.Values{"mobile": {mobile}, "name": {"Abdul Rahman"}, "language": {"hi"}, "idem": {"dup-1"},
			"category_id": {strconv.FormatInt(e.category.ID, 10)}, "area_id": {strconv.FormatInt(e.place.ID, 10)},
			"description": {"नाली चोक है"}}
		if res, _ := register(t, e, agent, v); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("first registration: %d", res.StatusCode)
		}
		v.Set("idem", "dup-2")
		res, body := register(t, e, agent, v)
		if res.StatusCode == http.StatusSeeOther || !strings.Contains(body, `formaction="/c/`) {
			t.Fatalf("no duplicate warning: %d", res.StatusCode)
		}
		form := between(body, `id="reg"`, `</form>`)
		first := between(form, `<button`, `>`)
		if !strings.Contains(first, `type="submit"`) || strings.Contains(first, "formaction") || strings.Contains(first, `name="confirm_new"`) {
			t.Errorf("the form's default button is %q, not register", first)
		}
	})
}

// 4. and 6. /track sends a signed-out visitor to the citizen sign-in and
// back to the complaint; /my/new does not offer the mobile as the name; the
// return path is local only.
func TestAuditCitizenTrackAndName(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		if _, ok := any(e.svc).(otpService); !ok {
			t.Skip("no OTP sign-in")
		}
		row := e.registerVia(501)
		mobile := row.Complainant.Mobile
		anon := e.client("")
		res, err := anon.Get(e.srv.URL + "/track?ref=" + row.Ref)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/citizen?") {
			t.Fatalf("signed-out track: %d %s", res.StatusCode, loc)
		}
		body := checkPage(t, e, anon, loc, 200, `name="next" value="/c/`+row.Ref+`"`, `id="to-complaint"`)
		_ = body
		status, body := postForm(t, e, anon, "/citizen/otp", url.Values{"mobile": {mobile}, "next": {"/c/" + row.Ref}})
		if status != 200 || !strings.Contains(body, `name="next" value="/c/`+row.Ref+`"`) {
			t.Fatalf("otp step lost the return: %d", status)
		}
		code := otpFor(t, e, mobile)
		res = e.post(anon, "/citizen/verify", url.Values{"mobile": {mobile}, "code": {code}, "next": {"/c/" + row.Ref}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/c/"+row.Ref {
			t.Fatalf("verify: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		checkPage(t, e, anon, "/c/"+row.Ref, 200, row.Ref[:4])

		// /my/new: the account's name is the mobile, which is no name.
		body = checkPage(t, e, anon, "/my/new", 200)
		if field := between(body, `id="f-name"`, `>`); strings.Contains(field, mobile) {
			t.Errorf("name prefilled with the mobile: %s", field)
		}

		// Only local return paths.
		for i, bad := range []string{"//evil.example/", "/\t/evil.example", "https://evil.example/", `/\evil.example`} {
			c := e.client("")
			mobile := fmt.Sprintf("96000005%02d", i)
			if res := e.post(c, "/citizen/otp", url.Values{"mobile": {mobile}}); res.StatusCode != 200 {
				t.Fatalf("otp: %d", res.StatusCode)
			}
			code := otpFor(t, e, mobile)
			res := e.post(c, "/citizen/verify", url.Values{"mobile": {mobile}, "code": {code}, "next": {bad}})
			if loc := res.Header.Get("Location"); loc != "/my" {
				t.Errorf("next %q: redirected to %q", bad, loc)
			}
		}
	})
}

// otpFor is the newest one-time code sent to mobile.
func otpFor(t *testing.T, e *env, mobile string) string {
	t.Helper()
	rows, err := e.st.Outbox(context.Background(), store.OutboxFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	code, newest := "", int64(0)
	for _, r := range rows {
		if r.Template == model.TmplOTP && r.Mobile == mobile && r.ID > newest {
			code, newest = r.Vars["code"], r.ID
		}
	}
	if code == "" {
		t.Fatal("no code sent")
	}
	return code
}

// 5. The action-taken report refuses a sixth photo, and keeps the typed
// text when the upload is too large.
func TestAuditReportFiles(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		row := e.registerVia(601)
		officer := e.client(e.holder(row.AccountablePostID))
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 200)...)
		const text = "नाली की सफ़ाई करा दी गई, फ़ोटो संलग्न।"
		send := func(files ...[]byte) (int, string) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			_ = mw.WriteField("text", text)
			for i, f := range files {
				fw, _ := mw.CreateFormFile("file", fmt.Sprintf("site-%d.png", i))
				fw.Write(f)
			}
			mw.Close()
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/c/"+row.Ref+"/report", &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			res, err := officer.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			return res.StatusCode, readAll(t, res)
		}
		status, body := send(png, png, png, png, png, png)
		if status != http.StatusUnprocessableEntity || !hasBoth(body, "ui_too_many_files", map[string]any{"Max": 5, "N": 6}) || !strings.Contains(body, text) {
			t.Errorf("six photos: %d\n%.2000s", status, body)
		}
		if r, _ := e.st.ComplaintRowByRef(ctx, row.Ref); r.Status != model.StatusOpen {
			t.Fatalf("a report was filed with six photos: %s", r.Status)
		}
		big := make([]byte, 56<<20)
		copy(big, png)
		status, body = send(big)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, text) || !strings.Contains(body, `id="e-file"><span class="ferr">`) {
			t.Errorf("too large: %d, text kept %v\n%.2000s", status, strings.Contains(body, text), body)
		}
		if status, _ = send(png, png); status != http.StatusSeeOther {
			t.Errorf("two photos: %d", status)
		}
	})
}

var idAttr = regexp.MustCompile(`\sid="([^"]+)"`)

// 7. The complaint page's forms do not share ids, so each label points to
// its own field.
func TestAuditUniqueIDs(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		row := e.registerVia(701)
		for _, who := range []string{e.holder(row.AccountablePostID), "supervisor1", "agent1"} {
			body := checkPage(t, e, e.client(who), "/c/"+row.Ref, 200)
			seen := map[string]bool{}
			for _, m := range idAttr.FindAllStringSubmatch(body, -1) {
				if seen[m[1]] {
					t.Errorf("%s sees id %q twice", who, m[1])
				}
				seen[m[1]] = true
			}
			for _, m := range regexp.MustCompile(`<label for="([^"]+)"`).FindAllStringSubmatch(body, -1) {
				if !seen[m[1]] {
					t.Errorf("%s: label for missing id %q", who, m[1])
				}
			}
		}
	})
}

var rawKey = regexp.MustCompile(`\bui2?_[a-z0-9_]*(xyz|abc)`)

// 8. No raw keys: an unknown ?done= is ignored, the Hindi timeline says the
// SMS is queued, and a bad outcome is refused with Hindi choices.
func TestAuditNoRawKeys(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ref := e.reportedRef(801)
		agent := e.client("agent1")
		for _, path := range []string{"/c/" + ref + "?done=xyz", "/agent/feedback?done=xyz&last=" + ref, "/agent/next?done=xyz&empty=abc",
			"/agent/next?done=feedback_xyz", "/desk/blocked?done=xyz"} {
			c := agent
			if strings.HasPrefix(path, "/desk") {
				c = e.client("supervisor1")
			}
			body := checkPage(t, e, c, path, 200)
			if m := rawKey.FindString(body); m != "" {
				t.Errorf("GET %s shows a raw key %q", path, m)
			}
		}
		body := checkPage(t, e, agent, "/c/"+ref, 200, "SMS कतार में")
		if strings.Contains(body, "SMS भेजा गया") {
			t.Error(`the Hindi timeline says "SMS भेजा गया" for a queued SMS`)
		}
		status, body := postForm(t, e, agent, "/c/"+ref+"/feedback", url.Values{"outcome": {"bogus"}})
		if status != http.StatusUnprocessableEntity || !hasBoth(body, "ui_refusal_unknown_outcome", nil) || strings.Contains(body, "not_satisfied या") {
			t.Errorf("bad outcome: %d\n%.1500s", status, body)
		}
	})
}

// 9. A caller at the monthly limit is flagged before the agent types, with
// the supervisor's override named.
func TestAuditMonthlyLimitUpFront(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		var mobile string
		for range 10 {
			mobile = e.registerVia(901).Complainant.Mobile
		}
		data := map[string]any{"N": 10, "Limit": 10}
		body := checkPage(t, e, e.client("agent1"), "/agent/call?mobile="+mobile, 200, `id="month-limit"`)
		if !hasMsg(body, "ui_month_limit_reached", data) || !hasMsg(body, "ui_month_limit_override_ask", nil) {
			t.Errorf("agent not warned of the limit:\n%.1500s", body)
		}
		if i, j := strings.Index(body, `id="month-limit"`), strings.Index(body, `id="reg"`); i < 0 || j < i {
			t.Error("the warning comes after the form")
		}
		body = checkPage(t, e, e.client("supervisor1"), "/agent/call?mobile="+mobile, 200, `id="month-limit"`)
		if !hasMsg(body, "ui_month_limit_override_self", nil) {
			t.Error("supervisor not told of the override")
		}
		if body := checkPage(t, e, e.client("agent1"), "/agent/call?mobile=9700000999", 200); strings.Contains(body, `id="month-limit"`) {
			t.Error("a new caller is flagged at the limit")
		}
	})
}
