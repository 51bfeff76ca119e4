package api

import (
	"errors"
	"net/http"
	"strconv"
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
			s.invalid(w, r, "advance", "invalid_value", nil)
			return
		}
		s.opt.FakeClock.Advance(d)
	case in.Set != "" && in.Advance == "":
		t, err := time.Parse(time.RFC3339, in.Set)
		if err != nil {
			s.invalid(w, r, "set", "invalid_time", nil)
			return
		}
		s.opt.FakeClock.Set(t)
	default:
		s.invalid(w, r, "advance", "required", map[string]any{"Field": "advance | set"})
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

// upload stores one attachment. A body larger than the cap answers 413 like
// a file larger than the cap, though the file was never read whole.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	r.Body = http.MaxBytesReader(w, r.Body, service.MaxAttachment+1<<20)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			s.writeProblem(w, r, service.TooLarge())
			return
		}
		s.invalid(w, r, "file", "required", nil)
		return
	}
	defer f.Close()
	a, err := s.svc.UploadFile(r.Context(), p, service.UploadInput{Name: hdr.Filename, File: f,
		IdempotencyKey: r.Header.Get("Idempotency-Key")})
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	if a.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	// The file itself, served to those who may read it (see the web UI's
	// attachment page).
	w.Header().Set("Location", "/attachments/"+strconv.FormatInt(a.ID, 10))
	writeJSON(w, http.StatusCreated, map[string]any{"id": a.ID, "name": a.Name, "content_type": a.ContentType, "size": a.Size, "sha256": a.SHA256})
}
