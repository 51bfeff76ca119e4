package service

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// The call centre's leased queues. An agent asks for the next feedback call
// (a reported complaint, oldest report first) or the next follow-up call (an
// open complaint near its deadline, most urgent first); the item is leased to
// the agent for CallCentreConfig.Lease, during which no other agent is given
// it, on any node. Recording the outcome — through Feedback or
// RecordFollowup, the same save path as every change — releases the lease in
// the same transaction (callCentreHook) and logs the action with its
// handling time. A lease that runs out returns the item to the queue.

// ErrQueueEmpty: nothing in the queue is due a call now. The API answers 204.
var ErrQueueEmpty = errors.New("service: queue empty")

// ErrCallTaken: another agent took this call from the queue and is on it; an
// agent may not record its outcome meanwhile (409 conflict). Supervisors may.
var ErrCallTaken = errors.New("service: call taken by another agent")

// checkCallHolder refuses an agent's outcome for complaint id while another
// agent holds it in queue: two agents never phone the same person at once.
func checkCallHolder(ctx context.Context, tx *store.Tx, p *auth.Principal, queue string, id int64, now time.Time) error {
	if p.Has(model.RoleSupervisor) || p.Has(model.RoleAdmin) {
		return nil
	}
	l, err := tx.LeaseOf(ctx, queue, id, now)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if l.AgentUserID != 0 && l.AgentUserID != p.User.ID {
		return &workflow.Refusal{Kind: ErrCallTaken, Key: "call_taken"}
	}
	return nil
}

// CallCentreConfig holds the call centre's settings.
type CallCentreConfig struct {
	// Policy is the rhythm of outbound calls and reminders.
	Policy workflow.CallPolicy
	// Lease is how long a taken item stays with its agent. Default 5 minutes.
	Lease time.Duration
	// ActiveWindow: an agent counts as active on the live board with a live
	// session and an action or a taken item within it. Default 15 minutes.
	ActiveWindow time.Duration
	// MaxWithinDays caps the follow-up queue's look-ahead a caller may ask
	// for. Default 60.
	MaxWithinDays int
}

func (c CallCentreConfig) withDefaults() CallCentreConfig {
	c.Policy = c.Policy.WithDefaults()
	if c.Lease <= 0 {
		c.Lease = 5 * time.Minute
	}
	if c.ActiveWindow <= 0 {
		c.ActiveWindow = 15 * time.Minute
	}
	if c.MaxWithinDays <= 0 {
		c.MaxWithinDays = 60
	}
	return c
}

// SetCallCentre sets the call centre's settings (zero fields: defaults).
// Call it while wiring, before the service serves requests.
func (s *Service) SetCallCentre(c CallCentreConfig) { s.cc = c.withDefaults() }

// CallCentre returns the call centre's settings in force.
func (s *Service) CallCentre() CallCentreConfig { return s.cc }

// Leased is an item taken from a queue: the complaint, what the agent needs
// for the call, and the lease.
type Leased struct {
	Queue     string // store.QueueFeedback or store.QueueFollowup
	Complaint store.ComplaintRow
	// Report is the latest action-taken report (feedback calls), which the
	// agent reads out to the citizen.
	Report *store.Report
	// Officer holds the accountable post (follow-up calls); nil when vacant.
	Officer   *model.Officer
	LeasedAt  time.Time
	ExpiresAt time.Time
}

// NextFeedbackCall leases the next reported complaint due a feedback call
// to the agent, or answers ErrQueueEmpty.
func (s *Service) NextFeedbackCall(ctx context.Context, p *auth.Principal) (Leased, error) {
	return s.lease(ctx, p, store.QueueFeedback, 0)
}

// NextFollowupCall leases the next open complaint due within withinDays
// (default CallPolicy.FollowupDays) to the agent, or answers ErrQueueEmpty.
func (s *Service) NextFollowupCall(ctx context.Context, p *auth.Principal, withinDays int) (Leased, error) {
	return s.lease(ctx, p, store.QueueFollowup, withinDays)
}

func (s *Service) lease(ctx context.Context, p *auth.Principal, queue string, withinDays int) (Leased, error) {
	if err := require(p, model.RoleAgent, model.RoleSupervisor); err != nil {
		return Leased{}, err
	}
	cc := s.CallCentre()
	if err := checkWithin(withinDays, cc); err != nil {
		return Leased{}, err
	}
	now := s.clock.Now()
	req := store.LeaseRequest{Queue: queue, Agent: p.User.ID, Now: now, Until: now.Add(cc.Lease),
		DueBy: cc.Policy.FollowupDueBy(now, withinDays)}
	var l store.Lease
	take := func(from time.Time) error {
		req.From = from
		return s.st.Tx(ctx, func(tx *store.Tx) error {
			var err error
			l, err = tx.LeaseNext(ctx, req)
			return err
		})
	}
	h := queueHints(s, queue)
	from, fresh := h.start(s.cfg.SessionClock.Now(), now)
	err := take(from)
	if errors.Is(err, store.ErrNotFound) && !from.IsZero() {
		from, fresh = time.Time{}, true
		err = take(from)
	}
	if errors.Is(err, store.ErrNotFound) {
		return Leased{}, ErrQueueEmpty
	}
	if err != nil {
		return Leased{}, err
	}
	if fresh && !l.Key.IsZero() {
		h.set(l.Key, s.cfg.SessionClock.Now(), now)
	}
	out := Leased{Queue: queue, LeasedAt: l.LeasedAt, ExpiresAt: l.Until}
	if out.Complaint, err = s.st.ComplaintRowByID(ctx, l.ComplaintID); err != nil {
		return Leased{}, err
	}
	switch queue {
	case store.QueueFeedback:
		if r, err := s.st.LatestReport(ctx, l.ComplaintID); err == nil {
			out.Report = &r
		} else if !errors.Is(err, store.ErrNotFound) {
			return Leased{}, err
		}
	case store.QueueFollowup:
		if o, err := s.st.Holder(ctx, out.Complaint.AccountablePostID); err == nil {
			out.Officer = &o
		} else if !errors.Is(err, store.ErrNotFound) {
			return Leased{}, err
		}
	}
	return out, nil
}

func checkWithin(days int, cc CallCentreConfig) error {
	if days < 0 || days > cc.MaxWithinDays {
		return &ValidationError{Fields: []FieldError{{Field: "within_days", Code: "out_of_range", Key: "field_out_of_range",
			Data: map[string]any{"Min": 1, "Max": cc.MaxWithinDays}}}}
	}
	return nil
}

// FollowupQueue lists the open complaints due within withinDays (default
// CallPolicy.FollowupDays) and not resting after a call, most urgent first,
// each with the officer to phone and the lease an agent holds on it.
func (s *Service) FollowupQueue(ctx context.Context, p *auth.Principal, withinDays int, cursor string, limit int) ([]store.FollowupItem, string, error) {
	if err := require(p, model.RoleAgent, model.RoleSupervisor, model.RoleAdmin); err != nil {
		return nil, "", err
	}
	cc := s.CallCentre()
	if err := checkWithin(withinDays, cc); err != nil {
		return nil, "", err
	}
	if !store.ValidCursor(store.DueFirst, cursor) {
		return nil, "", &ValidationError{Fields: []FieldError{{Field: "cursor", Code: "invalid_cursor", Key: "field_invalid_cursor"}}}
	}
	if limit <= 0 {
		limit = 50
	}
	now := s.clock.Now()
	return s.st.FollowupQueue(ctx, store.FollowupFilter{Now: now, DueBy: cc.Policy.FollowupDueBy(now, withinDays), Cursor: cursor, Limit: limit})
}

// withCallCentre gives a new Service the default call-centre settings and
// registers the call centre's change hook.
func withCallCentre(s *Service) *Service {
	s.cc = CallCentreConfig{}.withDefaults()
	s.OnChange(s.callCentreHook)
	return s
}

// Where to start walking a queue. Items at the head of a queue that were
// called and rest (an officer who answered is not phoned again about the
// same deadline; an unanswered citizen is tried again hours later) would
// otherwise be stepped over by every agent who asks for the next item. So a
// node remembers, per queue, the sort key of the first item it found by a
// walk from the start, and for a short while starts there: what lies before
// it was taken or resting a moment ago. An item that becomes due again in
// front of that point (a rest or a lease running out) waits at most
// hintTTL; a walk from the hint that finds nothing walks again from the
// start, so an item is never reported missing.

// hintTTL is how long a walk's starting point is trusted.
const hintTTL = 30 * time.Second

type leaseHint struct {
	mu   sync.Mutex
	from time.Time // sort key to start at
	// when it was found, by the session clock (real even under a training
	// clock) and by the service's clock: a training clock moved by hours
	// makes rests end at once.
	at, now time.Time
}

// start returns where to start the walk, and true when it is from the start
// of the queue (so that the item found may become the new hint).
func (h *leaseHint) start(wall, now time.Time) (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if d := now.Sub(h.now); h.from.IsZero() || wall.Sub(h.at) > hintTTL || d < 0 || d > hintTTL {
		h.from = time.Time{}
		return time.Time{}, true
	}
	return h.from, false
}

func (h *leaseHint) set(key, wall, now time.Time) {
	h.mu.Lock()
	h.from, h.at, h.now = key, wall, now
	h.mu.Unlock()
}

func queueHints(s *Service, queue string) *leaseHint {
	v, _ := s.hints.LoadOrStore(queue, &leaseHint{})
	return v.(*leaseHint)
}
