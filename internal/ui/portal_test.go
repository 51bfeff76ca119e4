package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/refno"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestCitizenAndAdminOverHTTP: a citizen signs in with the code from the
// SMS, registers a complaint with the same pickers, tracks it by a
// reference read out with spaces, adds a reminder, and another citizen
// cannot open it; an admin's forms refuse bad input next to the field and
// save good input (a department, a complaint type's SLA ladder), and a
// supervisor unblocks a number with a reason.
func TestCitizenAndAdminOverHTTP(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			if _, ok := any(e.svc).(otpService); !ok {
				t.Skip("service.RequestOTP is not there yet")
			}
			citizenOverHTTP(t, e)
			adminOverHTTP(t, e)
		})
	}
}

// citizen signs in mobile over HTTP with the code from the outbox.
func (e *env) citizen(t *testing.T, mobile string) *http.Client {
	t.Helper()
	c := e.client("")
	if res := e.post(c, "/citizen/otp", url.Values{"mobile": {mobile}}); res.StatusCode != http.StatusOK {
		t.Fatalf("otp: %d", res.StatusCode)
	}
	rows, err := e.st.Outbox(context.Background(), store.OutboxFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	code := ""
	for _, r := range rows {
		if r.Template == model.TmplOTP && r.Mobile == mobile && code == "" {
			code = r.Vars["code"]
		}
	}
	if res := e.post(c, "/citizen/verify", url.Values{"mobile": {mobile}, "code": {"000000"}}); res.StatusCode == http.StatusSeeOther && code != "000000" {
		t.Fatal("a wrong code signed in")
	}
	res := e.post(c, "/citizen/verify", url.Values{"mobile": {mobile}, "code": {code}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/my" {
		t.Fatalf("verify: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	return c
}

func citizenOverHTTP(t *testing.T, e *env) {
	const mobile = "9123456780"
	c := e.citizen(t, mobile)
	checkPage(t, e, c, "/my", 200)
	checkPage(t, e, c, "/my/new", 200, "/ui/categories", mobile)
	bad := url.Values{"name": {"Meena"}, "description": {"बिजली नहीं"}, "category_id": {""}, "area_id": {""}, "language": {"hi"}}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/my/new", strings.NewReader(bad.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, _ := c.Do(req)
	if body := readAll(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "बिजली नहीं") || !strings.Contains(body, "Complaint type is required") {
		t.Fatalf("bad portal registration: %d", res.StatusCode)
	}
	good := url.Values{"name": {"Meena"}, "description": {"नाली का पानी सड़क पर"}, "language": {"hi"}, "idem": {"p1"},
		"category_id": {strconv.FormatInt(e.category.ID, 10)}, "area_id": {strconv.FormatInt(e.place.ID, 10)}}
	res = e.post(c, "/my/new", good)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/c/") {
		t.Fatalf("portal registration: %d %s", res.StatusCode, loc)
	}
	ref := strings.TrimSuffix(strings.TrimPrefix(loc, "/c/"), "?done=registered")
	row, _ := e.st.ComplaintRowByRef(context.Background(), ref)
	if row.Channel != "portal" || row.Complainant.Mobile != mobile {
		t.Fatalf("portal complaint: %+v", row.Complaint)
	}
	checkPage(t, e, c, loc, 200, "आपकी शिकायत दर्ज हो गई")
	checkPage(t, e, c, "/my", 200, refno.Group(ref))
	// Tracking by the reference as read out, with spaces.
	res, _ = c.Get(e.srv.URL + "/track?ref=" + url.QueryEscape(refno.Group(ref)))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/c/"+ref {
		t.Fatalf("track: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	checkPage(t, e, c, "/track?ref=1234+5678+9", 400, "मान्य नहीं", "not valid")
	if res = e.post(c, "/c/"+ref+"/remind", url.Values{"note": {"कब तक होगा?"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("citizen reminder: %d", res.StatusCode)
	}
	checkPage(t, e, c, "/c/"+ref, 200, "कब तक होगा?")
	// Another citizen does not learn it exists.
	other := e.citizen(t, "9123456781")
	checkPage(t, e, other, "/c/"+ref, 404)
	checkPage(t, e, other, "/agent", 403)
}

func adminOverHTTP(t *testing.T, e *env) {
	admin := e.client("admin")
	// A department: a missing Hindi name is refused next to its field.
	res := e.post(admin, "/admin/departments", url.Values{"code": {"apiculture"}, "name_en": {"Beekeeping"}, "name_hi": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("department without Hindi name: %d", res.StatusCode)
	}
	res = e.post(admin, "/admin/departments", url.Values{"code": {"apiculture"}, "name_en": {"Beekeeping"}, "name_hi": {"मधुमक्खी पालन विभाग"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("department: %d", res.StatusCode)
	}
	checkPage(t, e, admin, "/admin/departments", 200, "मधुमक्खी पालन विभाग")
	// A code already in use is refused by its field, in both languages.
	v0 := url.Values{"code": {"dairy"}, "name_en": {"Dairy"}, "name_hi": {"दुग्ध"}}
	req0, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/admin/departments", strings.NewReader(v0.Encode()))
	req0.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res0, _ := admin.Do(req0)
	if body := readAll(t, res0); res0.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-code"><span class="ferr">`) {
		t.Fatalf("taken code: %d", res0.StatusCode)
	}
	// A complaint type's SLA ladder: 0 days is refused, keeping what was typed.
	id := strconv.FormatInt(e.category.ID, 10)
	v := url.Values{"code": {e.category.Code}, "name_en": {e.category.NameEn}, "name_hi": {e.category.NameHi},
		"keywords": {strings.Join(e.category.Keywords, "\n")}, "designation_id": {strconv.FormatInt(e.category.DesignationID, 10)},
		"sla0": {"0"}, "sla1": {"5"}, "sla2": {"5"}, "sla3": {"5"}, "sla4": {"5"}}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/admin/categories/"+id, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, _ = admin.Do(req)
	if body := readAll(t, res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "1 और 365") || !strings.Contains(body, "between 1 and 365") {
		t.Fatalf("SLA 0: %d", res.StatusCode)
	}
	v.Set("sla0", "10")
	if res = e.post(admin, "/admin/categories/"+id, v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("SLA save: %d", res.StatusCode)
	}
	cat, err := e.svc.Store().Category(context.Background(), e.category.ID)
	if err != nil || cat.SLADays != [5]int{10, 5, 5, 5, 5} {
		t.Fatalf("SLA after save: %v %v", cat.SLADays, err)
	}
	// An officer with a short password is refused, the name kept.
	res = e.post(admin, "/admin/officers", url.Values{"name": {"Ravi Shankar"}, "mobile": {"9000011111"}, "username": {"ravi"}, "password": {"short"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("short password: %d", res.StatusCode)
	}
	// The supervisor unblocks a number, with a reason.
	sup := e.client("supervisor1")
	e.post(sup, "/desk/blocked", url.Values{"mobile": {"9000000002"}, "reason": {"गाली-गलौज"}})
	checkPage(t, e, sup, "/desk/blocked", 200, "9000000002")
	if res = e.post(sup, "/desk/unblock", url.Values{"mobile": {"9000000002"}, "reason": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unblock without reason: %d", res.StatusCode)
	}
	if res = e.post(sup, "/desk/unblock", url.Values{"mobile": {"9000000002"}, "reason": {"माफ़ी माँगी"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unblock: %d", res.StatusCode)
	}
	if body := checkPage(t, e, sup, "/desk/blocked", 200); strings.Contains(body, "9000000002") {
		t.Fatal("still blocked")
	}
}
