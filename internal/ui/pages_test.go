package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/refno"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// untranslated finds a locale key printed as itself: a missing message.
var untranslated = regexp.MustCompile(`>[^<]*\b(ui|field|problem|refusal|reason)_[a-z0-9_]+`)

func checkPage(t *testing.T, e *env, c *http.Client, path string, want int, contains ...string) string {
	t.Helper()
	status, body := e.get(c, path)
	if status != want {
		t.Fatalf("GET %s: %d, want %d\n%s", path, status, want, body)
	}
	if want == http.StatusOK && strings.Contains(body, "<html") {
		if m := untranslated.FindString(body); m != "" {
			t.Errorf("GET %s shows an untranslated key %q", path, m)
		}
	}
	for _, s := range contains {
		if !strings.Contains(body, s) {
			t.Errorf("GET %s: missing %q", path, s)
		}
	}
	return body
}

// TestPagesOverHTTP drives every surface over plain HTTP (no browser): each
// page renders for its role in both languages, anonymous visitors are sent
// to sign in, bad input comes back next to its field in Hindi and English
// with what was typed, complaint text with HTML in it is shown as text,
// officers never see the complainant, and a cross-site form post is refused.
func TestPagesOverHTTP(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) { pagesOverHTTP(t, newEnv(t, d)) })
	}
}

func pagesOverHTTP(t *testing.T, e *env) {
	anon := e.client("")
	checkPage(t, e, anon, "/", 200, `lang="hi"`, "agent1", demoPassword, "निवारण", `href="/agent"`, `href="/citizen"`)
	checkPage(t, e, anon, "/login", 200)
	checkPage(t, e, anon, "/citizen", 200)
	checkPage(t, e, anon, "/track", 200)
	for _, f := range []string{"/static/app.css", "/static/app.js", "/static/htmx.min.js", "/static/fonts/NotoSansDevanagari-Regular.ttf"} {
		checkPage(t, e, anon, f, 200)
	}
	if res, _ := anon.Get(e.srv.URL + "/agent"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous /agent: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	agent := e.client("agent1")
	const mobile = "9876500011"
	checkPage(t, e, agent, "/agent", 200)
	checkPage(t, e, agent, "/agent/call?mobile="+mobile, 200, mobile, "0 / 10")
	checkPage(t, e, agent, "/agent/call?mobile=12345", 400, "10 अंकों", "10-digit")
	body := checkPage(t, e, agent, "/ui/categories?category_q="+url.QueryEscape(e.categoryQ), 200)
	if !strings.Contains(body, `data-value="`+strconv.FormatInt(e.category.ID, 10)+`"`) {
		t.Fatalf("category typeahead for %q does not offer %s:\n%s", e.categoryQ, e.category.Code, body)
	}
	body = checkPage(t, e, agent, "/ui/areas?area_q="+url.QueryEscape(e.placeQ), 200, "›")
	if !strings.Contains(body, `data-value="`+strconv.FormatInt(e.place.ID, 10)+`"`) {
		t.Fatalf("place typeahead for %q does not offer %d:\n%s", e.placeQ, e.place.ID, body)
	}

	// Bad input: refused next to the field, bilingual, what was typed kept.
	bad := url.Values{"mobile": {mobile}, "name": {""}, "description": {"पानी भरा है"}, "category_id": {""}, "area_id": {"0"}, "language": {"hi"}}
	res, err := agent.PostForm(e.srv.URL+"/agent/register", bad)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/agent/register", strings.NewReader(bad.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err = agent.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b := readAll(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad registration: %d\n%s", res.StatusCode, b)
	}
	for _, s := range []string{"नाम भरना आवश्यक है", "Name is required", "पानी भरा है", `id="e-category_id"><span class="ferr">`, `aria-invalid="true" aria-describedby="e-name"`} {
		if !strings.Contains(b, s) {
			t.Errorf("bad registration page lacks %q", s)
		}
	}

	// A cross-site post is refused before it reaches the service.
	req, _ = http.NewRequest(http.MethodPost, e.srv.URL+"/agent/register", strings.NewReader(bad.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res, err = agent.Do(req); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site post: %d, want 403", res.StatusCode)
	}

	// A complaint whose text is markup is shown as text.
	good := url.Values{"mobile": {mobile}, "name": {"Ramesh <b>Kumar</b>"}, "language": {"hi"}, "idem": {"k1"},
		"category_id": {strconv.FormatInt(e.category.ID, 10)}, "area_id": {strconv.FormatInt(e.place.ID, 10)},
		"description": {`नाली चोक है <script>alert("x")</script> <img src=x onerror=alert(1)>`}}
	res = e.post(agent, "/agent/register", good)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/agent/registered/") {
		t.Fatalf("register: %d %s", res.StatusCode, loc)
	}
	ref := strings.TrimPrefix(loc, "/agent/registered/")
	checkPage(t, e, agent, loc, 200, refno.Group(ref))
	body = checkPage(t, e, agent, "/c/"+ref, 200, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "Ramesh &lt;b&gt;Kumar&lt;/b&gt;", mobile)
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || strings.Contains(body, "<b>Kumar") {
		t.Fatal("complaint text rendered as markup")
	}
	// Registering the same again warns of the open complaint first.
	good.Set("idem", "k2")
	req, _ = http.NewRequest(http.MethodPost, e.srv.URL+"/agent/register", strings.NewReader(good.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, _ = agent.Do(req)
	if b := readAll(t, res); res.StatusCode != 200 || !strings.Contains(b, "/c/"+ref+"/remind") {
		t.Fatalf("second registration did not warn of %s: %d", ref, res.StatusCode)
	}
	checkPage(t, e, agent, "/agent/duplicates?mobile="+mobile+"&category_id="+good.Get("category_id")+"&area_id="+good.Get("area_id"), 200, "/c/"+ref+"/remind")
	checkPage(t, e, agent, "/agent/feedback", 200)

	// The officer of the accountable post sees it, without the complainant.
	row, err := e.st.ComplaintRowByRef(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	officer := e.client(e.holder(row.AccountablePostID))
	checkPage(t, e, officer, "/inbox", 200, refno.Group(ref))
	body = checkPage(t, e, officer, "/c/"+ref, 200, "&lt;script&gt;", "/c/"+ref+"/report")
	if strings.Contains(body, mobile) || strings.Contains(body, "Ramesh") {
		t.Fatal("the officer's complaint page shows the complainant")
	}
	checkPage(t, e, officer, "/decisions", 200)
	checkPage(t, e, officer, "/agent", 403)

	// English, remembered for the user.
	res = e.post(officer, "/lang", url.Values{"lang": {"en"}, "next": {"/inbox"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/inbox" {
		t.Fatalf("lang: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	checkPage(t, e, officer, "/inbox", 200, `lang="en"`, "Inbox")
	checkPage(t, e, e.client(e.holder(row.AccountablePostID)), "/c/"+ref, 200, `lang="en"`, "Timeline")

	sup := e.client("supervisor1")
	for _, p := range []string{"/desk", "/desk/blocked", "/agent/call?mobile=" + mobile} {
		checkPage(t, e, sup, p, 200)
	}
	admin := e.client("admin")
	for _, p := range []string{"/admin", "/admin/areas", "/admin/departments", "/admin/designations", "/admin/categories",
		"/admin/categories/" + strconv.FormatInt(e.category.ID, 10), "/admin/categories/new", "/admin/posts?designation=panchayat_ado",
		"/admin/posts/" + strconv.FormatInt(row.AccountablePostID, 10), "/admin/officers", "/admin/officers/1", "/admin/users", "/admin/sms",
		"/admin/areas?id=" + strconv.FormatInt(e.place.ID, 10), "/monitor"} {
		checkPage(t, e, admin, p, 200)
	}
	// Past its due date (no sweep has run yet) it shows red, marked overdue.
	e.clk.Advance(time.Duration(e.category.SLADays[0]+1) * 24 * time.Hour)
	body = checkPage(t, e, e.client(e.holder(row.AccountablePostID)), "/inbox?overdue=1", 200, `<tr class="late">`, refno.Group(ref))
	if !strings.Contains(body, "overdue") && !strings.Contains(body, "समय-सीमा पार") {
		t.Error("the overdue complaint is not marked overdue")
	}
	checkPage(t, e, e.client("monitor.lucknow"), "/monitor", 200, refno.Group(ref))
	checkPage(t, e, e.client("monitor.state"), "/c/"+ref, 200, "&lt;script&gt;")
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}
