package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

// feedbackData is the feedback desk: the complaint to call now with the
// report to read out, and the queue behind it.
type feedbackData struct {
	Next  *service.ComplaintDetail
	Queue []store.ComplaintRow
	Last  string // the reference just recorded
}

// feedbackQueue shows the next reported complaint to call, oldest report
// first, with one key per outcome.
func (u *UI) feedbackQueue(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	u.showFeedback(w, r, p, newForm(r.URL.Query()), http.StatusOK)
}

func (u *UI) showFeedback(w http.ResponseWriter, r *http.Request, p *auth.Principal, f *form, status int) {
	ctx := r.Context()
	v := u.newView(r, p, "ui_feedback_title")
	v.Form = f
	if m := f.Err("_form"); m != nil {
		v.Problem = m
	}
	q := r.URL.Query()
	d := feedbackData{Last: q.Get("last")}
	if d.Last != "" && q.Get("done") != "" {
		v.Flash = tr(v.L, "ui_outcome_saved_"+q.Get("done"))
	}
	rows, _, err := u.svc.FeedbackQueue(ctx, p, "", 20)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	d.Queue = rows
	ref := f.Get("ref")
	if ref == "" && len(rows) > 0 {
		ref = rows[0].Ref
	}
	if ref != "" {
		det, err := u.svc.Complaint(ctx, p, ref)
		if err != nil {
			u.fail(w, r, p, err)
			return
		}
		d.Next = &det
	}
	v.D = d
	u.render(w, status, "agent_feedback", v)
}

// feedback records the outcome of the call: 1 satisfied, 2 not satisfied
// (reopens one level up), 3 unreachable.
func (u *UI) feedback(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	ref := r.PathValue("ref")
	outcome := f.Get("outcome")
	if _, err := u.svc.Feedback(r.Context(), p, ref, outcome, f.Get("remarks")); err != nil {
		f.V.Set("ref", ref)
		if pm := f.refuse(lang(r), err, "remarks"); pm != nil {
			if st, _ := problem(err); st == http.StatusNotFound || st >= 500 {
				u.fail(w, r, p, err)
				return
			}
			f.Errs["_form"] = pm
		}
		u.showFeedback(w, r, p, f, http.StatusUnprocessableEntity)
		return
	}
	redirect(w, r, "/agent/feedback?done="+outcome+"&last="+ref)
}
