package ui

import (
	"net/http"
	"strconv"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
)

// officersData is a page of officers.
type officersData struct {
	Items []model.Officer
	Next  int64
}

const officersPage = 100

// adminOfficers lists officers page by page, with a form to add one.
func (u *UI) adminOfficers(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_admin_officers")
	v.Form = newForm(nil)
	v.Flash = doneFlash(v.L, "ui_done_", r.URL.Query().Get("done"))
	u.showOfficers(w, r, p, v, http.StatusOK)
}

func (u *UI) showOfficers(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *view, status int) {
	items, err := u.svc.Officers(r.Context(), p, atoi64(r.URL.Query().Get("after")), officersPage)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	d := officersData{Items: items}
	if len(items) == officersPage {
		d.Next = items[len(items)-1].ID
	}
	v.D = d
	u.render(w, status, "admin_officers", v)
}

// adminCreateOfficer adds an officer with a sign-in.
func (u *UI) adminCreateOfficer(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	o, err := u.svc.CreateOfficer(r.Context(), p, service.NewOfficer{Name: f.Get("name"), Mobile: f.Get("mobile"),
		Username: f.Get("username"), Password: f.Get("password")})
	if err != nil {
		v := u.newView(r, p, "ui_admin_officers")
		f.V.Del("password")
		v.Form = f
		if pm := f.refuse(v.L, err, "name", "mobile", "username", "password"); pm != nil {
			v.Problem = pm
		}
		u.showOfficers(w, r, p, v, http.StatusUnprocessableEntity)
		return
	}
	redirect(w, r, "/admin/officers/"+strconv.FormatInt(o.ID, 10)+"?done=officer_created")
}

// officerData is one officer's posting history.
type officerData struct {
	Officer  model.Officer
	Postings []officerPosting
}

type officerPosting struct {
	model.Posting
	Title string
}

// adminOfficer shows an officer and every post they have held.
func (u *UI) adminOfficer(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ctx := r.Context()
	o, ps, err := u.svc.Officer(ctx, p, atoi64(r.PathValue("id")))
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	v := u.newView(r, p, "ui_admin_officer")
	v.Flash = doneFlash(v.L, "ui_done_", r.URL.Query().Get("done"))
	d := officerData{Officer: o}
	for _, x := range ps {
		op := officerPosting{Posting: x}
		if post, err := u.svc.Post(ctx, p, x.PostID); err == nil {
			op.Title = pick(v.L, post.TitleEn, post.TitleHi)
		}
		d.Postings = append(d.Postings, op)
	}
	v.D = d
	u.render(w, http.StatusOK, "admin_officer", v)
}
