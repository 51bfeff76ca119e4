package workflow

import (
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// Return sends the complaint to the re-route desk as not the accountable
// post's business (DESIGN §3.8). The post stays recorded as accountable so
// that the desk can reject the return.
func Return(c model.Complaint, actor Actor, reason string, now time.Time) (Result, error) {
	if !actor.Holds(c.AccountablePostID) {
		return Result{}, refuse(ErrForbidden, keyNotAccount)
	}
	if c.Status != model.StatusOpen {
		return Result{}, wrongStatus()
	}
	if blank(reason) {
		return Result{}, required("reason")
	}
	ch := newChange(c, actor, c.AccountablePostID, now)
	ch.c.Status = model.StatusReturned
	ch.c.ReturnCount++
	ch.c.MarkedPostID = nil
	e := ch.event(model.EventReturned)
	e.FromPostID = postPtr(c.AccountablePostID)
	e.Note = reason
	e.Payload = map[string]any{"reason": reason, "return_count": ch.c.ReturnCount}
	ch.add(e)
	return ch.result()
}

// Reroute is the desk's answer to a return (or to an unroutable complaint):
// a new category and place, a new L0 post, a fresh clock at level 0.
func Reroute(c model.Complaint, actor Actor, cat model.Category, areaID int64, route RouteDecision, note string, now time.Time) (Result, error) {
	if !actor.anyRole(model.RoleSupervisor, model.RoleAdmin) {
		return Result{}, refuse(ErrForbidden, keyRole)
	}
	if c.Status != model.StatusReturned {
		return Result{}, wrongStatus()
	}
	if route.PostID == 0 {
		return Result{}, invalid("area_id", "no_route")
	}
	ch := newChange(c, actor, 0, now)
	ch.c.Status = model.StatusOpen
	ch.c.Level = 0
	ch.c.CategoryID = cat.ID
	ch.c.DepartmentID = cat.DepartmentID
	ch.c.AreaID = areaID
	ch.c.AccountablePostID = route.PostID
	ch.c.MarkedPostID = nil
	ch.c.DueAt = addDays(ch.now, days(cat.SLADays, 0))
	ch.c.OverdueAtTop = false
	ch.c.SpecialClosure = false
	ch.c.SpecialClosureCode = ""
	e := ch.event(model.EventRerouted)
	e.FromPostID, e.ToPostID = postPtr(c.AccountablePostID), postPtr(route.PostID)
	e.FromLevel, e.ToLevel = intPtr(c.Level), intPtr(0)
	e.Note = note
	e.Payload = map[string]any{"how": route.How, "category_id": cat.ID, "area_id": areaID,
		"from_category_id": c.CategoryID, "from_area_id": c.AreaID}
	ch.add(e)
	ch.toPost(route.PostID, model.TmplAssigned, assignedKey(ch),
		map[string]string{"due_date": dueDate(ch.c.DueAt), "level": "0"})
	return ch.result()
}

// RejectReturn sends a returned complaint back to its post: the return was
// not justified, and the clock that kept running is unchanged.
func RejectReturn(c model.Complaint, actor Actor, note string, now time.Time) (Result, error) {
	if !actor.anyRole(model.RoleSupervisor, model.RoleAdmin) {
		return Result{}, refuse(ErrForbidden, keyRole)
	}
	if c.Status != model.StatusReturned {
		return Result{}, wrongStatus()
	}
	if c.AccountablePostID == 0 {
		return Result{}, refuse(ErrInvalidTransition, RouteUnroutable)
	}
	ch := newChange(c, actor, 0, now)
	ch.c.Status = model.StatusOpen
	e := ch.event(model.EventReturnRejected)
	e.ToPostID = postPtr(c.AccountablePostID)
	e.Note = note
	ch.add(e)
	return ch.result()
}

// MarkFalse closes a complaint as false (DESIGN §3.10). When block is set the
// caller_blocked event records it; the service writes the block itself.
func MarkFalse(c model.Complaint, actor Actor, reason string, block bool, now time.Time) (Result, error) {
	if !actor.anyRole(model.RoleSupervisor, model.RoleAdmin) {
		return Result{}, refuse(ErrForbidden, keyRole)
	}
	if c.Status == model.StatusClosed {
		return Result{}, wrongStatus()
	}
	if blank(reason) {
		return Result{}, required("reason")
	}
	ch := newChange(c, actor, 0, now)
	ch.close(model.ClosedFalse, reason)
	if block {
		e := ch.event(model.EventCallerBlocked)
		e.Note = reason
		e.Payload = map[string]any{"mobile": c.Complainant.Mobile, "reason": reason}
		ch.add(e)
	}
	return ch.result()
}

// close closes the complaint for why and writes the closed event.
func (ch *change) close(why model.ClosureReason, note string) {
	ch.c.Status = model.StatusClosed
	ch.c.ClosureReason = why
	ch.c.ClosedAt = timePtr(ch.now)
	e := ch.event(model.EventClosed)
	e.Note = note
	e.Payload = map[string]any{"closure_reason": string(why)}
	if why == model.ClosedFalse {
		e.Payload["reason"] = note
	}
	ch.add(e)
}
