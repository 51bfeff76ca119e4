package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/nivaran/nivaran/internal/api"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestCookieCallsMustComeFromThisSite: a state-changing call signed in by the
// session cookie alone is refused when the browser says another site made
// it, and changes nothing; the same call from this site, or with a bearer
// token, goes through, and reading stays open. Sign-in sets the cookie
// HttpOnly and SameSite=Lax.
func TestCookieCallsMustComeFromThisSite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFloor(t, st)
		body, _ := json.Marshal(map[string]string{"username": "supervisor1", "password": apiPassword})
		res, err := http.Post(f.url+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var cookie *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == api.SessionCookie {
				cookie = c
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
			t.Fatalf("session cookie %+v; want HttpOnly and SameSite=Lax", cookie)
		}
		block := func(mobile, site string, bearer bool) int {
			t.Helper()
			b, _ := json.Marshal(map[string]string{"mobile": mobile, "reason": "धमकी भरे कॉल"})
			req, _ := http.NewRequest("POST", f.url+"/api/v1/blocked-numbers", bytes.NewReader(b))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Sec-Fetch-Site", site)
			if bearer {
				req.Header.Set("Authorization", "Bearer "+cookie.Value)
			} else {
				req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		if code := block("9811100061", "cross-site", false); code != http.StatusForbidden {
			t.Fatalf("cross-site cookie call: %d; want 403", code)
		}
		if code := f.sendJSON("supervisor1", "GET", "/api/v1/callers/9811100061", nil); code.status != 200 || code.body["blocked"] != nil {
			t.Fatalf("after the refused call: %d %v; want the number not blocked", code.status, code.body)
		}
		if code := block("9811100062", "same-origin", false); code != http.StatusCreated {
			t.Fatalf("same-site cookie call: %d; want 201", code)
		}
		if code := block("9811100063", "cross-site", true); code != http.StatusCreated {
			t.Fatalf("cross-site bearer call: %d; want 201", code)
		}
		req, _ := http.NewRequest("GET", f.url+"/api/v1/blocked-numbers", nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
		res, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("cross-site read: %d; want 200", res.StatusCode)
		}
	})
}
