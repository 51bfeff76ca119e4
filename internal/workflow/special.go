package workflow

import (
	"slices"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// RequestSpecialClosure asks the supervisor post to close the complaint as a
// prohibited subject (DESIGN §3.7). validCodes is the configured list of
// reason codes; nil means model.SpecialClosureReasons.
func RequestSpecialClosure(c model.Complaint, actor Actor, cat model.Category, code string, validCodes []string, text string, now time.Time) (Result, error) {
	if !actor.Holds(c.AccountablePostID) {
		return Result{}, refuse(ErrForbidden, keyNotAccount)
	}
	if c.Status != model.StatusOpen {
		return Result{}, wrongStatus()
	}
	if !cat.SpecialClosureAllowed {
		return Result{}, refuse(ErrInvalidTransition, "special_closure_not_allowed")
	}
	if validCodes == nil {
		validCodes = model.SpecialClosureReasons
	}
	if code == "" || !slices.Contains(validCodes, code) {
		return Result{}, invalid("reason_code", "unknown_reason_code")
	}
	if blank(text) {
		return Result{}, required("text")
	}
	ch := newChange(c, actor, c.AccountablePostID, now)
	ch.c.Status = model.StatusSpecialClosurePending
	ch.c.SpecialClosureCode = code
	e := ch.event(model.EventSpecialClosureRequested)
	e.Note = text
	e.Payload = map[string]any{"reason_code": code}
	ch.add(e)
	return ch.result()
}

// DecideSpecialClosure is the supervisor post's answer to a request.
// supervisorPostID is the accountable post's supervisor (0: none, so nobody
// may decide and the request waits for escalation to void it). Approval files
// the request as the report — the citizen is still called — and rejection
// sends the complaint back to work with its clock unchanged.
func DecideSpecialClosure(c model.Complaint, actor Actor, supervisorPostID int64, approve bool, note string, now time.Time) (Result, error) {
	if !actor.Holds(supervisorPostID) {
		return Result{}, refuse(ErrForbidden, keyNotSupervisor)
	}
	if c.Status != model.StatusSpecialClosurePending {
		return Result{}, wrongStatus()
	}
	ch := newChange(c, actor, supervisorPostID, now)
	payload := map[string]any{"reason_code": c.SpecialClosureCode}
	if !approve {
		ch.c.Status = model.StatusOpen
		ch.c.SpecialClosureCode = ""
		e := ch.event(model.EventSpecialClosureRejected)
		e.Note, e.Payload = note, payload
		e.ToPostID = postPtr(c.AccountablePostID)
		ch.add(e)
		return ch.result()
	}
	ch.c.Status = model.StatusReported
	ch.c.SpecialClosure = true
	ch.c.ReportedAt = timePtr(ch.now)
	ch.c.FeedbackAttempts = 0
	e := ch.event(model.EventSpecialClosureApproved)
	e.Note, e.Payload = note, payload
	ch.add(e)
	ch.toCitizen(model.TmplReportFiled,
		ch.key("report", "special_closure", itoa(ch.c.ReopenCount)), nil)
	return ch.result()
}
