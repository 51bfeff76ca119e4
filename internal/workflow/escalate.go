package workflow

import (
	"fmt"
	"strconv"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// ErrNotDue: Escalate found nothing to do — the deadline has not passed, or
// the complaint already sits overdue at the top and was reported as such. It
// wraps ErrInvalidTransition; the escalator skips it silently.
var ErrNotDue = fmt.Errorf("not_due: %w", ErrInvalidTransition)

// Escalate climbs every level whose deadline has passed (a late sweep catches
// up level by level). chain[0] is the accountable post, chain[1] its
// supervisor, … (as far as the ladder goes). Each new due date is the previous
// due date plus the new level's days, so a late sweep extends nobody's time.
// At the top of the ladder a passed deadline yields one overdue_at_top event.
func Escalate(c model.Complaint, chain []int64, sla [model.MaxLevel + 1]int, now time.Time) (Result, error) {
	if c.Status != model.StatusOpen && c.Status != model.StatusSpecialClosurePending {
		return Result{}, wrongStatus()
	}
	if len(chain) > 0 && chain[0] != c.AccountablePostID {
		return Result{}, refuse(ErrInvalidTransition, "chain_mismatch")
	}
	ch := newChange(c, System(), 0, now)
	now = ch.now
	for i := 0; !ch.c.DueAt.After(now) && ch.c.Level < model.MaxLevel &&
		i+1 < len(chain) && chain[i+1] != 0; i++ {
		ch.climb(chain[i+1], sla)
	}
	if !ch.c.DueAt.After(now) && !ch.c.OverdueAtTop {
		ch.c.OverdueAtTop = true
		e := ch.event(model.EventOverdueAtTop)
		e.Payload = map[string]any{"due_at": ch.c.DueAt.Format(time.RFC3339), "defaulter_post_id": ch.c.AccountablePostID}
		e.FromPostID = postPtr(ch.c.AccountablePostID)
		ch.add(e)
	}
	if len(ch.events) == 0 {
		return Result{}, refuse(ErrNotDue, "not_due")
	}
	return ch.result()
}

// climb moves the complaint one level up to post.
func (ch *change) climb(post int64, sla [model.MaxLevel + 1]int) {
	from, fromLevel := ch.c.AccountablePostID, ch.c.Level
	voided := ch.c.Status == model.StatusSpecialClosurePending
	ch.c.Level++
	ch.c.AccountablePostID = post
	ch.c.DueAt = addDays(ch.c.DueAt, days(sla, ch.c.Level))
	ch.c.Status = model.StatusOpen
	ch.c.SpecialClosureCode = ""
	ch.c.MarkedPostID = nil
	ch.c.OverdueAtTop = false

	e := ch.event(model.EventEscalated)
	e.FromLevel, e.ToLevel = intPtr(fromLevel), intPtr(ch.c.Level)
	e.FromPostID, e.ToPostID = postPtr(from), postPtr(post)
	e.Payload = map[string]any{"defaulter_post_id": from}
	if voided {
		e.Payload["special_closure_voided"] = true
	}
	ch.add(e)

	lvl := strconv.Itoa(ch.c.Level)
	ch.toPost(post, model.TmplEscalated, ch.key("escalated", levelKey(ch.c.Level), round(ch.c)),
		map[string]string{"level": lvl, "due_date": dueDate(ch.c.DueAt)})
	ch.toPost(from, model.TmplDefaulter, ch.key("defaulter", levelKey(ch.c.Level), round(ch.c)),
		map[string]string{"level": lvl, "from_level": strconv.Itoa(fromLevel)})
}
