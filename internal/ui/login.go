package ui

import (
	"errors"
	"net"
	"net/http"

	"github.com/nivaran/nivaran/internal/api"
	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/service"
)

// loginForm asks staff for username and password.
func (u *UI) loginForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_login_title")
	v.Form = newForm(r.URL.Query())
	u.render(w, http.StatusOK, "login", v)
}

// login signs in and sets the same session cookie as the API.
func (u *UI) login(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	f := postedForm(r)
	tok, user, err := u.svc.Login(r.Context(), f.Get("username"), f.Get("password"), clientAddr(r))
	if err != nil {
		v := u.newView(r, nil, "ui_login_title")
		f.V.Del("password")
		v.Form = f
		switch {
		case errors.Is(err, service.ErrUnauthorized):
			v.Problem = both(v.L, "ui_login_failed", nil)
		default:
			v.Problem = banner(v.L, err)
		}
		status, _ := problem(err)
		u.render(w, status, "login", v)
		return
	}
	u.setSession(w, tok)
	redirect(w, r, localPath(f.Get("next"), home(&auth.Principal{User: user})))
}

// logoutForm offers the sign-out button (signing out is a POST).
func (u *UI) logoutForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_logout")
	u.render(w, http.StatusOK, "logout", v)
}

// logout ends the session and clears the cookie.
func (u *UI) logout(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if c, err := r.Cookie(api.SessionCookie); err == nil && c.Value != "" {
		if err := u.svc.Logout(r.Context(), c.Value); err != nil {
			u.log.Warn("ui: logout", "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: api.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	redirect(w, r, "/")
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
