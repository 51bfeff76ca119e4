package workflow

import (
	"slices"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// RegisterInput is a new complaint as typed by an agent or a citizen, with
// what the service looked up for it: the route, whether the mobile is blocked
// and how many complaints it already filed this month.
type RegisterInput struct {
	Ref         string
	Channel     string
	Complainant model.Complainant
	Category    model.Category
	AreaID      int64
	Description string
	Route       RouteDecision
	// Blocked: the mobile is blocked now.
	Blocked bool
	// MonthCount is the number of complaints of this mobile registered this
	// calendar month (IST), before this one; see Policy.MonthBounds.
	MonthCount     int
	Override       bool
	OverrideReason string
}

// Register opens a complaint (DESIGN §3.1) and routes it to its L0 post. An
// unroutable complaint is still registered — the citizen gets a reference —
// but lands at the re-route desk as returned.
func Register(in RegisterInput, actor Actor, p Policy, now time.Time) (Result, error) {
	p = p.withDefaults()
	if !actor.anyRole(model.RoleAgent, model.RoleSupervisor, model.RoleAdmin) &&
		!actor.ownMobile(in.Complainant.Mobile) {
		return Result{}, refuse(ErrForbidden, keyRole)
	}
	if !slices.Contains(model.Channels, in.Channel) {
		return Result{}, invalid("channel", "unknown_channel")
	}
	if in.Blocked {
		return Result{}, refuse(ErrCallerBlocked, "caller_blocked")
	}
	overridden := false
	if in.MonthCount >= p.MonthlyLimit {
		if !in.Override {
			return Result{}, refuse(ErrMonthlyLimit, "monthly_limit_reached")
		}
		if !actor.anyRole(model.RoleSupervisor, model.RoleAdmin) {
			return Result{}, refuse(ErrForbidden, "override_not_allowed")
		}
		if blank(in.OverrideReason) {
			return Result{}, required("override_reason")
		}
		overridden = true
	}

	cp := in.Complainant
	if cp.Language == "" {
		cp.Language = "hi"
	}
	now = now.UTC()
	c := model.Complaint{
		Ref:               in.Ref,
		Channel:           in.Channel,
		Complainant:       cp,
		CategoryID:        in.Category.ID,
		DepartmentID:      in.Category.DepartmentID,
		AreaID:            in.AreaID,
		Description:       in.Description,
		Status:            model.StatusOpen,
		Level:             0,
		AccountablePostID: in.Route.PostID,
		DueAt:             addDays(now, days(in.Category.SLADays, 0)),
		RegisteredAt:      now,
	}
	ch := newChange(c, actor, 0, now)

	reg := ch.event(model.EventRegistered)
	reg.Payload = map[string]any{"channel": in.Channel}
	if overridden {
		reg.Payload["override_reason"] = in.OverrideReason
		reg.Payload["month_count"] = in.MonthCount
	}
	reg.ToLevel = intPtr(0)
	ch.add(reg)

	due := dueDate(ch.c.DueAt)
	if in.Route.PostID == 0 {
		// Routing never fails silently: the desk sees it among the returned.
		ch.c.Status = model.StatusReturned
		ret := ch.event(model.EventReturned)
		ret.Note = RouteUnroutable
		ret.Payload = map[string]any{"reason": RouteUnroutable, "how": RouteUnroutable}
		ch.add(ret)
		ch.toCitizen(model.TmplRegistered, ch.key("registered"), map[string]string{"due_date": due})
		return ch.result()
	}

	routed := ch.event(model.EventRouted)
	routed.ToPostID = postPtr(in.Route.PostID)
	routed.ToLevel = intPtr(0)
	routed.Payload = map[string]any{"how": in.Route.How}
	ch.add(routed)
	ch.toCitizen(model.TmplRegistered, ch.key("registered"), map[string]string{"due_date": due})
	ch.toPost(in.Route.PostID, model.TmplAssigned, assignedKey(ch),
		map[string]string{"due_date": due, "level": "0"})
	return ch.result()
}

// assignedKey is the dedupe key of the SMS telling a post it has a new
// complaint; a re-route to the same post after a return is a new message.
func assignedKey(ch *change) string {
	return ch.key("assigned", itoa64(ch.c.AccountablePostID), round(ch.c))
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }
