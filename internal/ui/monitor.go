package ui

import (
	"net/http"
	"strconv"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

// monitorData is a search over complaints within the monitor's area.
type monitorData struct {
	Rows []store.ComplaintRow
	Next string
	Area string // the monitor's own area
}

// monitor is the read-only search: by status, level, overdue, type and
// place; the service keeps it within the monitor's area.
func (u *UI) monitor(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_monitor_title")
	q := r.URL.Query()
	f := newForm(q)
	v.Form = f
	lf := service.ListFilter{CategoryID: atoi64(q.Get("category_id")), AreaID: atoi64(q.Get("area_id")),
		Cursor: q.Get("cursor"), Limit: 50}
	if st := q.Get("status"); st != "" {
		lf.Statuses = []model.Status{model.Status(st)}
	}
	if n, err := strconv.Atoi(q.Get("level")); err == nil {
		lf.Level = &n
	}
	if q.Get("overdue") != "" {
		t := true
		lf.Overdue = &t
	}
	d := monitorData{}
	if p.User.AreaID != nil {
		if a, _, err := u.svc.Area(r.Context(), p, *p.User.AreaID); err == nil {
			d.Area = pick(v.L, a.NameEn, a.NameHi)
		}
	}
	rows, next, err := u.svc.Complaints(r.Context(), p, lf)
	if err != nil {
		if pm := f.refuse(v.L, err, "area_id", "category_id"); pm != nil {
			v.Problem = pm
		}
	}
	d.Rows, d.Next = rows, next
	v.D = d
	u.render(w, http.StatusOK, "monitor", v)
}
