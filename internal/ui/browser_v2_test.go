package ui_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store/storetest"
	"github.com/nivaran/nivaran/internal/workflow"
)

// TestBrowserDashboards drives real Chromium over the accountability and
// call-centre pages on each database: the state monitor's dashboard draws
// its charts and shows a district's known open count, the ranking table,
// and a CSV export fetched with the page's session keeps Devanagari; an
// agent takes the next feedback call and presses 1 (the complaint closes),
// then the next follow-up call and records a commitment with a date (the
// timeline shows it); the live board counts a complaint registered while it
// is open, without the page being reloaded.
func TestBrowserDashboards(t *testing.T) {
	chromium(t)
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			b := newBrowser(t, e, "v2-"+string(d))
			browserDashboard(b)
			browserNextCalls(b)
			browserLive(b)
		})
	}
}

func browserDashboard(b *browser) {
	e, t := b.e, b.t
	dist := e.district()
	before := e.districtOpen(dist.ID)
	for i := range 4 {
		e.registerVia(200 + i)
	}
	want := before + 4
	b.login("monitor.state")
	b.open("/dashboard")
	b.waitFor(`document.documentElement.dataset.charts === "drawn"`)
	// Chart.js drew on the canvases: each has a chart and a size.
	for _, id := range []string{"chart-districts", "chart-departments", "chart-trends"} {
		if got := b.eval(fmt.Sprintf(`String(!!Chart.getChart(%q) && document.getElementById(%q).width > 100)`, id, id)); got != "true" {
			t.Errorf("%s not drawn", id)
		}
	}
	if got := b.text(fmt.Sprintf(`#pend-district tr[data-key="%d"] td.c-open`, dist.ID)); strings.TrimSpace(got) != strconv.FormatInt(want, 10) {
		t.Errorf("%s open on the dashboard: %q, want %d", dist.NameEn, got, want)
	}
	if !strings.Contains(b.text(fmt.Sprintf(`#pend-district tr[data-key="%d"] th`, dist.ID)), dist.NameHi) {
		t.Errorf("district row not named in Hindi")
	}
	b.shots("dashboard", 1280)

	// The export link downloads CSV with the session cookie, Hindi intact.
	b.eval(`window.__csv = ""; fetch(document.querySelector('#by-district-h ~ .exports a[data-format=csv]').href).then(r => r.text()).then(s => window.__csv = s), ""`)
	b.waitFor(`window.__csv && window.__csv.length > 0`)
	if csv := b.eval(`window.__csv`); !strings.Contains(csv, dist.NameHi) || !strings.Contains(csv, "\n") {
		t.Errorf("CSV export lacks %q:\n%.300s", dist.NameHi, csv)
	}

	// The ranking table, this month's (provisional) and drilled to posts.
	b.open("/dashboard/ranking?month=2026-12")
	b.waitFor(`document.querySelector("#ranking tbody tr") !== null`)
	if n := b.eval(`String(document.querySelectorAll("#ranking tbody tr[data-key]").length)`); n == "0" {
		t.Errorf("ranking has no rows")
	}
	b.shots("ranking", 1280)
	b.open(fmt.Sprintf("/dashboard/ranking?month=2026-12&of=post&area_id=%d", dist.ID))
	b.waitFor(`document.querySelector("#ranking") !== null`)
	b.open("/dashboard/signals")
	b.waitFor(`document.querySelector("#signals") !== null`)
}

func browserNextCalls(b *browser) {
	e, t := b.e, b.t
	ctx := context.Background()
	c := e.registerVia(300)
	e.fileReport(c.Ref)

	// Feedback: take the next call, press 1, the complaint closes.
	b.login("agent1")
	b.open("/agent/next")
	b.shots("next", 1280)
	b.click("#take-feedback")
	b.waitFor(`document.querySelector("#held[data-queue=feedback]") !== null`)
	if !strings.Contains(b.text("#lease"), ":") {
		t.Errorf("no lease expiry shown")
	}
	b.shot("next-feedback-hi")
	ref := b.eval(`document.querySelector("#held").dataset.ref`)
	b.eval(`document.activeElement && document.activeElement.blur(), ""`)
	b.press("1")
	b.waitFor(`location.search.includes("done=feedback_satisfied")`)
	if row, err := e.st.ComplaintRowByRef(ctx, ref); err != nil || row.Status != model.StatusClosed {
		t.Errorf("%s after 1: %s %v", ref, row.Status, err)
	}

	// Follow-up: take the next call, commit to a date, the timeline shows it.
	e.svc.SetCallCentre(service.CallCentreConfig{Policy: followupPolicy()})
	b.open("/agent/next")
	b.click("#take-followup")
	b.waitFor(`document.querySelector("#held[data-queue=followup]") !== null`)
	if strings.TrimSpace(b.text("#officer-phone")) == "" || strings.TrimSpace(b.text("#acc-post")) == "" {
		t.Errorf("follow-up call lacks the post or the officer's phone")
	}
	b.shot("next-followup-hi")
	ref = b.eval(`document.querySelector("#held").dataset.ref`)
	date := workflow.Day(e.clk.Now().Add(48 * time.Hour))
	b.eval(fmt.Sprintf(`document.querySelector("#f-committed_date").value = %q; document.activeElement.blur(); ""`, date))
	b.press("1")
	b.waitFor(`location.search.includes("done=followup_committed")`)
	b.open("/c/" + ref)
	b.waitFor(`document.readyState === "complete"`)
	body := b.eval(`document.body.innerText`)
	if !strings.Contains(body, "अनुवर्ती कॉल") {
		t.Errorf("timeline of %s does not show the follow-up:\n%.1500s", ref, body)
	}
	// The date the officer gave is recorded on the event (the complaint
	// page does not print follow-up payloads yet).
	row, err := e.st.ComplaintRowByRef(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	events, err := e.st.Events(ctx, row.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ev := range events {
		if ev.Kind == model.EventFollowup && fmt.Sprint(ev.Payload["committed_date"]) == date && fmt.Sprint(ev.Payload["outcome"]) == "committed" {
			found = true
		}
	}
	if !found {
		t.Errorf("no followup event committed to %s on %s", date, ref)
	}
	b.shot("followup-timeline-hi")
}

func browserLive(b *browser) {
	e, t := b.e, b.t
	b.login("supervisor1")
	b.open("/live")
	b.waitFor(`document.querySelector("#reg-today") !== null && window.htmx`)
	b.shots("live", 1280)
	b.waitFor(`document.querySelector("#reg-today") !== null && window.htmx`)
	b.eval(`window.__sameDocument = true; ""`)
	before, _ := strconv.Atoi(strings.TrimSpace(b.text("#reg-today")))
	e.registerVia(400)
	// The partial refreshes every 10 s: wait for the number to change in the
	// same document (the marker survives, so the page was not reloaded).
	deadline := time.Now().Add(25 * time.Second)
	for {
		now, _ := strconv.Atoi(strings.TrimSpace(b.text("#reg-today")))
		if now == before+1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("live board still shows %d registrations, want %d", now, before+1)
		}
		time.Sleep(250 * time.Millisecond)
	}
	if b.eval(`String(window.__sameDocument === true)`) != "true" {
		t.Errorf("the live board reloaded the page")
	}
	b.shot("live-refreshed-hi")
}
