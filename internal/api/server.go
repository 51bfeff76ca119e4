package api

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/clock"
	"github.com/nivaran/nivaran/internal/locale"
	"github.com/nivaran/nivaran/internal/openapi"
	"github.com/nivaran/nivaran/internal/service"
)

// SessionCookie is the name of the web session cookie.
const SessionCookie = "nivaran_session"

// Options configure the API server.
type Options struct {
	// FakeClock, when set, enables the /api/v1/dev/clock endpoints.
	FakeClock *clock.Fake
	// Sweep runs the escalation sweep for the current time (used after the fake
	// clock moves).
	Sweep func(ctx context.Context) error
	// SecureCookies marks the session cookie Secure (behind HTTPS).
	SecureCookies bool
}

// Server serves the JSON API.
type Server struct {
	svc     *service.Service
	log     *slog.Logger
	opt     Options
	mux     *http.ServeMux
	reg     *prometheus.Registry
	latency *prometheus.HistogramVec
	// patterns lists every route registered, for the OpenAPI agreement test.
	patterns []string
	// idem keeps the answers of calls made with an Idempotency-Key.
	idem *idempotency
	// cop refuses cross-site state changes signed in by the session cookie.
	cop *http.CrossOriginProtection
}

type ctxKey int

const principalKey ctxKey = 1

// New builds the API server.
func New(svc *service.Service, log *slog.Logger, opt Options) *Server {
	s := &Server{svc: svc, log: log, opt: opt, mux: http.NewServeMux(), reg: prometheus.NewRegistry()}
	s.idem = newIdempotency(s)
	s.cop = http.NewCrossOriginProtection()
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "nivaran_http_request_duration_seconds", Help: "HTTP request latency by route and status class.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route", "code"})
	s.reg.MustRegister(s.latency, prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	s.routes()
	return s
}

// Registry is the Prometheus registry, for other components' metrics.
func (s *Server) Registry() *prometheus.Registry { return s.reg }

// Handler returns the root handler.
func (s *Server) Handler() http.Handler { return s }

// Mux exposes the router so that the web UI can mount its pages beside the API.
func (s *Server) Mux() *http.ServeMux { return s.mux }

// Routes lists the method-and-path patterns the API serves.
func (s *Server) Routes() []string { return append([]string(nil), s.patterns...) }

func (s *Server) handle(pattern string, h http.HandlerFunc) {
	route := pattern
	s.patterns = append(s.patterns, pattern)
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic", "route", route, "panic", v)
				if !rec.wrote {
					s.writeProblem(rec, r, errPanic)
				}
			}
			s.latency.WithLabelValues(route, strconv.Itoa(rec.status/100)+"xx").Observe(time.Since(start).Seconds())
		}()
		h(rec, r)
	}))
}

type panicErr struct{}

func (panicErr) Error() string { return "panic" }

var errPanic = panicErr{}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status, r.wrote = code, true
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// ServeHTTP resolves the principal (bearer token or session cookie) and routes.
// A browser sends the session cookie with requests other sites make it send:
// a state-changing call signed in by the cookie alone must come from this
// site (http.CrossOriginProtection), or it is refused. A bearer token is never
// sent by a browser on its own, so calls with one are not checked.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tok, cookie := token(r)
	if cookie && tok != "" {
		if err := s.cop.Check(r); err != nil {
			s.badRequest(w, r, http.StatusForbidden, "forbidden", "problem_cross_origin", nil)
			return
		}
	}
	if tok != "" {
		if p, err := s.svc.Authenticate(r.Context(), tok); err == nil {
			r = r.WithContext(context.WithValue(r.Context(), principalKey, p))
		}
	}
	s.mux.ServeHTTP(w, r)
}

// token returns the request's session token, and whether it came from the
// session cookie rather than the Authorization header.
func token(r *http.Request) (string, bool) {
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:]), false
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value, true
	}
	return "", false
}

// Principal returns the request's signed-in user, or nil.
func Principal(r *http.Request) *auth.Principal {
	p, _ := r.Context().Value(principalKey).(*auth.Principal)
	return p
}

// authed wraps h so that anonymous calls get 401.
func (s *Server) authed(h func(w http.ResponseWriter, r *http.Request, p *auth.Principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := Principal(r)
		if p == nil {
			s.writeProblem(w, r, service.ErrUnauthorized)
			return
		}
		h(w, r, p)
	}
}

// lang is the language of messages for this request: the user's, else
// Accept-Language, else Hindi.
func (s *Server) lang(r *http.Request) string {
	if h := r.Header.Get("Accept-Language"); h != "" {
		return locale.Lang(h)
	}
	if p := Principal(r); p != nil && p.User.Language != "" {
		return p.User.Language
	}
	return "hi"
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) routes() {
	s.handle("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	s.handle("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	s.handle("GET /api/v1/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openapi.Document())
	})
	s.handle("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.badRequest(w, r, http.StatusNotFound, "not_found", "problem_not_found", nil)
	})
	s.authRoutes()
	s.masterRoutes()
	s.complaintRoutes()
	s.devRoutes()
	s.reportRoutes()
	s.smsRoutes()
	s.queueRoutes()
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	st := s.svc.Store()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := st.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unreachable\n"))
		return
	}
	if ok, err := st.Current(ctx); err != nil || !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("migrations pending\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}
