package workflow

import (
	"slices"
	"strconv"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// change accumulates one action's outcome: the complaint as it becomes, and the
// events and messages that record it. Every action builds one and returns
// change.result().
type change struct {
	c      model.Complaint
	actor  Actor
	postID int64 // the post the actor acts for, 0 when not acting as an officer
	now    time.Time
	events []model.Event
	msgs   []model.Message
}

func newChange(c model.Complaint, actor Actor, postID int64, now time.Time) *change {
	now = now.UTC()
	c.UpdatedAt = now
	// The input complaint is the caller's; never write through its slices.
	c.ReportHashes = slices.Clone(c.ReportHashes)
	return &change{c: c, actor: actor, postID: postID, now: now}
}

// event returns an event of kind stamped with the actor, the time and the
// complaint's current level; the caller fills the rest and passes it to add.
func (ch *change) event(kind model.EventKind) model.Event {
	e := model.Event{
		ComplaintID: ch.c.ID,
		At:          ch.now,
		Kind:        kind,
		ActorName:   ch.actor.Name,
		ActorPostID: postPtr(ch.postID),
		Level:       ch.c.Level,
	}
	if ch.actor.UserID != 0 {
		id := ch.actor.UserID
		e.ActorUserID = &id
	}
	return e
}

func (ch *change) add(e model.Event) { ch.events = append(ch.events, e) }

// toCitizen queues an SMS to the complainant.
func (ch *change) toCitizen(tmpl, key string, vars map[string]string) {
	lang := ch.c.Complainant.Language
	if lang == "" {
		lang = "hi"
	}
	ch.queue(model.Recipient{Mobile: ch.c.Complainant.Mobile}, tmpl, lang, key, vars)
}

// toPost queues an SMS to whoever holds post when the message is sent.
// Officers' messages are in Hindi, the working language of the districts.
func (ch *change) toPost(post int64, tmpl, key string, vars map[string]string) {
	ch.queue(model.Recipient{PostID: post}, tmpl, "hi", key, vars)
}

func (ch *change) queue(to model.Recipient, tmpl, lang, key string, vars map[string]string) {
	v := map[string]string{"ref": ch.c.Ref}
	for k, x := range vars {
		v[k] = x
	}
	ch.msgs = append(ch.msgs, model.Message{
		To:        to,
		Template:  tmpl,
		Language:  lang,
		Vars:      v,
		DedupeKey: key,
		NextAt:    ch.now,
		CreatedAt: ch.now,
	})
	e := ch.event(model.EventSMSQueued)
	e.Payload = map[string]any{"template": tmpl, "dedupe_key": key}
	if to.PostID != 0 {
		e.Payload["recipient"] = "officer"
		e.Payload["post_id"] = to.PostID
		e.ToPostID = postPtr(to.PostID)
	} else {
		e.Payload["recipient"] = "citizen"
	}
	ch.add(e)
}

func (ch *change) result() (Result, error) {
	return Result{Complaint: ch.c, Events: ch.events, Messages: ch.msgs}, nil
}

// key builds a dedupe key: the reference, then the parts, colon separated.
func (ch *change) key(parts ...string) string {
	k := ch.c.Ref
	for _, p := range parts {
		k += ":" + p
	}
	return k
}

// round is the number of times the complaint has been sent back to the
// re-route desk. A re-route restarts the ladder at L0, so keys of ladder
// messages (assignment, escalation) carry it to stay unique.
func round(c model.Complaint) string { return "r" + strconv.Itoa(c.ReturnCount) }

func levelKey(l int) string { return "L" + strconv.Itoa(l) }

// addDays counts n calendar days in IST, where deadlines are understood.
func addDays(t time.Time, n int) time.Time {
	return t.In(IST).AddDate(0, 0, n).UTC()
}

// dueDate is how a deadline reads in an SMS.
func dueDate(t time.Time) string { return t.In(IST).Format("02-01-2006") }

// days returns the days allowed at level, reading a zero entry (an SLA ladder
// that was never filled in) as the default rather than as "due at once".
func days(sla [model.MaxLevel + 1]int, level int) int {
	if sla[level] > 0 {
		return sla[level]
	}
	return model.DefaultSLA[level]
}

func postPtr(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func intPtr(n int) *int { return &n }

// anyRole reports whether the actor holds one of roles.
func (a Actor) anyRole(roles ...model.Role) bool {
	for _, r := range roles {
		if a.Has(r) {
			return true
		}
	}
	return false
}

// ownMobile reports whether a citizen actor is the complainant.
func (a Actor) ownMobile(mobile string) bool {
	return a.Has(model.RoleCitizen) && a.Mobile != "" && a.Mobile == mobile
}

// Refusal keys shared by the actions (locale keys under "workflow.").
const (
	keyRole          = "role_not_allowed"
	keyNotAccount    = "not_accountable_officer"
	keyStatus        = "status_does_not_allow"
	keyRequired      = "required"
	keyNotOwnMobile  = "not_own_mobile"
	keyNotSupervisor = "not_supervisor_officer"
)

func wrongStatus() error { return refuse(ErrInvalidTransition, keyStatus) }

func required(field string) error { return invalid(field, keyRequired) }

func timePtr(t time.Time) *time.Time { return &t }

func itoa(n int) string { return strconv.Itoa(n) }
