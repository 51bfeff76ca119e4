package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/service"
)

// myComplaints lists the signed-in citizen's own complaints (the service
// scopes the list to their verified mobile).
func (u *UI) myComplaints(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	rows, _, err := u.svc.Complaints(r.Context(), p, service.ListFilter{Limit: 100})
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	v := u.newView(r, p, "ui_my_title")
	v.D = rows
	u.render(w, http.StatusOK, "my", v)
}

// citizenNew is the citizen's registration form: the same pickers as the
// agent's, for their own mobile.
func (u *UI) citizenNew(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_new_complaint")
	f := newForm(nil)
	// A citizen's account is created with their mobile number for a name:
	// that is no name to put on a complaint.
	if _, isMobile := service.NormalizeMobile(p.User.Name); !isMobile && p.User.Name != p.User.Mobile {
		f.V.Set("name", p.User.Name)
	}
	f.V.Set("language", v.L)
	f.V.Set("idem", randomKey())
	v.Form = f
	u.render(w, http.StatusOK, "citizen_new", v)
}

// citizenRegister saves the citizen's complaint through the portal channel.
func (u *UI) citizenRegister(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	res, err := u.svc.Register(r.Context(), p, service.RegisterInput{Channel: "portal", Name: f.Get("name"), Mobile: p.User.Mobile,
		Address: f.Get("address"), Language: f.Get("language"), CategoryID: atoi64(f.Get("category_id")),
		AreaID: atoi64(f.Get("area_id")), Description: f.Get("description"), IdempotencyKey: f.Get("idem")})
	if err != nil {
		v := u.newView(r, p, "ui_new_complaint")
		v.Form = f
		if pm := f.refuse(v.L, err, registerFields...); pm != nil {
			v.Problem = pm
		}
		status, _ := problem(err)
		u.render(w, status, "citizen_new", v)
		return
	}
	redirect(w, r, "/c/"+res.Complaint.Ref+"?done=registered")
}
