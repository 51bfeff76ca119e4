package ui_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/refno"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

const callerMobile = "9415012345"

// TestBrowserFlows follows one complaint through every surface in real
// Chromium, on each database: the agent registers it from the screen-pop by
// keyboard; it appears in the right officer's inbox; the officer files a
// report with a photo; the agent records "not satisfied" and it shows one
// level up; the L1 officer marks it to a subordinate and then returns it; a
// supervisor re-routes it; the citizen signs in with a one-time code and
// reads its timeline; an admin transfers the post to a new officer, who sees
// the queue while the old one loses it; a monitor finds it. Each surface is
// photographed in Hindi and English under testout/screens.
func TestBrowserFlows(t *testing.T) {
	chromium(t)
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			b := newBrowser(t, e, string(d))
			steps := []struct {
				name string
				fn   func(*browser)
			}{
				{"start", flowStart},
				{"agent registers from the screen-pop", flowRegister},
				{"duplicate offers a reminder", flowDuplicate},
				{"officer files a report with a photo", flowReport},
				{"agent records not satisfied", flowNotSatisfied},
				{"L1 officer marks and returns", flowMarkAndReturn},
				{"supervisor re-routes", flowReroute},
				{"supervisor blocks a number", flowBlock},
				{"citizen signs in with a code", flowCitizen},
				{"admin transfers the post", flowTransfer},
				{"monitor finds it", flowMonitor},
			}
			for _, s := range steps {
				if !t.Run(s.name, func(t *testing.T) { b.t = t; s.fn(b) }) {
					return
				}
			}
		})
	}
}

func flowStart(b *browser) {
	b.open("/")
	b.do(chromedp.WaitVisible(chromedp.CSS(".surfaces")))
	if s := b.text(".demo"); !strings.Contains(s, "agent1") || !strings.Contains(s, demoPassword) {
		b.t.Fatalf("start page does not name the demo logins: %q", s)
	}
	b.shots("start", 1280)
	b.shots("start-360", 360)
}

// flowRegister is the agent's standard path, counted: the screen-pop opens
// with the cursor in the name field; name, Tab, type words, Enter on the
// offered type, place words, Enter on the offered place (the cursor moves on
// by itself), the description, Ctrl+Enter.
func flowRegister(b *browser) {
	e := b.e
	b.login("agent1")
	b.open("/agent/call?mobile=" + callerMobile)
	b.do(chromedp.WaitVisible(chromedp.CSS("#reg")))
	b.shots("agent-call", 1280)
	b.waitFor(`document.activeElement && document.activeElement.id === "f-name"`)
	if got := b.eval(`document.activeElement.id`); got != "f-name" {
		b.t.Fatalf("screen-pop focus is on %q, want the name field", got)
	}
	b.keys, b.clicks = 0, 0
	b.typeKeys("Sita Devi")
	b.press(kb.Tab)
	if got := b.eval(`document.activeElement.id`); got != "f-category_q" {
		b.fail(fmt.Errorf("after Tab the focus is on %q, want the complaint type", got))
	}
	b.typeKeys(e.categoryQ)
	b.pickOption("cat-list", e.category.ID)
	if got := b.eval(`document.activeElement.id`); got != "f-area_q" {
		b.t.Fatalf("after choosing the type the focus is on %q, want the place", got)
	}
	b.typeKeys(e.placeQ)
	b.pickOption("area-list", e.place.ID)
	if got := b.eval(`document.querySelector("[data-path]").textContent`); !strings.Contains(got, "›") {
		b.t.Fatalf("the place path is %q", got)
	}
	if got := b.eval(`document.activeElement.id`); got != "f-description" {
		b.t.Fatalf("after choosing the place the focus is on %q, want the description", got)
	}
	desc := "गली की नाली दो हफ़्ते से चोक है, पानी घरों में भर रहा है।"
	b.typeKeys(desc)
	typed := len([]rune("Sita Devi")) + len([]rune(e.categoryQ)) + len([]rune(e.placeQ)) + len([]rune(desc))
	b.shot("agent-call-filled-hi") // not toggled: that would reload the form
	b.press(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl))
	b.do(chromedp.WaitVisible(chromedp.CSS(".bigref")))
	b.t.Logf("agent registration, standard path: %d keystrokes (%d of them the typed text, %d navigation and choice keys), %d clicks",
		b.keys, typed, b.keys-typed, b.clicks)
	e.ref = b.eval(`document.querySelector(".bigref").dataset.ref`)
	if got := b.text(".bigref"); got != refno.Group(e.ref) {
		b.t.Fatalf("reference shown as %q, want %q", got, refno.Group(e.ref))
	}
	row, err := e.st.ComplaintRowByRef(context.Background(), e.ref)
	if err != nil {
		b.t.Fatal(err)
	}
	if row.CategoryID != e.category.ID || row.AreaID != e.place.ID || row.Complainant.Mobile != callerMobile || row.Channel != "phone" {
		b.t.Fatalf("registered %+v", row.Complaint)
	}
	route, err := e.svc.Route(context.Background(), e.category.ID, e.place.ID)
	if err != nil || row.AccountablePostID != route.PostID || route.PostID == 0 {
		b.t.Fatalf("complaint went to post %d, routing says %d (%v)", row.AccountablePostID, route.PostID, err)
	}
	b.shots("agent-registered", 1280)

	// The screen-pop now shows the complaint with its status and level.
	b.open("/agent/call?mobile=" + callerMobile)
	if s := b.text(".caller"); !strings.Contains(s, refno.Group(e.ref)) || !strings.Contains(s, "L0") || !strings.Contains(s, "1 / 10") {
		b.t.Fatalf("screen-pop does not show the complaint: %q", s)
	}
	b.shots("agent-screenpop", 1280)

	// It is in the inbox of the officer of the routed post, and of no one else.
	b.login(e.holder(row.AccountablePostID))
	b.open("/inbox")
	if s := b.text("main"); !strings.Contains(s, refno.Group(e.ref)) {
		b.t.Fatalf("officer's inbox lacks %s: %q", e.ref, s)
	}
	b.shots("officer-inbox-360", 360)
}

// flowDuplicate: the same caller, type and place again — the warning comes
// up as soon as both are chosen, and one click turns it into a reminder.
func flowDuplicate(b *browser) {
	e := b.e
	b.login("agent1")
	b.open("/agent/call?mobile=" + callerMobile)
	b.do(chromedp.WaitVisible(chromedp.CSS("#reg")))
	b.typeKeys("Sita Devi")
	b.press(kb.Tab)
	b.typeKeys(e.categoryQ)
	b.pickOption("cat-list", e.category.ID)
	b.typeKeys(e.placeQ)
	b.pickOption("area-list", e.place.ID)
	b.waitFor(`document.querySelector("#dups .warn") !== null`)
	b.typeKeys("फिर से फ़ोन किया, अभी तक सफ़ाई नहीं हुई")
	b.shot("agent-duplicate-warning-hi")
	b.click(`#dups button[formaction="/c/` + e.ref + `/remind"]`)
	b.waitPage("reminded=" + e.ref)
	n, err := e.st.CountEvents(context.Background(), mustID(b), model.EventReminder)
	if err != nil || n != 1 {
		b.t.Fatalf("reminders: %d, %v", n, err)
	}
}

func mustID(b *browser) int64 {
	row, err := b.e.st.ComplaintRowByRef(context.Background(), b.e.ref)
	if err != nil {
		b.t.Fatal(err)
	}
	return row.ID
}

// flowReport: the officer, on a phone-sized screen, files the report with a
// photo; the thumbnail shows.
func flowReport(b *browser) {
	e := b.e
	_, _, post := b.complaintState()
	b.login(e.holder(post))
	b.do(chromedp.EmulateViewport(360, 740))
	defer b.do(chromedp.EmulateViewport(1280, 900))
	b.open("/c/" + e.ref)
	if s := b.text("main"); strings.Contains(s, callerMobile) || strings.Contains(s, "Sita Devi") {
		b.t.Fatal("the officer sees the complainant")
	}
	b.click("#act-report summary")
	b.fill(`#act-report textarea[name="text"]`, "स्थल निरीक्षण किया गया। नाली की सफ़ाई करा दी गई है, पानी की निकासी चालू है।")
	b.do(chromedp.SetUploadFiles(chromedp.CSS(`#act-report input[type=file]`), []string{pngFile(b.t)}))
	b.click(`#act-report button[type=submit]`)
	b.waitPage("done=report")
	b.waitFor(`(() => { const i = document.querySelector(".thumbs img"); return i && i.complete && i.naturalWidth === 96; })()`)
	if st, _, _ := b.complaintState(); st != string(model.StatusReported) {
		b.t.Fatalf("status after report: %s", st)
	}
	b.shots("officer-complaint-reported-360", 360)
}

// flowNotSatisfied: the agent's feedback desk reads the report out; key 2
// records "not satisfied", and the complaint reopens one level up.
func flowNotSatisfied(b *browser) {
	e := b.e
	_, _, before := b.complaintState()
	b.login("agent1")
	b.open("/agent/feedback")
	b.do(chromedp.WaitVisible(chromedp.CSS(".readout")))
	if s := b.text(".call"); !strings.Contains(s, refno.Group(e.ref)) || !strings.Contains(s, "नाली की सफ़ाई") {
		b.t.Fatalf("feedback desk does not offer %s with its report: %q", e.ref, s)
	}
	b.shots("agent-feedback", 1280)
	b.do(chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`))
	b.press("2")
	b.waitPage("done=reopened")
	st, level, after := b.complaintState()
	if st != string(model.StatusOpen) || level != 1 || after == before {
		b.t.Fatalf("after not satisfied: %s L%d post %d (was %d)", st, level, after, before)
	}
	b.open("/c/" + e.ref)
	if s := b.text(".c-meta"); !strings.Contains(s, "L1") {
		b.t.Fatalf("complaint page does not show L1: %q", s)
	}
	if s := b.text(".timeline"); !strings.Contains(s, "पुनः खोली गई") {
		b.t.Fatalf("timeline lacks the reopening: %q", s)
	}
}

// flowMarkAndReturn: the L1 officer marks it to a subordinate post, then
// returns it as not theirs.
func flowMarkAndReturn(b *browser) {
	e := b.e
	_, _, post := b.complaintState()
	b.login(e.holder(post))
	b.open("/c/" + e.ref)
	b.click(`details.act:has(form[action$="/mark"]) summary`)
	b.do(chromedp.WaitVisible(chromedp.CSS(`#f-post_id`)))
	b.fill(`form[action$="/mark"] textarea`, "कृपया स्थल पर जाकर जाँच करें।")
	b.click(`form[action$="/mark"] button[type=submit]`)
	b.waitPage("done=mark")
	row, _ := e.st.ComplaintRowByRef(context.Background(), e.ref)
	if row.MarkedPostID == nil {
		b.t.Fatal("not marked")
	}
	b.shots("officer-l1-marked", 1280)
	b.open("/c/" + e.ref)
	b.click(`details.act:has(form[action$="/return"]) summary`)
	b.fill(`form[action$="/return"] textarea`, "यह स्थान दूसरे ब्लॉक का है।")
	b.click(`form[action$="/return"] button[type=submit]`)
	b.waitPage("done=return")
	if st, _, _ := b.complaintState(); st != string(model.StatusReturned) {
		b.t.Fatalf("status after return: %s", st)
	}
}

// flowReroute: the supervisor's desk lists it; a new place, and it goes to
// that place's post at L0 with a fresh clock.
func flowReroute(b *browser) {
	e := b.e
	ctx := context.Background()
	b.login("supervisor1")
	b.open("/desk")
	if s := b.text("main"); !strings.Contains(s, refno.Group(e.ref)) {
		b.t.Fatalf("desk lacks %s: %q", e.ref, s)
	}
	b.shots("supervisor-desk", 1280)
	b.click(`a[href="/c/` + e.ref + `"]`)
	b.do(chromedp.WaitVisible(chromedp.CSS(`#reroute`)))
	b.shots("supervisor-returned-complaint", 1280)
	// Another block's village of the same district.
	lucknow, _ := e.st.Ancestors(ctx, e.place.ID)
	var district model.Area
	for _, a := range lucknow {
		if a.Kind == model.AreaDistrict {
			district = a
		}
	}
	blocks, err := e.st.Areas(ctx, store.AreaFilter{ParentID: &district.ID, Kind: model.AreaBlock, Limit: 2})
	if err != nil || len(blocks) < 2 {
		b.t.Fatalf("blocks: %v", err)
	}
	villages, err := e.st.Areas(ctx, store.AreaFilter{ParentID: &blocks[1].ID, Kind: model.AreaVillage, Limit: 1})
	if err != nil || len(villages) == 0 {
		b.t.Fatalf("villages: %v", err)
	}
	b.do(chromedp.Click(chromedp.CSS(`#reroute #f-area_q`)))
	b.typeKeys(strings.ToLower(strings.Fields(villages[0].NameEn)[0] + " " + strings.Fields(blocks[1].NameEn)[0]))
	b.pickOption("area-list", villages[0].ID)
	b.fill(`#reroute textarea[name="note"]`, "सही ब्लॉक को भेजा गया।")
	b.shot("supervisor-reroute-filled-hi")
	b.click(`#reroute button.primary`)
	b.waitPage("done=reroute")
	st, level, post := b.complaintState()
	route, _ := e.svc.Route(ctx, e.category.ID, villages[0].ID)
	if st != string(model.StatusOpen) || level != 0 || post != route.PostID {
		row, _ := e.st.ComplaintRowByRef(ctx, e.ref)
		b.t.Fatalf("after re-route: %s L%d post %d area %d, want open L0 post %d area %d", st, level, post, row.AreaID, route.PostID, villages[0].ID)
	}
}

// flowBlock: the supervisor blocks a number with a reason; a bad number is
// refused next to the field in both languages, keeping the reason.
func flowBlock(b *browser) {
	b.login("supervisor1")
	b.open("/desk/blocked")
	b.fill(`#f-mobile`, "12345")
	b.fill(`#f-reason`, "बार-बार झूठी शिकायतें")
	b.click(`form[action="/desk/blocked"] button`)
	b.do(chromedp.WaitVisible(chromedp.CSS(`#e-mobile .ferr`)))
	if s := b.text(`#e-mobile`); !strings.Contains(s, "10 अंकों") || !strings.Contains(s, "10-digit") {
		b.t.Fatalf("mobile error: %q", s)
	}
	if v := b.eval(`document.querySelector("#f-reason").value`); v != "बार-बार झूठी शिकायतें" {
		b.t.Fatalf("the reason was not kept: %q", v)
	}
	b.shot("supervisor-block-error-hi")
	b.do(chromedp.SetValue(chromedp.CSS(`#f-mobile`), "9000000001"))
	b.click(`form[action="/desk/blocked"] button`)
	b.waitPage("done=block")
	if s := b.text("table.list"); !strings.Contains(s, "9000000001") {
		b.t.Fatalf("blocked list: %q", s)
	}
	b.shots("supervisor-blocked", 1280)
}

type otpService interface {
	RequestOTP(ctx context.Context, mobile, client string) error
}

// flowCitizen: sign in with the mobile and the code from the outbox SMS; the
// complaint and its timeline, with post titles and no agent's name.
func flowCitizen(b *browser) {
	e := b.e
	if _, ok := any(e.svc).(otpService); !ok {
		b.t.Skip("service.RequestOTP/VerifyOTP are not there yet: citizen sign-in cannot be tested")
	}
	b.login("admin") // and sign out through the page: the citizen starts anonymous
	b.open("/logout")
	b.click(`main form button`)
	b.waitFor(`location.pathname === "/" && document.readyState === "complete" && !document.querySelector(".who")`)
	b.open("/citizen")
	b.fill("#f-mobile", callerMobile)
	b.click(`form[action="/citizen/otp"] button`)
	b.do(chromedp.WaitVisible(chromedp.CSS("#f-code")))
	code := latestOTP(b)
	b.fill("#f-code", code)
	b.click(`form[action="/citizen/verify"] button`)
	b.waitPage("/my")
	if s := b.text("main"); !strings.Contains(s, refno.Group(e.ref)) {
		b.t.Fatalf("my complaints lacks %s: %q", e.ref, s)
	}
	b.shots("citizen-my", 360)
	b.open("/c/" + e.ref)
	tl := b.text(".timeline")
	if strings.Contains(tl, "Agent 1") || !strings.Contains(tl, "सहायक विकास अधिकारी") {
		b.t.Fatalf("citizen timeline: %q", tl)
	}
	b.shots("citizen-complaint", 360)
}

func latestOTP(b *browser) string {
	rows, err := b.e.st.Outbox(context.Background(), store.OutboxFilter{Limit: 20})
	if err != nil {
		b.t.Fatal(err)
	}
	for _, r := range rows {
		if r.Template == model.TmplOTP && r.Mobile == callerMobile {
			return r.Vars["code"]
		}
	}
	b.t.Fatal("no OTP SMS in the outbox")
	return ""
}

// flowTransfer: the admin adds an officer and gives them the complaint's
// post; the new officer sees the queue, the old one no longer does.
func flowTransfer(b *browser) {
	e := b.e
	_, _, post := b.complaintState()
	old := e.holder(post)
	b.login("admin")
	b.open("/admin/officers")
	b.fill(`form[action="/admin/officers"] #f-name`, "Kiran Verma")
	b.fill(`form[action="/admin/officers"] #f-mobile`, "9898989898")
	b.fill(`form[action="/admin/officers"] #f-username`, "kiran.verma")
	b.fill(`form[action="/admin/officers"] #f-password`, demoPassword)
	b.click(`form[action="/admin/officers"] button`)
	b.waitPage("done=officer_created")
	b.open("/admin/posts/" + strconv.FormatInt(post, 10))
	b.fill(`#f-officer`, "kiran.verma")
	b.click(`form[action$="/officer"] button`)
	b.waitPage("done=assigned")
	if s := b.text("main"); !strings.Contains(s, "Kiran Verma") || !strings.Contains(s, old) {
		b.t.Fatalf("post page after transfer: %q", s)
	}
	b.shots("admin-post-transferred", 1280)
	for _, p := range []string{"/admin/categories?q=" + e.category.Code, "/admin/areas?id=" + strconv.FormatInt(e.place.ID, 10)} {
		b.open(p)
	}
	b.shots("admin-areas", 1280)
	b.open("/admin/categories?q=" + e.category.Code)
	b.shots("admin-categories", 1280)

	b.login("kiran.verma")
	b.open("/inbox")
	if s := b.text("main"); !strings.Contains(s, refno.Group(e.ref)) {
		b.t.Fatalf("the new officer's inbox lacks %s: %q", e.ref, s)
	}
	b.shots("new-officer-inbox", 360)
	b.login(old)
	b.open("/c/" + e.ref)
	if s := b.text("main"); !strings.Contains(s, "नहीं मिला") && !strings.Contains(s, "अनुमति नहीं") {
		b.t.Fatalf("the old officer still reads the complaint: %q", s)
	}
	b.open("/inbox")
	if s := b.text("main"); strings.Contains(s, refno.Group(e.ref)) {
		b.t.Fatal("the old officer's inbox still has the complaint")
	}
}

// flowMonitor: the Lucknow monitor finds it and reads it, with no action.
func flowMonitor(b *browser) {
	e := b.e
	b.login("monitor.lucknow")
	b.open("/monitor?status=open")
	if s := b.text("main"); !strings.Contains(s, refno.Group(e.ref)) {
		b.t.Fatalf("monitor search lacks %s: %q", e.ref, s)
	}
	b.shots("monitor-search", 1280)
	b.open("/c/" + e.ref)
	if n := b.eval(`String(document.querySelectorAll(".actions form").length)`); n != "0" {
		b.t.Fatalf("the monitor is offered %s action forms", n)
	}
	b.shots("monitor-complaint", 1280)
	b.open("/monitor?level=" + fmt.Sprint(4))
}
