package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
)

// reroute gives a returned complaint a new type and/or place (a fresh L0
// post and clock), or rejects the return.
func (u *UI) reroute(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	ref := r.PathValue("ref")
	reject := f.Get("reject") != ""
	if _, err := u.svc.Reroute(r.Context(), p, ref, atoi64(f.Get("category_id")), atoi64(f.Get("area_id")), reject, f.Get("note")); err != nil {
		u.refuseAction(w, r, p, "reroute", f, err, "category_id", "area_id", "note")
		return
	}
	done := "reroute"
	if reject {
		done = "reject_return"
	}
	redirect(w, r, "/c/"+ref+"?done="+done)
}
