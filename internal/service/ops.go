package service

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// LiveBoard is the supervisor's live board: today's figures of the call
// centre (the IST calendar day of Now). Every number is read from indexed
// queries over today's action log and the queues' indexes, never by
// scanning the complaints.
type LiveBoard struct {
	Now  time.Time
	Date string // YYYY-MM-DD, IST
	// RegistrationsByHour counts today's registrations, all channels, by
	// IST hour 00..23; RegistrationsToday is their sum.
	RegistrationsByHour [24]int
	RegistrationsToday  int
	Feedback            QueueStatus
	Followup            QueueStatus
	Reroute             QueueStatus
	// AgentsActive counts call-centre users signed in now with an action or a
	// taken item within ActiveWindow.
	AgentsActive int
	ActiveWindow time.Duration
	// Agents lists every call-centre user who worked today or is active, by
	// name; Totals sums them.
	Agents []AgentFigures
	Totals AgentFigures
}

// QueueStatus is a queue's state now.
type QueueStatus struct {
	// Waiting items are due a call and taken by nobody.
	Waiting int
	// InCall items are leased to an agent now; Resting ones wait to be tried
	// again after an unanswered call (or, for follow-ups, after an answer).
	InCall, Resting int
	// OldestSince is when the longest-waiting item joined the queue (its
	// report, the start of its follow-up window, its return to the desk);
	// OldestAge is how long ago. Nil and zero when nothing waits.
	OldestSince *time.Time
	OldestAge   time.Duration
}

// AgentFigures are one agent's numbers today.
type AgentFigures struct {
	UserID        int64
	Name          string
	Username      string
	Active        bool
	LastActivity  *time.Time
	Registered    int
	FeedbackCalls int
	FollowupCalls int
	// Timed counts the calls taken from a queue and closed by the same
	// agent, whose handling times give the median and mean.
	Timed          int
	MedianHandling time.Duration
	MeanHandling   time.Duration
}

// Live returns the live board (supervisor, monitor, admin). The call centre
// serves the whole state, so a monitor of any area sees the same figures.
func (s *Service) Live(ctx context.Context, p *auth.Principal) (LiveBoard, error) {
	if err := require(p, model.RoleSupervisor, model.RoleMonitor, model.RoleAdmin); err != nil {
		return LiveBoard{}, err
	}
	cc := s.CallCentre()
	now := s.clock.Now()
	start, end := workflow.DayBounds(now)
	b := LiveBoard{Now: now, Date: workflow.Day(now), ActiveWindow: cc.ActiveWindow}
	var err error
	if b.RegistrationsByHour, err = s.st.RegistrationsByHour(ctx, start); err != nil {
		return b, err
	}
	for _, n := range b.RegistrationsByHour {
		b.RegistrationsToday += n
	}
	within := time.Duration(cc.Policy.FollowupDays) * 24 * time.Hour
	dueBy := cc.Policy.FollowupDueBy(now, 0)
	for _, q := range []struct {
		name  string
		into  *QueueStatus
		shift time.Duration // from the queue's sort key to when an item joins
	}{{store.QueueFeedback, &b.Feedback, 0}, {store.QueueFollowup, &b.Followup, -within}, {"reroute", &b.Reroute, 0}} {
		f, err := s.st.QueueFigures(ctx, q.name, now, dueBy)
		if err != nil {
			return b, err
		}
		*q.into = QueueStatus{Waiting: f.Waiting, InCall: f.InCall, Resting: f.Resting}
		if f.Oldest != nil {
			since := f.Oldest.Add(q.shift)
			q.into.OldestSince, q.into.OldestAge = &since, max(now.Sub(since), 0)
		}
	}

	counts, err := s.st.ActionCounts(ctx, start, end)
	if err != nil {
		return b, err
	}
	handling, err := s.st.HandlingTimes(ctx, start, end)
	if err != nil {
		return b, err
	}
	active, err := s.st.LastActivity(ctx, now.Add(-cc.ActiveWindow), s.cfg.SessionClock.Now())
	if err != nil {
		return b, err
	}
	ids := map[int64]bool{}
	for _, c := range counts {
		ids[c.UserID] = true
	}
	for u := range active {
		ids[u] = true
	}
	list := make([]int64, 0, len(ids))
	for id := range ids {
		if id != 0 {
			list = append(list, id)
		}
	}
	users, err := s.st.UsersByID(ctx, list)
	if err != nil {
		return b, err
	}
	byUser := map[int64]*AgentFigures{}
	for id, u := range users {
		if !u.HasRole(model.RoleAgent) && !u.HasRole(model.RoleSupervisor) {
			continue // citizens' own registrations count by the hour only
		}
		a := &AgentFigures{UserID: id, Name: u.Name, Username: u.Username}
		if t, ok := active[id]; ok {
			a.Active, a.LastActivity = true, &t
			b.AgentsActive++
		}
		byUser[id] = a
	}
	for _, c := range counts {
		a := byUser[c.UserID]
		if a == nil {
			continue
		}
		switch c.Kind {
		case store.ActionRegistered:
			a.Registered += c.Count
		case store.ActionFeedback:
			a.FeedbackCalls += c.Count
		case store.ActionFollowup:
			a.FollowupCalls += c.Count
		}
	}
	var all []time.Duration
	for id, a := range byUser {
		hs := handling[id]
		a.Timed, a.MedianHandling, a.MeanHandling = len(hs), median(hs), mean(hs)
		all = append(all, hs...)
		b.Agents = append(b.Agents, *a)
		b.Totals.Registered += a.Registered
		b.Totals.FeedbackCalls += a.FeedbackCalls
		b.Totals.FollowupCalls += a.FollowupCalls
	}
	b.Totals.Timed, b.Totals.MedianHandling, b.Totals.MeanHandling = len(all), median(all), mean(all)
	sort.Slice(b.Agents, func(i, j int) bool {
		if b.Agents[i].Name != b.Agents[j].Name {
			return b.Agents[i].Name < b.Agents[j].Name
		}
		return b.Agents[i].UserID < b.Agents[j].UserID
	})
	if b.Agents == nil {
		b.Agents = []AgentFigures{}
	}
	return b, nil
}

// median is the middle value (the mean of the two middle ones for an even
// count); 0 for none.
func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

func mean(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return sum / time.Duration(len(d))
}
