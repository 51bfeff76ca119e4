package ui

import (
	"net/http"
	"net/url"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/refno"
)

// track opens a complaint by its reference number, as read out on the phone
// (spaces, hyphens and Devanagari digits are fine).
func (u *UI) track(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ref := refno.Normalize(r.URL.Query().Get("ref"))
	if ref == "" {
		v := u.newView(r, p, "ui_track_title")
		v.Form = newForm(nil)
		u.render(w, http.StatusOK, "track", v)
		return
	}
	if err := refno.Check(ref); err != nil {
		v := u.newView(r, p, "ui_track_title")
		v.Form = newForm(r.URL.Query())
		v.Form.Errs["ref"] = both(v.L, "problem_bad_reference", nil)
		u.render(w, http.StatusBadRequest, "track", v)
		return
	}
	if p == nil {
		// A complaint is shown to its citizen once signed in by mobile code:
		// send a visitor there, and back to the complaint afterwards.
		redirect(w, r, "/citizen?"+url.Values{"next": {"/c/" + ref}}.Encode())
		return
	}
	redirect(w, r, "/c/"+ref)
}
