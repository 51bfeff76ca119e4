package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
)

type userJSON struct {
	ID        int64        `json:"id"`
	Username  string       `json:"username"`
	Name      string       `json:"name"`
	Roles     []model.Role `json:"roles"`
	OfficerID *int64       `json:"officer_id,omitempty"`
	AreaID    *int64       `json:"area_id,omitempty"`
	Language  string       `json:"language"`
}

func userOut(u model.User) userJSON {
	roles := u.Roles
	if roles == nil {
		roles = []model.Role{}
	}
	return userJSON{ID: u.ID, Username: u.Username, Name: u.Name, Roles: roles, OfficerID: u.OfficerID, AreaID: u.AreaID, Language: u.Language}
}

func (s *Server) authRoutes() {
	s.handle("POST /api/v1/auth/login", s.login)
	s.handle("POST /api/v1/auth/logout", s.authed(s.logout))
	s.handle("GET /api/v1/auth/me", s.authed(func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		writeJSON(w, http.StatusOK, userOut(p.User))
	}))
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if s.decode(w, r, &in) != nil {
		return
	}
	// A request without a username or a password is malformed, not a wrong
	// guess: it says so and does not count against the sign-in limits.
	var missing []service.FieldError
	if strings.TrimSpace(in.Username) == "" {
		missing = append(missing, service.FieldError{Field: "username", Code: "required", Key: "field_required"})
	}
	if in.Password == "" {
		missing = append(missing, service.FieldError{Field: "password", Code: "required", Key: "field_required"})
	}
	if missing != nil {
		s.writeProblem(w, r, &service.ValidationError{Fields: missing})
		return
	}
	tok, u, err := s.svc.Login(r.Context(), in.Username, in.Password, clientAddr(r))
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	s.setSession(w, tok)
	writeJSON(w, http.StatusOK, map[string]any{"token": tok, "user": userOut(u)})
}

// setSession sets the web session cookie: HttpOnly, SameSite=Lax.
func (s *Server) setSession(w http.ResponseWriter, tok string) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: tok, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.opt.SecureCookies, MaxAge: int((12 * time.Hour).Seconds())})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	tok, _ := token(r)
	if err := s.svc.Logout(r.Context(), tok); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	w.WriteHeader(http.StatusNoContent)
}
