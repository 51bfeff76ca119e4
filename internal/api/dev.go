package api

import (
	"net/http"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/locale"
	"github.com/nivaran/nivaran/internal/service"
)

func localeT(lang, key string) string { return locale.T(lang, key, nil) }

// devRoutes serves the test and training clock, only with --fake-clock;
// without it the paths answer 404 like any unknown path.
func (s *Server) devRoutes() {
	if s.opt.FakeClock == nil {
		return
	}
	s.handle("GET /api/v1/dev/clock", s.authed(func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		writeJSON(w, http.StatusOK, map[string]any{"now": ist(s.opt.FakeClock.Now())})
	}))
	s.handle("POST /api/v1/dev/clock", s.authed(s.setClock))
}

func (s *Server) setClock(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Advance string `json:"advance"`
		Set     string `json:"set"`
	}
	if s.decode(w, r, &in) != nil {
		return
	}
	switch {
	case in.Advance != "" && in.Set == "":
		d, err := time.ParseDuration(in.Advance)
		if err != nil || d < 0 {
			s.badRequest(w, r, http.StatusBadRequest, "validation", "advance", "field_invalid_value", map[string]any{"Field": "advance"})
			return
		}
		s.opt.FakeClock.Advance(d)
	case in.Set != "" && in.Advance == "":
		t, err := time.Parse(time.RFC3339, in.Set)
		if err != nil {
			s.badRequest(w, r, http.StatusBadRequest, "validation", "set", "field_invalid_time", map[string]any{"Field": "set"})
			return
		}
		s.opt.FakeClock.Set(t)
	default:
		s.badRequest(w, r, http.StatusBadRequest, "validation", "advance", "field_required", map[string]any{"Field": "advance | set"})
		return
	}
	if s.opt.Sweep != nil {
		if err := s.opt.Sweep(r.Context()); err != nil {
			s.writeProblem(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"now": ist(s.opt.FakeClock.Now())})
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	r.Body = http.MaxBytesReader(w, r.Body, service.MaxAttachment+1<<20)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.badRequest(w, r, http.StatusBadRequest, "validation", "file", "field_required", map[string]any{"Field": "file"})
		return
	}
	defer f.Close()
	a, err := s.svc.Upload(r.Context(), p, hdr.Filename, f)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": a.ID, "name": a.Name, "content_type": a.ContentType, "size": a.Size, "sha256": a.SHA256})
}
