package sms

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

// gateway is an httptest server that records requests and answers as told.
type gateway struct {
	*httptest.Server
	mu     sync.Mutex
	reqs   []*http.Request
	bodies []string
	status int
	answer string
	delay  time.Duration
}

func newGateway(t *testing.T) *gateway {
	g := &gateway{status: http.StatusOK}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		g.mu.Lock()
		g.reqs = append(g.reqs, r)
		g.bodies = append(g.bodies, string(b))
		status, answer, delay := g.status, g.answer, g.delay
		g.mu.Unlock()
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *gateway) last(t *testing.T) (*http.Request, string) {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.reqs) == 0 {
		t.Fatal("gateway got no request")
	}
	return g.reqs[len(g.reqs)-1], g.bodies[len(g.bodies)-1]
}

func dltOutgoing(t *testing.T, lang string) Outgoing {
	t.Helper()
	ts := SetDLT(DefaultTemplates(), "1201160000000012345", map[string]string{
		"complaint_closed/hi": "1107160000000000011", "complaint_closed/en": "1107160000000000012"})
	r, err := NewRegistry(ts)
	if err != nil {
		t.Fatal(err)
	}
	vars := typicalHi
	if lang == "en" {
		vars = typicalEn
	}
	rd, err := r.Render("complaint_closed", lang, vars)
	if err != nil {
		t.Fatal(err)
	}
	return Outgoing{To: "9876543210", Rendered: rd}
}

func TestHTTPGetNICShape(t *testing.T) {
	g := newGateway(t)
	g.answer = "Message Accepted for Request ID=123456789012~code=API000 & info=Platform Accepted"
	cfg := NICGateway(g.URL+"/failsafe/MLink", "cmhelpline.sms", "s3cr3tpin")
	cfg.IDRegex = `Request ID=(\d+)`
	p, err := NewHTTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := dltOutgoing(t, "hi")
	id, err := p.Send(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if id != "123456789012" {
		t.Errorf("id %q", id)
	}
	r, _ := g.last(t)
	if r.Method != http.MethodGet || r.URL.Path != "/failsafe/MLink" {
		t.Errorf("%s %s", r.Method, r.URL.Path)
	}
	q := r.URL.Query()
	var units []byte
	for _, u := range utf16.Encode([]rune(m.Text)) {
		units = append(units, byte(u>>8), byte(u))
	}
	want := map[string]string{
		"username": "cmhelpline.sms", "pin": "s3cr3tpin", "mnumber": "919876543210", "signature": "UPCMHL",
		"dlt_entity_id": "1201160000000012345", "dlt_template_id": "1107160000000000011", "msgType": "UC",
		"message": "FEFF" + strings.ToUpper(hex.EncodeToString(units)),
	}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}

	// English goes as plain text, without the Unicode flag.
	if _, err := p.Send(context.Background(), dltOutgoing(t, "en")); err != nil {
		t.Fatal(err)
	}
	r, _ = g.last(t)
	if q := r.URL.Query(); q.Has("msgType") || !strings.HasPrefix(q.Get("message"), "Your complaint 107600123456") {
		t.Errorf("english query %v", q)
	}
}

func TestHTTPPostFormBasicAuth(t *testing.T) {
	g := newGateway(t)
	g.answer = `<?xml version="1.0" encoding="UTF-8"?><TwilioResponse><SMSMessage><Sid>b6c6a98f3268</Sid><Status>queued</Status></SMSMessage></TwilioResponse>`
	cfg := ExotelGateway("example.invalid", "acme1", "key", "token")
	cfg.URL = g.URL + "/v1/Accounts/acme1/Sms/send"
	p, err := NewHTTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	id, err := p.Send(context.Background(), dltOutgoing(t, "hi"))
	if err != nil || id != "b6c6a98f3268" {
		t.Fatalf("id %q err %v", id, err)
	}
	r, body := g.last(t)
	user, pass, ok := r.BasicAuth()
	if !ok || user != "key" || pass != "token" {
		t.Errorf("basic auth %q %q %v", user, pass, ok)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("content type %q", ct)
	}
	f, _ := url.ParseQuery(body)
	if f.Get("To") != "+919876543210" || f.Get("From") != "UPCMHL" || f.Get("EncodingType") != "unicode" ||
		f.Get("DltTemplateId") != "1107160000000000011" || !strings.HasPrefix(f.Get("Body"), "आपकी शिकायत") {
		t.Errorf("form %v", f)
	}
}

func TestHTTPPostJSONHeaderAuth(t *testing.T) {
	g := newGateway(t)
	g.answer = `{"status":"success","data":[{"id":"MSG-77","to":"919876543210"}]}`
	p, err := NewHTTP(HTTPConfig{
		URL: g.URL + "/send", Method: HTTPPostJSON, ToParam: "to", TextParam: "text", SenderParam: "sender",
		TemplateIDParam: "template_id", UnicodeParam: "unicode", Static: map[string]string{"route": "dlt"},
		Auth: AuthHeader, AuthParam: "Authorization", AuthValue: "Bearer k3y",
		IDPath: "data.0.id", StatusPath: "status", StatusOK: []string{"success"},
	})
	if err != nil {
		t.Fatal(err)
	}
	id, err := p.Send(context.Background(), dltOutgoing(t, "hi"))
	if err != nil || id != "MSG-77" {
		t.Fatalf("id %q err %v", id, err)
	}
	r, body := g.last(t)
	if r.Header.Get("Authorization") != "Bearer k3y" || r.Method != http.MethodPost {
		t.Errorf("%s auth %q", r.Method, r.Header.Get("Authorization"))
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got["to"] != "9876543210" || got["unicode"] != "1" || got["route"] != "dlt" || got["sender"] != "UPCMHL" ||
		got["template_id"] != "1107160000000000011" || !strings.HasSuffix(got["text"], "हेल्पलाइन 1076") {
		t.Errorf("json %v", got)
	}

	g.answer = `{"status":"failure","message":"template mismatch"}`
	if _, err := p.Send(context.Background(), dltOutgoing(t, "hi")); err == nil || IsTemporary(err) {
		t.Errorf("200 with failure status: %v, want permanent", err)
	}
}

func TestHTTPErrorClasses(t *testing.T) {
	g := newGateway(t)
	p, err := NewHTTP(HTTPConfig{URL: g.URL, ToParam: "to", TextParam: "text", Auth: AuthQuery,
		AuthParam: "apikey", AuthValue: "SECRETKEY", Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cases := []struct {
		status    int
		temporary bool
	}{
		{500, true}, {502, true}, {503, true}, {429, true}, {408, true},
		{400, false}, {401, false}, {403, false}, {404, false}, {302, false},
	}
	for _, tc := range cases {
		g.mu.Lock()
		g.status, g.answer = tc.status, "nope"
		g.mu.Unlock()
		_, err := p.Send(ctx, dltOutgoing(t, "en"))
		if err == nil || IsTemporary(err) != tc.temporary {
			t.Errorf("HTTP %d: err %v, temporary want %v", tc.status, err, tc.temporary)
		}
		if se, ok := errors.AsType[*SendError](err); ok && se.Code == "" {
			t.Errorf("HTTP %d: no code in %v", tc.status, err)
		}
	}

	g.mu.Lock()
	g.status, g.delay = 200, time.Second
	g.mu.Unlock()
	_, err = p.Send(ctx, dltOutgoing(t, "en"))
	if !IsTemporary(err) {
		t.Errorf("timeout: %v, want temporary", err)
	}
	if strings.Contains(err.Error(), "SECRETKEY") || strings.Contains(err.Error(), "complaint") {
		t.Errorf("error leaks the URL: %v", err)
	}

	g.Close()
	if _, err := p.Send(ctx, dltOutgoing(t, "en")); !IsTemporary(err) {
		t.Errorf("connection refused: %v, want temporary", err)
	}
	if _, err := p.Send(ctx, Outgoing{To: "98765", Rendered: dltOutgoing(t, "en").Rendered}); IsTemporary(err) {
		t.Errorf("bad number: %v, want permanent", err)
	}
}

func TestHTTPAcceptedWithoutIDIsSent(t *testing.T) {
	g := newGateway(t)
	g.answer = `{"ok":true}`
	p, _ := NewHTTP(HTTPConfig{URL: g.URL, ToParam: "to", TextParam: "text", IDPath: "data.id"})
	id, err := p.Send(context.Background(), dltOutgoing(t, "en"))
	if err != nil || id != "" {
		t.Errorf("id %q err %v: a 2xx without an id must not be retried", id, err)
	}
}

func TestNewHTTPRejects(t *testing.T) {
	for name, cfg := range map[string]HTTPConfig{
		"no url":       {ToParam: "to", TextParam: "text"},
		"ftp url":      {URL: "ftp://x", ToParam: "to", TextParam: "text"},
		"no to":        {URL: "https://x", TextParam: "text"},
		"bad method":   {URL: "https://x", ToParam: "to", TextParam: "text", Method: "PUT"},
		"query auth":   {URL: "https://x", ToParam: "to", TextParam: "text", Auth: AuthQuery},
		"bad regex":    {URL: "https://x", ToParam: "to", TextParam: "text", IDRegex: "("},
		"unknown auth": {URL: "https://x", ToParam: "to", TextParam: "text", Auth: "oauth"},
	} {
		if _, err := NewHTTP(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

type receipt struct {
	id        string
	delivered bool
}

func TestCallbackHandler(t *testing.T) {
	var (
		mu   sync.Mutex
		got  []receipt
		fail bool
	)
	deliver := func(_ context.Context, id string, delivered bool) error {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return errors.New("store down")
		}
		got = append(got, receipt{id, delivered})
		return nil
	}
	h, err := NewCallbackHandler(CallbackConfig{IDParam: "msgid", StatusParam: "status",
		FailedValues: []string{"UNDELIV", "EXPIRED", "REJECTD"}, TokenParam: "token", Token: "t0k"}, deliver)
	if err != nil {
		t.Fatal(err)
	}
	jh, err := NewCallbackHandler(CallbackConfig{IDParam: "data.id", StatusParam: "data.status"}, deliver)
	if err != nil {
		t.Fatal(err)
	}
	do := func(h http.Handler, method, target, contentType, body string) int {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	cases := []struct {
		name        string
		h           http.Handler
		method      string
		target      string
		contentType string
		body        string
		code        int
	}{
		{"get delivered", h, "GET", "/dlr?msgid=A1&status=DELIVRD&token=t0k", "", "", 200},
		{"form failed", h, "POST", "/dlr?token=t0k", "application/x-www-form-urlencoded", "msgid=A2&status=UNDELIV", 200},
		{"intermediate ignored", h, "GET", "/dlr?msgid=A3&status=ENROUTE&token=t0k", "", "", 200},
		{"lower case status", h, "GET", "/dlr?msgid=A4&status=delivrd&token=t0k", "", "", 200},
		{"no token", h, "GET", "/dlr?msgid=A5&status=DELIVRD", "", "", 401},
		{"wrong token", h, "GET", "/dlr?msgid=A5&status=DELIVRD&token=x", "", "", 401},
		{"no id", h, "GET", "/dlr?status=DELIVRD&token=t0k", "", "", 400},
		{"json nested", jh, "POST", "/dlr", "application/json", `{"data":{"id":"J1","status":"DELIVERED"}}`, 200},
		{"json failed", jh, "POST", "/dlr", "application/json", `{"data":{"id":"J2","status":"FAILED"}}`, 200},
		{"json broken", jh, "POST", "/dlr", "application/json", `{"data":`, 400},
	}
	for _, tc := range cases {
		if code := do(tc.h, tc.method, tc.target, tc.contentType, tc.body); code != tc.code {
			t.Errorf("%s: HTTP %d, want %d", tc.name, code, tc.code)
		}
	}
	want := []receipt{{"A1", true}, {"A2", false}, {"A4", true}, {"J1", true}, {"J2", false}}
	mu.Lock()
	if len(got) != len(want) {
		t.Fatalf("receipts %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("receipt %d = %v, want %v", i, got[i], want[i])
		}
	}
	fail = true
	mu.Unlock()
	if code := do(h, "GET", "/dlr?msgid=A6&status=DELIVRD&token=t0k", "", ""); code != 500 {
		t.Errorf("store failure: HTTP %d, want 500 so the gateway retries", code)
	}
}
