package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/service"
)

// registerFields are the inputs of the registration form that a refusal can
// point at.
var registerFields = []string{"name", "mobile", "address", "language", "category_id", "area_id", "description", "override_reason"}

// agentRegister saves the complaint typed on the screen-pop. When the caller
// already has an open complaint of the same type at the same place, the
// form comes back with a warning that offers a reminder instead, unless the
// agent has confirmed it is a new matter.
func (u *UI) agentRegister(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := r.ParseForm(); err != nil {
		u.fail(w, r, p, err)
		return
	}
	f := newForm(r.PostForm)
	l := lang(r)
	category, area := atoi64(f.Get("category_id")), atoi64(f.Get("area_id"))
	if f.Get("confirm_new") == "" {
		if m, ok := service.NormalizeMobile(f.Get("mobile")); ok {
			dups, err := u.openDuplicates(r.Context(), p, m, category, area)
			if err != nil {
				u.fail(w, r, p, err)
				return
			}
			if len(dups) > 0 {
				u.renderCall(w, r, p, f, dups, http.StatusOK)
				return
			}
		}
	}
	in := service.RegisterInput{Channel: "phone", Name: f.Get("name"), Mobile: f.Get("mobile"), Address: f.Get("address"),
		Language: f.Get("language"), CategoryID: category, AreaID: area, Description: f.Get("description"),
		OverrideLimit: f.Get("override") != "", OverrideReason: f.Get("override_reason"), IdempotencyKey: f.Get("idem")}
	res, err := u.svc.Register(r.Context(), p, in)
	if err != nil {
		if pm := f.refuse(l, err, registerFields...); pm != nil {
			_, code := problem(err)
			switch code {
			case "forbidden", "not_found", "internal", "unauthorized":
				u.fail(w, r, p, err)
				return
			}
			f.Errs["_form"] = pm
		}
		u.renderCall(w, r, p, f, nil, http.StatusUnprocessableEntity)
		return
	}
	redirect(w, r, "/agent/registered/"+res.Complaint.Ref)
}
