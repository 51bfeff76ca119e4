package ui_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/api"
	"github.com/nivaran/nivaran/internal/clock"
	"github.com/nivaran/nivaran/internal/demo"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
	"github.com/nivaran/nivaran/internal/ui"
)

const demoPassword = "demo-password"

// start is the fake clock's start: early in a month, in office hours IST.
var start = time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)

// env is a real server with the demo loaded: the API and the pages on one
// mux, exactly as serve wires them.
type env struct {
	t   testing.TB
	st  *store.Store
	svc *service.Service
	clk *clock.Fake
	srv *httptest.Server
	// place is a generated village of Lucknow district and the words that
	// find it in the place picker; category a complaint type handled at
	// block level, found in the picker by categoryQ.
	place     model.Area
	placeQ    string
	category  model.Category
	categoryQ string
	// ref is the complaint the browser flows carry from surface to surface.
	ref string
}

func newEnv(t testing.TB, d store.Dialect) *env {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t, d)
	if _, err := demo.Load(ctx, st, demoPassword, start); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(start)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(st, clk, service.Config{}, log)
	dir := t.TempDir()
	svc.SetBlobs(service.DirBlobs{Dir: filepath.Join(dir, "attachments")})
	srv := api.New(svc, log, api.Options{FakeClock: clk, Sweep: func(ctx context.Context) error { _, err := svc.Sweep(ctx); return err }})
	ui.Mount(srv.Mux(), svc, ui.Options{Log: log, DataDir: dir, DemoPassword: demoPassword})
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	e := &env{t: t, st: st, svc: svc, clk: clk, srv: hs}
	e.pickPlaceAndCategory()
	return e
}

// pickPlaceAndCategory chooses the village and the complaint type the tests
// register: the first village of Lucknow's first block, and the village
// drain type (handled by the block's ADO (Panchayat)).
func (e *env) pickPlaceAndCategory() {
	ctx := context.Background()
	cats, err := e.st.Categories(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range cats {
		if c.Code == "panchayat_drain" {
			e.category = c
		}
	}
	if e.category.ID == 0 {
		e.t.Fatal("no panchayat_drain category in the demo")
	}
	e.categoryQ = "naali chok"
	districts, err := e.st.Areas(ctx, store.AreaFilter{Kind: model.AreaDistrict, Q: "lucknow", Limit: 5})
	if err != nil || len(districts) == 0 {
		e.t.Fatalf("no Lucknow: %v", err)
	}
	blocks, err := e.st.Areas(ctx, store.AreaFilter{ParentID: &districts[0].ID, Kind: model.AreaBlock, Limit: 1})
	if err != nil || len(blocks) == 0 {
		e.t.Fatalf("no block in Lucknow: %v", err)
	}
	villages, err := e.st.Areas(ctx, store.AreaFilter{ParentID: &blocks[0].ID, Kind: model.AreaVillage, Limit: 1})
	if err != nil || len(villages) == 0 {
		e.t.Fatalf("no village: %v", err)
	}
	e.place = villages[0]
	e.placeQ = strings.ToLower(strings.Fields(villages[0].NameEn)[0] + " " + strings.Fields(blocks[0].NameEn)[0])
}

// holder is the username of the officer holding post id.
func (e *env) holder(id int64) string {
	o, err := e.st.Holder(context.Background(), id)
	if err != nil {
		e.t.Fatalf("holder of post %d: %v", id, err)
	}
	return o.Username
}

// client is a cookie-keeping HTTP client signed in as username ("" for
// anonymous). It does not follow redirects, so tests see them.
func (e *env) client(username string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if username != "" {
		res := e.post(c, "/login", url.Values{"username": {username}, "password": {demoPassword}})
		if res.StatusCode != http.StatusSeeOther {
			e.t.Fatalf("login %s: %d", username, res.StatusCode)
		}
	}
	return c
}

// post submits a same-origin form.
func (e *env) post(c *http.Client, path string, v url.Values) *http.Response {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// get fetches a page and returns its status and body.
func (e *env) get(c *http.Client, path string) (int, string) {
	e.t.Helper()
	res, err := c.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
