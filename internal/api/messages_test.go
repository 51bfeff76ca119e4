package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/sms"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// queueClosed queues n "complaint closed" messages and returns their ids.
func queueClosed(t *testing.T, st *store.Store, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	err := st.Tx(ctx, func(tx *store.Tx) error {
		for i := range n {
			if _, err := tx.InsertOutbox(ctx, store.OutboxRow{Mobile: "9811100001", Template: model.TmplClosed, Language: "hi",
				Vars: map[string]string{"ref": fmt.Sprintf("2600000%05d", i)}, DedupeKey: fmt.Sprintf("t:%d", i),
				NextAt: smsT0, CreatedAt: smsT0}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := st.OutboxMessages(ctx, store.OutboxMessageFilter{Limit: n})
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}

func TestAdminMessagesAndTemplatesOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := newSMSServer(t, st)
		if _, err := s.svc.SeedSMSTemplates(ctx, ""); err != nil {
			t.Fatal(err)
		}
		admin := s.session(t, "admin", model.RoleAdmin)
		agent := s.session(t, "agent", model.RoleAgent)
		queueClosed(t, st, 3)

		a := s.do(t, "GET", "/api/v1/admin/messages?limit=2", admin, nil, nil)
		items, _ := a.body["items"].([]any)
		if a.status != http.StatusOK || len(items) != 2 || a.body["next_cursor"] == nil {
			t.Fatalf("page 1: %d %s", a.status, a.raw)
		}
		first := items[0].(map[string]any)
		if first["mobile"] != "9811100001" || first["status"] != "pending" || first["template"] != model.TmplClosed ||
			first["complaint_ref"] != nil || !strings.HasPrefix(first["text"].(string), "आपकी शिकायत 260000000002 निस्तारित कर बंद") ||
			first["header"] != sms.DefaultHeader || !strings.HasSuffix(first["created_at"].(string), "+05:30") {
			t.Errorf("message %s", a.raw)
		}
		a = s.do(t, "GET", "/api/v1/admin/messages?limit=2&cursor="+a.body["next_cursor"].(string), admin, nil, nil)
		if items, _ := a.body["items"].([]any); a.status != http.StatusOK || len(items) != 1 || a.body["next_cursor"] != nil {
			t.Errorf("page 2: %d %s", a.status, a.raw)
		}
		if a := s.do(t, "GET", "/api/v1/admin/messages?status=sent", admin, nil, nil); a.status != http.StatusOK ||
			len(a.body["items"].([]any)) != 0 {
			t.Errorf("sent: %d %s", a.status, a.raw)
		}
		for path, want := range map[string]int{
			"/api/v1/admin/messages?status=lost":                http.StatusBadRequest,
			"/api/v1/admin/messages?complaint_ref=123":          http.StatusBadRequest,
			"/api/v1/admin/messages?complaint_ref=260000000014": http.StatusOK,
		} {
			if a := s.do(t, "GET", path, admin, nil, nil); a.status != want {
				t.Errorf("%s: %d %s", path, a.status, a.raw)
			}
		}
		if a := s.do(t, "GET", "/api/v1/admin/messages", agent, nil, nil); a.status != http.StatusForbidden {
			t.Errorf("agent: %d", a.status)
		}
		if a := s.do(t, "GET", "/api/v1/admin/messages", "", nil, nil); a.status != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", a.status)
		}

		a = s.do(t, "GET", "/api/v1/admin/sms-templates", admin, nil, nil)
		if items, _ := a.body["items"].([]any); a.status != http.StatusOK || len(items) != len(sms.DefaultTemplates()) {
			t.Fatalf("templates: %d %s", a.status, a.raw)
		}
		put := map[string]any{
			"body":            "शिकायत {#var#} का निस्तारण हो गया है। धन्यवाद। -मुख्यमंत्री हेल्पलाइन 1076",
			"dlt_template_id": "1107160000000000042", "header": "UPCMHL", "entity_id": "1201160000000012345",
			"vars": []map[string]any{{"name": "ref", "type": "reference_id"}},
		}
		a = s.do(t, "PUT", "/api/v1/admin/sms-templates/complaint_closed/hi", admin, put, nil)
		if a.status != http.StatusOK || a.body["dlt_template_id"] != "1107160000000000042" || a.body["updated_by"] == nil {
			t.Fatalf("put: %d %s", a.status, a.raw)
		}
		// The list renders with the edited template at once.
		a = s.do(t, "GET", "/api/v1/admin/messages?limit=1", admin, nil, nil)
		if m := a.body["items"].([]any)[0].(map[string]any); !strings.HasPrefix(m["text"].(string), "शिकायत 260000000002 का निस्तारण") ||
			m["dlt_template_id"] != "1107160000000000042" {
			t.Errorf("after edit: %s", a.raw)
		}
		put["body"] = "शिकायत {#var#} का निस्तारण {#var#} को हो गया है।"
		a = s.do(t, "PUT", "/api/v1/admin/sms-templates/complaint_closed/hi", admin, put, map[string]string{"Accept-Language": "en"})
		if f, c := problemField(a); a.status != http.StatusBadRequest || a.body["code"] != "validation" || f != "body" ||
			c != "placeholder_count" || !strings.Contains(string(a.raw), "2 {#var#} placeholders but 1 variables") {
			t.Errorf("bad template: %d %s", a.status, a.raw)
		}
		if a := s.do(t, "PUT", "/api/v1/admin/sms-templates/promo/hi", admin, put, nil); a.status != http.StatusBadRequest {
			t.Errorf("unknown key: %d %s", a.status, a.raw)
		}
		if a := s.do(t, "PUT", "/api/v1/admin/sms-templates/complaint_closed/hi", agent, put, nil); a.status != http.StatusForbidden {
			t.Errorf("agent put: %d", a.status)
		}
	})
}

// The HTTP gateway's delivery reports reach the row through
// /api/v1/sms/delivery, and only with the shared token.
func TestDeliveryCallbackOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := newSMSServer(t, st)
		q := store.NewOutboxQueue(st)
		h, err := sms.NewCallbackHandler(sms.CallbackConfig{IDParam: "id", StatusParam: "status", TokenParam: "token", Token: "s3cret",
			FailedValues: []string{"UNDELIV", "EXPIRED"}},
			func(ctx context.Context, id string, delivered bool) error {
				return q.MarkDelivery(ctx, "http", id, delivered, s.clk.Now())
			})
		if err != nil {
			t.Fatal(err)
		}
		s.srv.MountSMSDelivery(h)
		ids := queueClosed(t, st, 2)
		rows, _ := q.Claim(ctx, smsT0, 2, time.Minute)
		for i, r := range rows {
			if err := q.MarkSent(ctx, r.ID, r.Token, "http", fmt.Sprintf("gw-%d", i+1), smsT0); err != nil {
				t.Fatal(err)
			}
		}
		form := func(v url.Values) string { return v.Encode() }
		post := func(body string) int {
			req, _ := http.NewRequest("POST", s.ts.URL+"/api/v1/sms/delivery", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%d answered as %q, not a problem", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			return resp.StatusCode
		}
		if c := post(form(url.Values{"id": {"gw-1"}, "status": {"DELIVRD"}})); c != http.StatusUnauthorized {
			t.Errorf("without token: %d", c)
		}
		if c := post(form(url.Values{"id": {"gw-1"}, "status": {"DELIVRD"}, "token": {"guess"}})); c != http.StatusUnauthorized {
			t.Errorf("wrong token: %d", c)
		}
		if c := post(form(url.Values{"id": {"gw-1"}, "status": {"ACCEPTD"}, "token": {"s3cret"}})); c != http.StatusOK {
			t.Errorf("interim status: %d", c)
		}
		if c := post(form(url.Values{"id": {"gw-1"}, "status": {"DELIVRD"}, "token": {"s3cret"}})); c != http.StatusOK {
			t.Errorf("delivered: %d", c)
		}
		resp, err := http.Get(s.ts.URL + "/api/v1/sms/delivery?" + form(url.Values{"id": {"gw-2"}, "status": {"UNDELIV"}, "token": {"s3cret"}}))
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("GET report: %v %v", resp.StatusCode, err)
		}
		resp.Body.Close()
		// A report for a message the outbox does not know as sent asks the
		// gateway to report again.
		if c := post(form(url.Values{"id": {"gw-9"}, "status": {"DELIVRD"}, "token": {"s3cret"}})); c != http.StatusInternalServerError {
			t.Errorf("unknown id: %d", c)
		}
		ms, _ := st.OutboxMessages(ctx, store.OutboxMessageFilter{Limit: 10})
		got := map[int64]string{}
		for _, m := range ms {
			got[m.ID] = m.Status
		}
		// ids are newest first; gw-1 went to the older row.
		if got[ids[1]] != store.OutboxDelivered || got[ids[0]] != store.OutboxUndelivered {
			t.Errorf("statuses %v, want %d delivered and %d undelivered", got, ids[1], ids[0])
		}
	})
}
