package ui

import (
	"net/http"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
)

// setLang switches the page language: remembered for the signed-in user by
// the service, and by a cookie for anonymous pages.
func (u *UI) setLang(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	l := f.Get("lang")
	if l != "hi" && l != "en" {
		l = "hi"
	}
	if p != nil {
		if err := u.svc.SetLanguage(r.Context(), p, l); err != nil {
			u.fail(w, r, p, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: l, Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		SameSite: http.SameSiteLaxMode, Secure: u.opt.SecureCookies})
	redirect(w, r, localPath(f.Get("next"), "/"))
}
