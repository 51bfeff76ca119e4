package ui

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
)

// postData is one post: its escalation ladder, its posting history and the
// forms to edit it and to give it to an officer (a transfer).
type postData struct {
	Post     service.PostView
	Area     string
	Chain    []service.PostView
	Postings []postingView
	Pending  int
	Active   string
}

// postingView is one posting with the officer's name.
type postingView struct {
	model.Posting
	Officer model.Officer
}

// adminPost shows one post.
func (u *UI) adminPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_admin_post")
	v.Form = newForm(nil)
	v.Flash = doneFlash(v.L, "ui_done_", r.URL.Query().Get("done"))
	u.showPost(w, r, p, v, "", http.StatusOK)
}

func (u *UI) showPost(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *view, active string, status int) {
	ctx := r.Context()
	id := atoi64(r.PathValue("id"))
	post, err := u.svc.Post(ctx, p, id)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	d := postData{Post: post, Active: active}
	if _, path, err := u.placePath(ctx, p, v.L, post.AreaID); err == nil {
		d.Area = path
	}
	if d.Chain, err = u.svc.Chain(ctx, p, id); err != nil {
		u.fail(w, r, p, err)
		return
	}
	ps, err := u.svc.Postings(ctx, p, id)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	for _, x := range ps {
		pv := postingView{Posting: x}
		if o, _, err := u.svc.Officer(ctx, p, x.OfficerID); err == nil {
			pv.Officer = o
		}
		d.Postings = append(d.Postings, pv)
	}
	if n, err := u.svc.Store().PendingForPost(ctx, id); err == nil {
		d.Pending = n
	}
	if v.Form.Get("title_en") == "" && active != "edit" {
		v.Form.V.Set("title_en", post.TitleEn)
		v.Form.V.Set("title_hi", post.TitleHi)
		if post.SupervisorPostID != nil {
			v.Form.V.Set("supervisor_post_id", strconv.FormatInt(*post.SupervisorPostID, 10))
		}
	}
	v.D = d
	u.render(w, status, "admin_post", v)
}

// adminSavePost edits a post's titles and supervisor (its escalation chain).
func (u *UI) adminSavePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ctx := r.Context()
	f := postedForm(r)
	id := atoi64(r.PathValue("id"))
	cur, err := u.svc.Post(ctx, p, id)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	post := cur.Post
	post.TitleEn, post.TitleHi = f.Get("title_en"), f.Get("title_hi")
	post.SupervisorPostID = nil
	if sup := atoi64(f.Get("supervisor_post_id")); sup != 0 {
		post.SupervisorPostID = &sup
	}
	if err := u.svc.SavePost(ctx, p, &post); err != nil {
		v := u.newView(r, p, "ui_admin_post")
		v.Form = f
		if pm := f.refuse(v.L, err, "title_en", "title_hi", "supervisor_post_id"); pm != nil {
			v.Problem = pm
		}
		u.showPost(w, r, p, v, "edit", http.StatusUnprocessableEntity)
		return
	}
	redirect(w, r, "/admin/posts/"+strconv.FormatInt(id, 10)+"?done=post_saved")
}

// adminAssign gives the post to an officer — by username or officer number —
// ending the current posting: the transfer. The queue stays with the post.
func (u *UI) adminAssign(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ctx := r.Context()
	f := postedForm(r)
	id := atoi64(r.PathValue("id"))
	officer, err := u.officerRef(ctx, p, f.Get("officer"))
	if err == nil && officer == 0 && f.Get("vacate") == "" {
		err = &service.ValidationError{Fields: []service.FieldError{{Field: "officer", Code: "required", Key: "field_required"}}}
	}
	if err == nil {
		err = u.svc.AssignOfficer(ctx, p, id, officer)
	}
	if err != nil {
		v := u.newView(r, p, "ui_admin_post")
		v.Form = f
		if pm := f.refuse(v.L, err, "officer"); pm != nil {
			v.Problem = pm
		}
		u.showPost(w, r, p, v, "assign", http.StatusUnprocessableEntity)
		return
	}
	redirect(w, r, "/admin/posts/"+strconv.FormatInt(id, 10)+"?done=assigned")
}

// officerRef reads an officer given by number or by username.
func (u *UI) officerRef(ctx context.Context, p *auth.Principal, s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if id := atoi64(s); id != 0 {
		return id, nil
	}
	usr, _, err := u.svc.Store().UserByUsername(ctx, strings.ToLower(s))
	if err != nil || usr.OfficerID == nil {
		return 0, &service.ValidationError{Fields: []service.FieldError{{Field: "officer", Code: "not_found", Key: "field_not_found"}}}
	}
	return *usr.OfficerID, nil
}
