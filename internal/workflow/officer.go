package workflow

import (
	"slices"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// Mark lets the accountable officer send the complaint to a subordinate post
// for inquiry (DESIGN §3.4). subordinate is computed by the caller: postID
// lies below the accountable post. Accountability and the clock do not move.
func Mark(c model.Complaint, actor Actor, postID int64, subordinate bool, note string, now time.Time) (Result, error) {
	if !actor.Holds(c.AccountablePostID) {
		return Result{}, refuse(ErrForbidden, keyNotAccount)
	}
	if c.Status != model.StatusOpen {
		return Result{}, wrongStatus()
	}
	if postID == 0 || !subordinate {
		return Result{}, invalid("post_id", "not_subordinate")
	}
	ch := newChange(c, actor, c.AccountablePostID, now)
	ch.c.MarkedPostID = postPtr(postID)
	e := ch.event(model.EventMarked)
	e.FromPostID = postPtr(c.AccountablePostID)
	e.ToPostID = postPtr(postID)
	e.Note = note
	ch.add(e)
	return ch.result()
}

// Comment adds a note to the history: the marked officer's findings, the
// accountable officer's progress, a supervisor's remark.
func Comment(c model.Complaint, actor Actor, text string, now time.Time) (Result, error) {
	var post int64
	switch {
	case actor.Holds(c.AccountablePostID):
		post = c.AccountablePostID
	case c.MarkedPostID != nil && actor.Holds(*c.MarkedPostID):
		post = *c.MarkedPostID
	case actor.anyRole(model.RoleSupervisor, model.RoleAdmin):
	default:
		return Result{}, refuse(ErrForbidden, keyRole)
	}
	if c.Status == model.StatusClosed {
		return Result{}, wrongStatus()
	}
	if blank(text) {
		return Result{}, required("text")
	}
	ch := newChange(c, actor, post, now)
	e := ch.event(model.EventCommented)
	e.Note = text
	ch.add(e)
	return ch.result()
}

// Report files the accountable officer's action-taken report (DESIGN §3.5):
// the clock stops and the complaint waits for the feedback call. hash is the
// caller's content hash over the text and attachment hashes; re-filing an
// identical report (typically after a reopen) is refused.
func Report(c model.Complaint, actor Actor, text string, hash string, now time.Time) (Result, error) {
	if !actor.Holds(c.AccountablePostID) {
		return Result{}, refuse(ErrForbidden, keyNotAccount)
	}
	if c.Status != model.StatusOpen {
		return Result{}, wrongStatus()
	}
	if blank(text) {
		return Result{}, required("text")
	}
	if hash == "" {
		return Result{}, required("hash")
	}
	if slices.Contains(c.ReportHashes, hash) {
		return Result{}, refuse(ErrDuplicateReport, "duplicate_report")
	}
	ch := newChange(c, actor, c.AccountablePostID, now)
	ch.c.Status = model.StatusReported
	ch.c.ReportedAt = timePtr(ch.now)
	ch.c.FeedbackAttempts = 0
	ch.c.ReportHashes = append(ch.c.ReportHashes, hash)
	e := ch.event(model.EventReported)
	e.Note = text
	e.Payload = map[string]any{"hash": hash, "report_number": len(ch.c.ReportHashes)}
	ch.add(e)
	ch.toCitizen(model.TmplReportFiled, ch.key("report", itoa(len(ch.c.ReportHashes))), nil)
	return ch.result()
}
