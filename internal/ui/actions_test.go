package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestDeskActionsOverHTTP covers the forms the browser flows do not: the
// monthly cap and the supervisor's override, special closure requested by
// the accountable officer and approved by the supervisor post, a comment,
// and false-complaint closure that blocks the number.
func TestDeskActionsOverHTTP(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) { deskActions(t, newEnv(t, d)) })
	}
}

func register(t *testing.T, e *env, c *http.Client, v url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/agent/register", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res, readAll(t, res)
}

func deskActions(t *testing.T, e *env) {
	ctx := context.Background()
	agent, sup := e.client("agent1"), e.client("supervisor1")
	const mobile = "8765400022"
	form := func(i int) url.Values {
		return url.Values{"mobile": {mobile}, "name": {"Abdul Rahman"}, "language": {"en"}, "idem": {"cap-" + strconv.Itoa(i)},
			"category_id": {strconv.FormatInt(e.category.ID, 10)}, "area_id": {strconv.FormatInt(e.place.ID, 10)},
			"description": {"Drain blocked, complaint " + strconv.Itoa(i)}, "confirm_new": {"1"}}
	}
	var refs []string
	for i := 0; i < 10; i++ {
		res, _ := register(t, e, agent, form(i))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("registration %d: %d", i, res.StatusCode)
		}
		refs = append(refs, strings.TrimPrefix(res.Header.Get("Location"), "/agent/registered/"))
	}
	// The eleventh in the month is refused to the agent, with what was typed kept.
	res, body := register(t, e, agent, form(10))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "इस माह") || !strings.Contains(body, "Drain blocked, complaint 10") {
		t.Fatalf("eleventh registration: %d", res.StatusCode)
	}
	if strings.Contains(body, `name="override"`) {
		t.Fatal("the agent is offered the supervisor's override")
	}
	// The supervisor sees the override, and it needs its reason.
	checkPage(t, e, sup, "/agent/call?mobile="+mobile, 200, `name="override"`, "10 / 10")
	over := form(11)
	over.Set("override", "1")
	if res, body = register(t, e, sup, over); res.StatusCode == http.StatusSeeOther {
		t.Fatal("override without a reason accepted")
	} else if !strings.Contains(body, "Reason for the override") && !strings.Contains(body, "छूट का कारण") {
		t.Errorf("override without reason: %d, no message by the field", res.StatusCode)
	}
	over.Set("override_reason", "बाढ़ से जुड़ी अलग-अलग समस्याएँ")
	if res, _ = register(t, e, sup, over); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("override with a reason: %d", res.StatusCode)
	}

	// False complaint, with the number blocked.
	res = e.post(sup, "/c/"+refs[0]+"/false", url.Values{"reason": {""}, "block": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("false without reason: %d", res.StatusCode)
	}
	res = e.post(sup, "/c/"+refs[0]+"/false", url.Values{"reason": {"मौके पर कोई नाली नहीं मिली"}, "block": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("false: %d", res.StatusCode)
	}
	row, _ := e.st.ComplaintRowByRef(ctx, refs[0])
	if row.Status != model.StatusClosed || row.ClosureReason != model.ClosedFalse {
		t.Fatalf("after false: %s %s", row.Status, row.ClosureReason)
	}
	checkPage(t, e, sup, "/desk/blocked", 200, mobile)
	checkPage(t, e, agent, "/agent/call?mobile="+mobile, 200, "अवरुद्ध है")

	// A comment from the accountable officer.
	officer := e.client(e.holder(row.AccountablePostID))
	if res = e.post(officer, "/c/"+refs[1]+"/comment", url.Values{"text": {"स्थल निरीक्षण कल होगा।"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: %d", res.StatusCode)
	}
	checkPage(t, e, officer, "/c/"+refs[1], 200, "स्थल निरीक्षण कल होगा।")
	// Special closure is not offered where the type does not allow it.
	if body := checkPage(t, e, officer, "/c/"+refs[1], 200); strings.Contains(body, "/special-closure") {
		t.Error("special closure offered for a type that does not allow it")
	}

	// Special closure on a land dispute at a tehsil: the tehsildar asks, the
	// supervisor post decides.
	var land model.Category
	cats, _ := e.st.Categories(ctx)
	for _, c := range cats {
		if c.Code == "revenue_land_dispute" {
			land = c
		}
	}
	lucknow, _ := e.st.Areas(ctx, store.AreaFilter{Kind: model.AreaDistrict, Q: "lucknow", Limit: 1})
	tehsils, _ := e.st.Areas(ctx, store.AreaFilter{ParentID: &lucknow[0].ID, Kind: model.AreaTehsil, Limit: 1})
	v := url.Values{"mobile": {"7000000033"}, "name": {"Ram Lal"}, "language": {"hi"}, "idem": {"land"},
		"category_id": {strconv.FormatInt(land.ID, 10)}, "area_id": {strconv.FormatInt(tehsils[0].ID, 10)},
		"description": {"पड़ोसी ने मेड़ काट दी, मामला न्यायालय में है।"}}
	res, _ = register(t, e, agent, v)
	landRef := strings.TrimPrefix(res.Header.Get("Location"), "/agent/registered/")
	lr, err := e.st.ComplaintRowByRef(ctx, landRef)
	if err != nil {
		t.Fatal(err)
	}
	tehsildar := e.client(e.holder(lr.AccountablePostID))
	checkPage(t, e, tehsildar, "/c/"+landRef, 200, "/special-closure", `value="sub_judice"`, "न्यायालय में विचाराधीन")
	res = e.post(tehsildar, "/c/"+landRef+"/special-closure", url.Values{"reason_code": {"sub_judice"}, "text": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("special closure without text: %d", res.StatusCode)
	}
	res = e.post(tehsildar, "/c/"+landRef+"/special-closure", url.Values{"reason_code": {"sub_judice"}, "text": {"वाद सिविल न्यायालय में विचाराधीन है।"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("special closure: %d", res.StatusCode)
	}
	post, err := e.st.Post(ctx, lr.AccountablePostID)
	if err != nil || post.SupervisorPostID == nil {
		t.Fatalf("tehsildar post has no supervisor: %v", err)
	}
	supervisor := e.client(e.holder(*post.SupervisorPostID))
	checkPage(t, e, supervisor, "/decisions", 200, landRef[:4])
	checkPage(t, e, supervisor, "/c/"+landRef, 200, "/decision", "न्यायालय में विचाराधीन मामला")
	if res = e.post(supervisor, "/c/"+landRef+"/decision", url.Values{"approve": {"1"}, "note": {"सहमत"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("decision: %d", res.StatusCode)
	}
	if lr, _ = e.st.ComplaintRowByRef(ctx, landRef); lr.Status != model.StatusReported || !lr.SpecialClosure {
		t.Fatalf("after approval: %s special=%v", lr.Status, lr.SpecialClosure)
	}
	// A second decision is refused with the workflow's reason, not a crash.
	res = e.post(supervisor, "/c/"+landRef+"/decision", url.Values{"approve": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("second decision: %d", res.StatusCode)
	}
}
