package ui_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store/storetest"
	"github.com/nivaran/nivaran/internal/workflow"
)

// checkV2 fetches a page of the dashboards or the call-centre floor and
// checks that no key of their catalog shows untranslated.
func checkV2(t *testing.T, e *env, c *http.Client, path string, want int, contains ...string) string {
	t.Helper()
	body := checkPage(t, e, c, path, want, contains...)
	if i := strings.Index(body, "ui2_"); i >= 0 && want == http.StatusOK {
		t.Errorf("GET %s shows an untranslated key near %q", path, body[i:min(len(body), i+40)])
	}
	return body
}

// TestDashboardsOverHTTP: the monitor's pendency dashboard, ranking,
// signals and drill-down render in both languages with the service's
// figures and only for the roles that use them; the exports answer CSV with
// Devanagari to the page's session; the next-call console leases, records
// and refuses as the service does; the verification queue reopens on a
// mismatch; the live board and its partial render.
func TestDashboardsOverHTTP(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) { dashboardsOverHTTP(t, newEnv(t, d)) })
	}
}

func dashboardsOverHTTP(t *testing.T, e *env) {
	ctx := context.Background()
	dist := e.district()
	before := e.districtOpen(dist.ID)
	var refs []string
	for i := range 3 {
		refs = append(refs, e.registerVia(100+i).Ref)
	}
	if got := e.districtOpen(dist.ID); got != before+3 {
		t.Fatalf("open in %s: %d, want %d", dist.NameEn, got, before+3)
	}

	mon := e.client("monitor.state")
	body := checkV2(t, e, mon, "/dashboard", 200, `id="chart-districts"`, `id="chart-data"`, dist.NameHi, "/static/chart.umd.min.js",
		"/api/v1/reports/pendency?group_by=district&amp;format=csv")
	row := fmt.Sprintf(`<tr data-key="%d">`, dist.ID)
	i := strings.Index(body, row)
	if i < 0 {
		t.Fatalf("no row for %s", dist.NameEn)
	}
	if want := fmt.Sprintf(`<td class="c-open">%d</td>`, before+3); !strings.Contains(body[i:i+600], want) {
		t.Errorf("%s row does not show %s: %s", dist.NameEn, want, body[i:i+600])
	}
	checkV2(t, e, mon, fmt.Sprintf("/dashboard?area_id=%d", dist.ID), 200, dist.NameHi)
	checkV2(t, e, mon, "/dashboard/ranking", 200, `id="ranking"`)
	checkV2(t, e, mon, "/dashboard/ranking?month=2026-12&of=post&area_id="+fmt.Sprint(dist.ID), 200, `id="ranking"`)
	checkV2(t, e, mon, "/dashboard/ranking?of=department", 200)
	checkV2(t, e, mon, "/dashboard/ranking?month=garbage", 422, "ferr")
	checkV2(t, e, mon, "/dashboard/signals", 200, `id="signals"`)
	r0, _ := e.st.ComplaintRowByRef(ctx, refs[0])
	checkV2(t, e, mon, fmt.Sprintf("/dashboard/complaints?post_id=%d", r0.AccountablePostID), 200, refs[0][:4])

	// The export links work with the page's session, Hindi intact.
	res, err := mon.Get(e.srv.URL + "/api/v1/reports/pendency?group_by=district&format=csv")
	if err != nil {
		t.Fatal(err)
	}
	csv := readAll(t, res)
	if res.StatusCode != 200 || !strings.Contains(csv, dist.NameHi) {
		t.Errorf("CSV export: %d, Hindi name %q missing:\n%.300s", res.StatusCode, dist.NameHi, csv)
	}

	// English, by the toggle the page offers.
	e.post(mon, "/lang", url.Values{"lang": {"en"}, "next": {"/dashboard"}})
	checkV2(t, e, mon, "/dashboard", 200, `lang="en"`, "Pendency by district", dist.NameEn)
	checkV2(t, e, mon, "/dashboard/ranking", 200, "Monthly ranking")

	// A district monitor sees their district only.
	lk := e.client("monitor.lucknow")
	checkV2(t, e, lk, "/dashboard", 200, dist.NameHi)

	// Roles: agents and officers do not get the dashboards.
	agent := e.client("agent1")
	checkPage(t, e, agent, "/dashboard", http.StatusForbidden)
	checkPage(t, e, agent, "/verification", http.StatusForbidden)
	checkPage(t, e, mon, "/agent/next", http.StatusForbidden)

	// Next call: the console, a lease, a refused outcome, a recorded one.
	checkV2(t, e, agent, "/agent/next", 200, `id="take-feedback"`, `id="take-followup"`)
	checkV2(t, e, agent, "/agent", 200, `action="/agent/next/feedback"`)
	e.fileReport(refs[0])
	status, body := postForm(t, e, agent, "/agent/next/feedback", nil)
	if status != 200 || !strings.Contains(body, `data-queue="feedback"`) || !strings.Contains(body, `id="lease"`) {
		t.Fatalf("take feedback: %d\n%.2000s", status, body)
	}
	held := between(body, `data-ref="`, `"`)
	status, _ = postForm(t, e, agent, "/agent/next/feedback/"+held, url.Values{"outcome": {"satisfied"}})
	if status != http.StatusSeeOther {
		t.Fatalf("feedback outcome: %d", status)
	}
	if row, _ := e.st.ComplaintRowByRef(ctx, held); row.Status != model.StatusClosed {
		t.Errorf("%s after satisfied: %s", held, row.Status)
	}
	e.svc.SetCallCentre(service.CallCentreConfig{Policy: followupPolicy()})
	status, body = postForm(t, e, agent, "/agent/next/followup", nil)
	if status != 200 || !strings.Contains(body, `data-queue="followup"`) || !strings.Contains(body, `id="officer-phone"`) {
		t.Fatalf("take follow-up: %d\n%.2000s", status, body)
	}
	fu := between(body, `data-ref="`, `"`)
	status, body = postForm(t, e, agent, "/agent/next/followup/"+fu, url.Values{"outcome": {"disputed"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `aria-invalid="true" aria-describedby="e-remarks"`) {
		t.Errorf("dispute without remarks: %d\n%.1500s", status, body)
	}
	status, _ = postForm(t, e, agent, "/agent/next/followup/"+fu, url.Values{"outcome": {"disputed"}, "remarks": {"अधिकारी का कहना है कि नाली पंचायत की नहीं है।"}})
	if status != http.StatusSeeOther {
		t.Errorf("dispute with remarks: %d", status)
	}

	// Verification: the next day, the closed complaint is sampled (a day is
	// drawn once it has ended); a mismatch reopens it.
	closedOn := report.DayOf(e.clk.Now())
	e.clk.Advance(24 * time.Hour)
	if _, err := e.svc.SampleDay(ctx, closedOn, 5, rand.New(rand.NewPCG(1, 2))); err != nil {
		t.Fatal(err)
	}
	sup := e.client("supervisor1")
	mon = e.client("monitor.state")
	agent = e.client("agent1")
	body = checkV2(t, e, sup, "/verification", 200)
	if strings.Contains(body, `data-ref="`+held+`"`) {
		status, _ = postForm(t, e, sup, "/verification/"+held, url.Values{"outcome": {"mismatch"}, "remarks": {"नाली अब भी चोक है।"}})
		if status != http.StatusSeeOther {
			t.Errorf("verify mismatch: %d", status)
		}
		if row, _ := e.st.ComplaintRowByRef(ctx, held); row.Status != model.StatusOpen {
			t.Errorf("%s after mismatch: %s", held, row.Status)
		}
	} else {
		t.Logf("%s was not sampled today", held)
	}

	// Live board and its partial.
	checkV2(t, e, sup, "/live", 200, `hx-trigger="every 10s"`, `id="reg-today"`)
	status, body = e.get(sup, "/live/board")
	if status != 200 || strings.Contains(body, "<html") || !strings.Contains(body, `id="reg-today"`) {
		t.Errorf("live partial: %d\n%.500s", status, body)
	}
	checkV2(t, e, mon, "/live", 200)
	checkPage(t, e, agent, "/live", http.StatusForbidden)
	checkV2(t, e, e.client(""), "/", 200, `href="/dashboard"`, `href="/agent/next"`, `href="/live"`)
}

// followupPolicy puts every open complaint due within a month in the
// follow-up queue, so that a fresh one qualifies without moving the clock.
func followupPolicy() workflow.CallPolicy {
	p := workflow.DefaultCallPolicy()
	p.FollowupDays = 30
	return p
}

// postForm submits a same-origin form and returns the status and body.
func postForm(t *testing.T, e *env, c *http.Client, path string, v url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, readAll(t, res)
}

// between is the text after the first start up to end.
func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return s
}
