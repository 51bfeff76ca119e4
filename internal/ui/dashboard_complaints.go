package ui

import (
	"net/http"
	"strconv"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

// drillData lists the complaints behind a ranking row.
type drillData struct {
	Post   string
	PostID int64
	Status string
	Rows   []store.ComplaintRow
	Next   string
}

// dashboardComplaints lists one post's complaints (the ranking's drill-down
// from a post), newest first, within the caller's scope.
func (u *UI) dashboardComplaints(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ctx := r.Context()
	v := u.newView(r, p, "ui2_drill_title")
	q := r.URL.Query()
	d := drillData{PostID: atoi64(q.Get("post_id")), Status: q.Get("status")}
	lf := service.ListFilter{PostID: d.PostID, AreaID: atoi64(q.Get("area_id")), Cursor: q.Get("cursor"), Limit: 50}
	if d.Status != "" {
		lf.Statuses = []model.Status{model.Status(d.Status)}
	}
	rows, next, err := u.svc.Complaints(ctx, p, lf)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	d.Rows, d.Next = rows, next
	if d.PostID != 0 {
		if post, err := u.svc.Store().Post(ctx, d.PostID); err == nil {
			d.Post = pick(v.L, post.TitleEn, post.TitleHi)
		} else {
			d.Post = "#" + strconv.FormatInt(d.PostID, 10)
		}
	}
	v.D = d
	u.render(w, http.StatusOK, "dashboard_complaints", v)
}
