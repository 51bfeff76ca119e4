package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/api"
	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/clock"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

var smsT0 = time.Date(2026, 11, 2, 4, 30, 0, 0, time.UTC)

// smsServer is the real API handler over a fresh database.
type smsServer struct {
	st  *store.Store
	clk *clock.Fake
	svc *service.Service
	srv *api.Server
	ts  *httptest.Server
}

func newSMSServer(t *testing.T, st *store.Store) *smsServer {
	t.Helper()
	clk := clock.NewFake(smsT0)
	svc := service.New(st, clk, service.Config{PublicURL: "https://igrs.up.in"}, slog.New(slog.DiscardHandler))
	srv := api.New(svc, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Options{})
	s := &smsServer{st: st, clk: clk, svc: svc, srv: srv}
	s.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(s.ts.Close)
	return s
}

type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func (s *smsServer) do(t *testing.T, method, path, token string, body any, hdr map[string]string) answer {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, s.ts.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: raw}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

// session makes a user with roles and returns a bearer token for them.
func (s *smsServer) session(t *testing.T, username string, roles ...model.Role) string {
	t.Helper()
	ctx := context.Background()
	tok, hash, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	err = s.st.Tx(ctx, func(tx *store.Tx) error {
		u := model.User{Username: username, Name: username, Roles: roles}
		if err := tx.InsertUser(ctx, &u, "", smsT0); err != nil {
			return err
		}
		return tx.InsertSession(ctx, hash, u.ID, time.Now(), time.Now().Add(time.Hour))
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (s *smsServer) lastCode(t *testing.T, mobile string) string {
	t.Helper()
	ms, err := s.st.OutboxMessages(context.Background(), store.OutboxMessageFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Template == model.TmplOTP && m.Mobile == mobile {
			return m.Vars["code"]
		}
	}
	t.Fatalf("no code queued for %s", mobile)
	return ""
}

func problemField(a answer) (field, code string) {
	errs, _ := a.body["errors"].([]any)
	if len(errs) == 0 {
		return "", ""
	}
	e, _ := errs[0].(map[string]any)
	f, _ := e["field"].(string)
	c, _ := e["code"].(string)
	return f, c
}

func TestOTPOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newSMSServer(t, st)
		const mobile = "9811122233"

		a := s.do(t, "POST", "/api/v1/auth/otp", "", map[string]string{"mobile": "+91 98111 22233"}, nil)
		if a.status != http.StatusAccepted || a.body["expires_in_seconds"] != float64(300) {
			t.Fatalf("request: %d %s", a.status, a.raw)
		}
		code := s.lastCode(t, mobile)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}

		// A wrong code: 401, in Hindi by default and in English when asked,
		// saying how many tries are left.
		a = s.do(t, "POST", "/api/v1/auth/otp/verify", "", map[string]string{"mobile": mobile, "code": wrong}, nil)
		if f, c := problemField(a); a.status != http.StatusUnauthorized || a.body["code"] != "unauthorized" ||
			f != "code" || c != "otp_wrong" || !strings.Contains(a.body["detail"].(string), "शेष प्रयास: 2") ||
			!strings.HasPrefix(a.header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("wrong code: %d %s", a.status, a.raw)
		}
		a = s.do(t, "POST", "/api/v1/auth/otp/verify", "", map[string]string{"mobile": mobile, "code": wrong},
			map[string]string{"Accept-Language": "en-IN"})
		if a.status != http.StatusUnauthorized || a.body["detail"] != "The code is not correct. Tries left: 1." {
			t.Fatalf("wrong code in English: %d %s", a.status, a.raw)
		}

		a = s.do(t, "POST", "/api/v1/auth/otp/verify", "", map[string]string{"mobile": mobile, "code": code}, nil)
		if a.status != http.StatusOK {
			t.Fatalf("verify: %d %s", a.status, a.raw)
		}
		tok, _ := a.body["token"].(string)
		user, _ := a.body["user"].(map[string]any)
		if tok == "" || user["username"] != "citizen:"+mobile || !strings.Contains(string(a.raw), `"roles":["citizen"]`) {
			t.Errorf("session answer %s", a.raw)
		}
		if c := a.header.Get("Set-Cookie"); !strings.Contains(c, api.SessionCookie+"="+tok) || !strings.Contains(c, "HttpOnly") {
			t.Errorf("cookie %q", c)
		}
		if me := s.do(t, "GET", "/api/v1/auth/me", tok, nil, nil); me.status != http.StatusOK || me.body["username"] != "citizen:"+mobile {
			t.Errorf("me: %d %s", me.status, me.raw)
		}
		// Spent.
		a = s.do(t, "POST", "/api/v1/auth/otp/verify", "", map[string]string{"mobile": mobile, "code": code}, nil)
		if _, c := problemField(a); a.status != http.StatusUnauthorized || c != "otp_expired" {
			t.Errorf("second use: %d %s", a.status, a.raw)
		}

		// Strict input.
		for _, body := range []string{`{"mobile":"98111"}`, `{"mobile":"9811122233","pin":"1"}`, `{"mobile":"9811122233","code":"12"}`, `[]`} {
			path := "/api/v1/auth/otp"
			if strings.Contains(body, "code") || strings.Contains(body, "pin") {
				path += "/verify"
			}
			if a := s.do(t, "POST", path, "", body, nil); a.status != http.StatusBadRequest || a.body["code"] != "validation" {
				t.Errorf("%s %s: %d %s", path, body, a.status, a.raw)
			}
		}

		// Rate limit: this mobile had one code; two more, then 429.
		for range 2 {
			if a := s.do(t, "POST", "/api/v1/auth/otp", "", map[string]string{"mobile": mobile}, nil); a.status != http.StatusAccepted {
				t.Fatalf("request: %d %s", a.status, a.raw)
			}
		}
		a = s.do(t, "POST", "/api/v1/auth/otp", "", map[string]string{"mobile": mobile}, map[string]string{"Accept-Language": "en"})
		if a.status != http.StatusTooManyRequests || a.body["code"] != "rate_limited" || a.header.Get("Retry-After") != "900" ||
			a.body["detail"] != "Too many codes have been asked for. Please try again in 15 minutes." {
			t.Errorf("fourth request: %d %v %s", a.status, a.header.Get("Retry-After"), a.raw)
		}

		// A blocked number: 403 caller_blocked.
		err := st.Tx(context.Background(), func(tx *store.Tx) error {
			return tx.InsertBlock(context.Background(), store.Block{Mobile: "9822233344", Reason: "false complaints", Since: smsT0})
		})
		if err != nil {
			t.Fatal(err)
		}
		a = s.do(t, "POST", "/api/v1/auth/otp", "", map[string]string{"mobile": "9822233344"}, nil)
		if a.status != http.StatusForbidden || a.body["code"] != "caller_blocked" {
			t.Errorf("blocked: %d %s", a.status, a.raw)
		}
	})
}
