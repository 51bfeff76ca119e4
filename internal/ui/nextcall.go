package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// queueCountCap bounds how far the console counts a queue: "50+" is all an
// agent needs to know.
const queueCountCap = 50

// heldCall is the call an agent holds: the complaint taken from a queue,
// what to read out or whom to phone, and when the lease runs out.
type heldCall struct {
	Queue   string // store.QueueFeedback or store.QueueFollowup
	C       store.ComplaintRow
	Report  *store.Report
	Officer *model.Officer
	Until   time.Time // zero when the page was re-shown after a refused outcome
}

// nextData is the "next call" console.
type nextData struct {
	Call *heldCall
	// Feedback and Followup count the items waiting in each queue, as
	// "50+" beyond queueCountCap.
	Feedback, Followup string
	Last               string // the reference just recorded
	Today              string // YYYY-MM-DD: the earliest date an officer may commit to
}

// nextCall is the agent's console for outbound calls: one button per queue;
// pressing it leases the next item to this agent.
func (u *UI) nextCall(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui2_next_title")
	q := r.URL.Query()
	v.Form = newForm(nil)
	switch done := q.Get("done"); done {
	case "":
	case "followup_committed", "followup_unreachable", "followup_disputed":
		v.Flash = tr(v.L, "ui2_next_saved_"+done)
	default:
		if res, ok := strings.CutPrefix(done, store.QueueFeedback+"_"); ok {
			v.Flash = outcomeFlash(v.L, "ui2_next_saved_feedback_", res, q.Get("level"))
		}
	}
	if e := q.Get("empty"); e == store.QueueFeedback || e == store.QueueFollowup {
		v.Problem = both(v.L, "ui2_next_empty_"+e, nil)
	}
	u.showNext(w, r, p, v, nil, q.Get("last"), http.StatusOK)
}

func (u *UI) showNext(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *view, call *heldCall, last string, status int) {
	ctx := r.Context()
	d := nextData{Call: call, Last: last, Today: workflow.Day(v.Now)}
	fb, _, err := u.svc.FeedbackQueue(ctx, p, "", queueCountCap+1)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	fu, _, err := u.svc.FollowupQueue(ctx, p, 0, "", queueCountCap+1)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	d.Feedback, d.Followup = capped(len(fb)), capped(len(fu))
	v.D = d
	u.render(w, status, "nextcall", v)
}

// takeNext leases the next item of the queue named in the path to the agent
// and shows it. The page is the answer to the POST: reloading it would take
// another item, so the browser asks first.
func (u *UI) takeNext(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	queue := r.PathValue("queue")
	var l service.Leased
	var err error
	switch queue {
	case store.QueueFeedback:
		l, err = u.svc.NextFeedbackCall(r.Context(), p)
	case store.QueueFollowup:
		l, err = u.svc.NextFollowupCall(r.Context(), p, 0)
	default:
		u.fail(w, r, p, store.ErrNotFound)
		return
	}
	if errors.Is(err, service.ErrQueueEmpty) {
		redirect(w, r, "/agent/next?empty="+queue)
		return
	}
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	v := u.newView(r, p, "ui2_next_title")
	v.Path = "/agent/next" // the language toggle must not come back with a GET to a POST
	v.Form = newForm(nil)
	if queue == store.QueueFollowup {
		v.Form.V.Set("committed_date", workflow.Day(l.Complaint.DueAt))
	}
	u.showNext(w, r, p, v, &heldCall{Queue: queue, C: l.Complaint, Report: l.Report, Officer: l.Officer, Until: l.ExpiresAt}, "", http.StatusOK)
}

// nextOutcome records the outcome of the call the agent holds: for a
// feedback call 1 satisfied, 2 not satisfied, 3 unreachable; for a
// follow-up call 1 committed (with a date), 2 unreachable, 3 disputed. The
// service ends the lease and logs the handling time.
func (u *UI) nextOutcome(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ctx := r.Context()
	f := postedForm(r)
	ref, queue, outcome := r.PathValue("ref"), r.PathValue("queue"), f.Get("outcome")
	var err error
	done := queue + "_" + outcome
	switch queue {
	case store.QueueFeedback:
		var row store.ComplaintRow
		row, err = u.svc.Feedback(ctx, p, ref, outcome, f.Get("remarks"))
		if err == nil {
			res, level := outcomeResult(row)
			done = queue + "_" + res + "&level=" + level
		}
	case store.QueueFollowup:
		in := service.FollowupRequest{Outcome: outcome, Remarks: f.Get("remarks")}
		if outcome == string(workflow.FollowupCommitted) {
			in.CommittedDate = f.Get("committed_date")
		}
		_, err = u.svc.RecordFollowup(ctx, p, ref, in)
	default:
		u.fail(w, r, p, store.ErrNotFound)
		return
	}
	if err == nil {
		redirect(w, r, "/agent/next?done="+done+"&last="+ref)
		return
	}
	if errors.Is(err, service.ErrCallTaken) {
		// Another agent is on this call: say so, and offer the queues.
		v := u.newView(r, p, "ui2_next_title")
		v.Path = "/agent/next"
		v.Form = newForm(nil)
		v.Problem = banner(v.L, err)
		u.showNext(w, r, p, v, nil, "", http.StatusConflict)
		return
	}
	// Refused (a dispute without remarks, a date in the past): show the same
	// call again with the message beside its field.
	l := lang(r)
	pm := f.refuse(l, err, "remarks", "committed_date")
	if st, _ := problem(err); st == http.StatusNotFound || st >= 500 || st == http.StatusForbidden {
		u.fail(w, r, p, err)
		return
	}
	det, derr := u.svc.Complaint(ctx, p, ref)
	if derr != nil {
		u.fail(w, r, p, derr)
		return
	}
	call := &heldCall{Queue: queue, C: det.ComplaintRow, Report: det.Report}
	if queue == store.QueueFollowup {
		if o, err := u.svc.Store().Holder(ctx, det.AccountablePostID); err == nil {
			call.Officer = &o
		}
	}
	if t, perr := time.Parse(time.RFC3339, f.Get("until")); perr == nil {
		call.Until = t
	}
	v := u.newView(r, p, "ui2_next_title")
	v.Path = "/agent/next"
	v.Form = f
	v.Problem = pm
	u.showNext(w, r, p, v, call, "", http.StatusUnprocessableEntity)
}

// capped writes a queue length, "50+" beyond queueCountCap.
func capped(n int) string {
	if n > queueCountCap {
		return strconv.Itoa(queueCountCap) + "+"
	}
	return strconv.Itoa(n)
}
