package ui

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/api"
	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure the web UI.
type Options struct {
	Log *slog.Logger
	// DataDir is where the service keeps attachments (DataDir/attachments).
	DataDir string
	// SecureCookies marks cookies Secure (behind HTTPS).
	SecureCookies bool
	// DemoPassword is shown on the start page when the demo is loaded.
	DemoPassword string
}

// UI serves the pages.
type UI struct {
	svc   *service.Service
	log   *slog.Logger
	opt   Options
	pages *pages
	blobs service.Blobs
	cop   *http.CrossOriginProtection
}

// Mount registers every page on mux, beside the API. The API server's
// ServeHTTP has already resolved the principal (api.Principal) when a page
// handler runs.
func Mount(mux *http.ServeMux, svc *service.Service, opt Options) *UI {
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	u := &UI{svc: svc, log: opt.Log, opt: opt, pages: mustParse(),
		blobs: service.DirBlobs{Dir: filepath.Join(opt.DataDir, "attachments")},
		cop:   http.NewCrossOriginProtection()}
	u.routes(mux)
	return u
}

// handler is a page action with the signed-in principal (nil on public pages).
type handler func(w http.ResponseWriter, r *http.Request, p *auth.Principal)

func (u *UI) routes(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(static)
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})))
	anyone := []model.Role(nil)
	desk := []model.Role{model.RoleAgent, model.RoleSupervisor, model.RoleAdmin}
	sup := []model.Role{model.RoleSupervisor, model.RoleAdmin}
	admin := []model.Role{model.RoleAdmin}
	officer := []model.Role{model.RoleOfficer}

	u.public(mux, "GET /{$}", u.start)
	u.public(mux, "GET /login", u.loginForm)
	u.public(mux, "POST /login", u.login)
	u.public(mux, "GET /logout", u.logoutForm)
	u.public(mux, "POST /logout", u.logout)
	u.public(mux, "POST /lang", u.setLang)

	u.page(mux, "GET /ui/categories", anyone, u.categoryOptions)
	u.page(mux, "GET /ui/areas", anyone, u.areaOptions)
	u.public(mux, "GET /track", u.track)

	u.page(mux, "GET /agent", desk, u.agentHome)
	u.page(mux, "GET /agent/call", desk, u.agentCall)
	u.page(mux, "GET /agent/duplicates", desk, u.agentDuplicates)
	u.page(mux, "POST /agent/register", desk, u.agentRegister)
	u.page(mux, "GET /agent/registered/{ref}", desk, u.agentRegistered)
	u.page(mux, "GET /agent/feedback", []model.Role{model.RoleAgent, model.RoleSupervisor}, u.feedbackQueue)
	u.page(mux, "POST /c/{ref}/feedback", []model.Role{model.RoleAgent, model.RoleSupervisor}, u.feedback)

	u.page(mux, "GET /c/{ref}", anyone, u.complaint)
	u.page(mux, "GET /attachments/{id}", anyone, u.attachment)
	u.page(mux, "POST /c/{ref}/mark", officer, u.mark)
	u.page(mux, "POST /c/{ref}/comment", anyone, u.comment)
	u.page(mux, "POST /c/{ref}/report", officer, u.report)
	u.page(mux, "POST /c/{ref}/special-closure", officer, u.specialClosure)
	u.page(mux, "POST /c/{ref}/decision", officer, u.decide)
	u.page(mux, "POST /c/{ref}/return", officer, u.returnComplaint)
	u.page(mux, "POST /c/{ref}/reroute", sup, u.reroute)
	u.page(mux, "POST /c/{ref}/false", sup, u.markFalse)
	u.page(mux, "POST /c/{ref}/remind", anyone, u.remind)

	u.page(mux, "GET /inbox", officer, u.inbox)
	u.page(mux, "GET /decisions", officer, u.decisions)

	u.page(mux, "GET /desk", sup, u.rerouteDesk)
	u.page(mux, "GET /desk/blocked", sup, u.blocked)
	u.page(mux, "POST /desk/blocked", sup, u.block)
	u.page(mux, "POST /desk/unblock", sup, u.unblock)

	u.public(mux, "GET /citizen", u.citizenLogin)
	u.public(mux, "POST /citizen/otp", u.citizenOTP)
	u.public(mux, "POST /citizen/verify", u.citizenVerify)
	u.page(mux, "GET /my", []model.Role{model.RoleCitizen}, u.myComplaints)
	u.page(mux, "GET /my/new", []model.Role{model.RoleCitizen}, u.citizenNew)
	u.page(mux, "POST /my/new", []model.Role{model.RoleCitizen}, u.citizenRegister)

	u.page(mux, "GET /monitor", []model.Role{model.RoleMonitor, model.RoleAdmin}, u.monitor)

	// Accountability dashboards (issue 6) and the call-centre floor (issue 7).
	watch := []model.Role{model.RoleMonitor, model.RoleAdmin}
	callers := []model.Role{model.RoleAgent, model.RoleSupervisor}
	u.page(mux, "GET /dashboard", watch, u.dashboard)
	u.page(mux, "GET /dashboard/ranking", watch, u.ranking)
	u.page(mux, "GET /dashboard/signals", watch, u.signals)
	u.page(mux, "GET /dashboard/complaints", watch, u.dashboardComplaints)
	u.page(mux, "GET /verification", sup, u.verificationQueue)
	u.page(mux, "POST /verification/{ref}", sup, u.verify)
	u.page(mux, "GET /agent/next", callers, u.nextCall)
	u.page(mux, "POST /agent/next/{queue}", callers, u.takeNext)
	u.page(mux, "POST /agent/next/{queue}/{ref}", callers, u.nextOutcome)
	u.page(mux, "GET /live", []model.Role{model.RoleSupervisor, model.RoleMonitor, model.RoleAdmin}, u.live)
	u.page(mux, "GET /live/board", []model.Role{model.RoleSupervisor, model.RoleMonitor, model.RoleAdmin}, u.liveBoard)

	u.page(mux, "GET /admin", admin, u.adminHome)
	u.page(mux, "GET /admin/areas", admin, u.adminAreas)
	u.page(mux, "POST /admin/areas", admin, u.adminSaveArea)
	u.page(mux, "GET /admin/departments", admin, u.adminDepartments)
	u.page(mux, "POST /admin/departments", admin, u.adminSaveDepartment)
	u.page(mux, "GET /admin/designations", admin, u.adminDesignations)
	u.page(mux, "POST /admin/designations", admin, u.adminSaveDesignation)
	u.page(mux, "GET /admin/categories", admin, u.adminCategories)
	u.page(mux, "GET /admin/categories/{id}", admin, u.adminCategory)
	u.page(mux, "POST /admin/categories/{id}", admin, u.adminSaveCategory)
	u.page(mux, "GET /admin/posts", admin, u.adminPosts)
	u.page(mux, "GET /admin/posts/{id}", admin, u.adminPost)
	u.page(mux, "POST /admin/posts/{id}", admin, u.adminSavePost)
	u.page(mux, "POST /admin/posts/{id}/officer", admin, u.adminAssign)
	u.page(mux, "GET /admin/officers", admin, u.adminOfficers)
	u.page(mux, "POST /admin/officers", admin, u.adminCreateOfficer)
	u.page(mux, "GET /admin/officers/{id}", admin, u.adminOfficer)
	u.page(mux, "GET /admin/users", admin, u.adminUsers)
	u.page(mux, "GET /admin/sms", admin, u.adminSMS)
	u.page(mux, "GET /admin/sms/{key}/{lang}", admin, u.adminSMSTemplate)
	u.page(mux, "POST /admin/sms/{key}/{lang}", admin, u.adminSaveSMSTemplate)
}

// public serves a page that anyone may open.
func (u *UI) public(mux *http.ServeMux, pattern string, h handler) {
	mux.Handle(pattern, u.wrap(func(w http.ResponseWriter, r *http.Request) { h(w, r, api.Principal(r)) }))
}

// page serves a page for signed-in users holding one of roles (any role when
// roles is nil); anonymous visitors are sent to sign in.
func (u *UI) page(mux *http.ServeMux, pattern string, roles []model.Role, h handler) {
	mux.Handle(pattern, u.wrap(func(w http.ResponseWriter, r *http.Request) {
		p := api.Principal(r)
		if p == nil {
			if r.Method == http.MethodGet && r.Header.Get("HX-Request") == "" {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			u.fail(w, r, nil, service.ErrUnauthorized)
			return
		}
		if roles != nil && !p.Any(roles...) {
			u.fail(w, r, p, errRole)
			return
		}
		h(w, r, p)
	}))
}

// wrap adds the cross-origin check for state changes, security headers and
// panic recovery.
func (u *UI) wrap(h http.HandlerFunc) http.Handler {
	return u.cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
			"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cache-Control", "no-store")
		defer func() {
			if v := recover(); v != nil {
				u.log.Error("ui panic", "path", r.URL.Path, "panic", v)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		h(w, r)
	}))
}

// setSession sets the same session cookie as the API's login.
func (u *UI) setSession(w http.ResponseWriter, tok string) {
	http.SetCookie(w, &http.Cookie{Name: api.SessionCookie, Value: tok, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: u.opt.SecureCookies, MaxAge: int((12 * time.Hour).Seconds())})
}

// home is where a principal starts: the page of their first role.
func home(p *auth.Principal) string {
	switch {
	case p == nil:
		return "/"
	case p.Has(model.RoleAgent):
		return "/agent"
	case p.Has(model.RoleSupervisor):
		return "/desk"
	case p.Has(model.RoleOfficer):
		return "/inbox"
	case p.Has(model.RoleMonitor):
		return "/monitor"
	case p.Has(model.RoleAdmin):
		return "/admin"
	case p.Has(model.RoleCitizen):
		return "/my"
	}
	return "/"
}

// localPath accepts only a path on this site as a redirect target.
func localPath(s, def string) string {
	if s == "" || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsRune(s, '\\') {
		return def
	}
	// Browsers drop tabs and newlines from a URL ("/\t/evil.example" is
	// "//evil.example"): no control character at all.
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return def
	}
	if u, err := url.Parse(s); err != nil || u.Scheme != "" || u.Host != "" {
		return def
	}
	return s
}

// redirect answers a form post with a 303 to a page on this site.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, localPath(to, "/"), http.StatusSeeOther)
}
