package ui

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/locale"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

// feedbackData is the feedback desk: the call this agent holds, with the
// report to read out, and the queue behind it.
type feedbackData struct {
	Next  *heldCall
	Queue []store.ComplaintRow
	Last  string // the reference just recorded
}

// feedbackQueue shows the reported complaint this agent is to call now,
// leased to them as /agent/next leases it, so that no two agents see and
// dial the same citizen; the queue is listed below.
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
	if d.Last != "" {
		v.Flash = outcomeFlash(v.L, "ui_outcome_saved_", q.Get("done"), q.Get("level"))
	}
	rows, _, err := u.svc.FeedbackQueue(ctx, p, "", 20)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	d.Queue = rows
	// A complaint asked for by reference (the complaint page's link, or the
	// page re-shown after a refused outcome) is shown unless another agent
	// holds its call; anything else is the agent's own leased call.
	if ref := f.Get("ref"); ref != "" {
		det, err := u.svc.Complaint(ctx, p, ref)
		if err != nil {
			u.fail(w, r, p, err)
			return
		}
		if det.Status == model.StatusReported && !u.heldByOther(r, p, det.ID) {
			d.Next = &heldCall{Queue: store.QueueFeedback, C: det.ComplaintRow, Report: det.Report}
		} else if det.Status == model.StatusReported && v.Problem == nil {
			v.Problem = both(v.L, "refusal_call_taken", nil)
		}
	}
	if d.Next == nil {
		l, err := u.svc.NextFeedbackCall(ctx, p)
		switch {
		case errors.Is(err, service.ErrQueueEmpty):
		case err != nil:
			u.fail(w, r, p, err)
			return
		default:
			d.Next = &heldCall{Queue: store.QueueFeedback, C: l.Complaint, Report: l.Report, Until: l.ExpiresAt}
		}
	}
	v.D = d
	u.render(w, status, "agent_feedback", v)
}

// heldByOther reports whether another agent holds the feedback call on
// complaint id now. Supervisors may act on any call.
func (u *UI) heldByOther(r *http.Request, p *auth.Principal, id int64) bool {
	if p.Any(model.RoleSupervisor, model.RoleAdmin) {
		return false
	}
	l, err := u.svc.Store().LeaseOf(r.Context(), store.QueueFeedback, id, u.svc.Now())
	return err == nil && l.AgentUserID != 0 && l.AgentUserID != p.User.ID
}

// feedback records the outcome of the call: 1 satisfied, 2 not satisfied
// (reopens one level up, or closes a special closure), 3 unreachable.
func (u *UI) feedback(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	ref := r.PathValue("ref")
	row, err := u.svc.Feedback(r.Context(), p, ref, f.Get("outcome"), f.Get("remarks"))
	if err != nil {
		f.V.Set("ref", ref)
		status := http.StatusUnprocessableEntity
		if pm := f.refuse(lang(r), err, "remarks"); pm != nil {
			st, _ := problem(err)
			if st == http.StatusNotFound || st >= 500 {
				u.fail(w, r, p, err)
				return
			}
			f.Errs["_form"] = pm
			if errors.Is(err, service.ErrCallTaken) {
				// Not this agent's call: show the refusal and their own.
				f.V.Del("ref")
				status = st
			}
		}
		u.showFeedback(w, r, p, f, status)
		return
	}
	done, level := outcomeResult(row)
	redirect(w, r, "/agent/feedback?done="+done+"&level="+level+"&last="+ref)
}

// outcomeResult names what a recorded feedback outcome did to the
// complaint, read from its resulting state rather than from the outcome
// pressed: "not satisfied" closes a special closure instead of reopening it,
// and the last unreachable attempt closes the complaint. The level is where
// a reopened complaint now stands.
func outcomeResult(c store.ComplaintRow) (done, level string) {
	switch {
	case c.Status == model.StatusClosed && c.ClosureReason == model.ClosedSatisfied:
		return "satisfied", ""
	case c.Status == model.StatusClosed && c.ClosureReason == model.ClosedSpecialClosure:
		return "special_closure", ""
	case c.Status == model.StatusClosed && c.ClosureReason == model.ClosedUnreachable:
		return "closed_unreachable", ""
	case c.Status == model.StatusClosed:
		return "closed", ""
	case c.Status == model.StatusReported:
		return "unreachable", ""
	default:
		return "reopened", strconv.Itoa(c.Level)
	}
}

// outcomeResults are the results outcomeResult names; any other value of
// ?done= is ignored rather than shown as a key.
var outcomeResults = map[string]bool{"satisfied": true, "special_closure": true, "closed_unreachable": true,
	"closed": true, "unreachable": true, "reopened": true}

// outcomeFlash is the message for a recorded feedback outcome (prefix is
// the page's key family), or "" for an unknown result.
func outcomeFlash(l, prefix, done, level string) string {
	if !outcomeResults[done] {
		return ""
	}
	n, err := strconv.Atoi(level)
	if err != nil || n < 0 || n > model.MaxLevel {
		n = -1
	}
	if done == "reopened" && n >= 0 {
		return locale.T(l, prefix+"reopened_at", map[string]any{"Level": "L" + strconv.Itoa(n)})
	}
	return tr(l, prefix+done)
}
