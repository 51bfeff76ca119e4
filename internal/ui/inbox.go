package ui

import (
	"net/http"
	"strconv"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
)

// inboxLimit bounds one inbox page; a post's open queue is far shorter.
const inboxLimit = 500

// inboxData is an officer's queue with the filters applied.
type inboxData struct {
	Rows    []store.ComplaintRow
	Overdue int
	Levels  []int
}

// inbox lists the complaints of the posts the officer holds, earliest due
// first, overdue ones in red. Filters: status, level, overdue only.
func (u *UI) inbox(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_inbox_title")
	q := r.URL.Query()
	v.Form = newForm(q)
	var statuses []model.Status
	switch st := model.Status(q.Get("status")); st {
	case model.StatusOpen, model.StatusSpecialClosurePending, model.StatusReported, model.StatusReturned, model.StatusClosed:
		statuses = []model.Status{st}
	}
	rows, _, err := u.svc.Inbox(r.Context(), p, statuses, "", inboxLimit)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	level, levelErr := strconv.Atoi(q.Get("level"))
	d := inboxData{Levels: []int{0, 1, 2, 3, 4}}
	for _, c := range rows {
		late := isOverdue(c, v.Now)
		if (levelErr == nil && c.Level != level) || (q.Get("overdue") != "" && !late) {
			continue
		}
		if late {
			d.Overdue++
		}
		d.Rows = append(d.Rows, c)
	}
	v.D = d
	u.render(w, http.StatusOK, "inbox", v)
}

// decisions lists the special closures waiting for this officer's decision
// as supervisor post.
func (u *UI) decisions(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	rows, _, err := u.svc.SpecialClosureQueue(r.Context(), p, "", inboxLimit)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	v := u.newView(r, p, "ui_decisions_title")
	v.D = rows
	u.render(w, http.StatusOK, "decisions", v)
}
