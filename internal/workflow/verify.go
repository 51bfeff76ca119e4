package workflow

import (
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// VerifyOutcome is what the citizen tells the supervisor who calls again about
// a closed complaint drawn into the verification sample.
type VerifyOutcome string

// Verification outcomes.
const (
	// VerifyConfirmed: the citizen confirms the closure (the problem was solved,
	// or the answer given was right).
	VerifyConfirmed VerifyOutcome = "confirmed"
	// VerifyMismatch: the closure does not match what the citizen says — the
	// problem was not solved.
	VerifyMismatch VerifyOutcome = "mismatch"
)

// Verify records the second call of the verification sample (the independent
// re-verification of closures that counters "technical disposal"). Only a
// call-centre supervisor (or an admin) verifies, and only a complaint closed
// on its merits — satisfied, unreachable, or a special closure. Confirmed adds
// a verification event and changes nothing else. A mismatch reopens the
// complaint exactly as a dissatisfied citizen does (DESIGN §3.6): one level up
// under the supervisor post, with a fresh window of that level's days; the
// closure is undone and a disputed special closure leaves the sample.
func Verify(c model.Complaint, actor Actor, outcome VerifyOutcome, remarks string, supervisorPostID int64, sla [model.MaxLevel + 1]int, now time.Time) (Result, error) {
	if !actor.anyRole(model.RoleSupervisor, model.RoleAdmin) {
		return Result{}, refuse(ErrForbidden, keyRole)
	}
	if c.Status != model.StatusClosed {
		return Result{}, wrongStatus()
	}
	switch c.ClosureReason {
	case model.ClosedSatisfied, model.ClosedUnreachable, model.ClosedSpecialClosure:
	default:
		return Result{}, refuse(ErrInvalidTransition, "closure_not_verifiable")
	}
	if outcome != VerifyConfirmed && outcome != VerifyMismatch {
		return Result{}, invalid("outcome", "unknown_verification_outcome")
	}
	if outcome == VerifyMismatch && blank(remarks) {
		return Result{}, required("remarks")
	}
	ch := newChange(c, actor, 0, now)
	e := ch.event(model.EventVerification)
	e.Note = remarks
	e.Payload = map[string]any{"outcome": string(outcome), "closure_reason": string(c.ClosureReason)}
	ch.add(e)
	if outcome == VerifyConfirmed {
		return ch.result()
	}
	ch.c.ClosureReason = ""
	ch.c.ClosedAt = nil
	ch.c.VerificationSample = false
	ch.reopen(supervisorPostID, sla)
	return ch.result()
}
