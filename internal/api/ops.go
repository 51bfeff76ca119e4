package api

import (
	"net/http"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/service"
)

// queueJSON is a queue's state on the live board.
type queueJSON struct {
	Waiting          int        `json:"waiting"`
	InCall           int        `json:"in_call"`
	Resting          int        `json:"resting"`
	OldestSince      *time.Time `json:"oldest_since"`
	OldestAgeSeconds int64      `json:"oldest_age_seconds"`
}

// agentJSON is one agent's row on the live board.
type agentJSON struct {
	UserID                int64      `json:"user_id"`
	Name                  string     `json:"name"`
	Username              string     `json:"username,omitempty"`
	Active                bool       `json:"active"`
	LastActivityAt        *time.Time `json:"last_activity_at"`
	Registered            int        `json:"registered"`
	FeedbackCalls         int        `json:"feedback_calls"`
	FollowupCalls         int        `json:"followup_calls"`
	TimedCalls            int        `json:"timed_calls"`
	MedianHandlingSeconds float64    `json:"median_handling_seconds"`
	AvgHandlingSeconds    float64    `json:"avg_handling_seconds"`
}

// liveJSON is the live board.
type liveJSON struct {
	Date                string               `json:"date"`
	Now                 time.Time            `json:"now"`
	RegistrationsByHour [24]int              `json:"registrations_by_hour"`
	RegistrationsToday  int                  `json:"registrations_today"`
	Queues              map[string]int       `json:"queues"`
	QueueDetails        map[string]queueJSON `json:"queue_details"`
	AgentsActive        int                  `json:"agents_active"`
	ActiveWindowMinutes int                  `json:"active_window_minutes"`
	Agents              []agentJSON          `json:"agents"`
	Totals              agentJSON            `json:"totals"`
}

func (s *Server) live(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	b, err := s.svc.Live(r.Context(), p)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, liveOut(b))
}

func liveOut(b service.LiveBoard) liveJSON {
	q := func(x service.QueueStatus) queueJSON {
		out := queueJSON{Waiting: x.Waiting, InCall: x.InCall, Resting: x.Resting, OldestAgeSeconds: int64(x.OldestAge.Seconds())}
		if x.OldestSince != nil {
			t := ist(*x.OldestSince)
			out.OldestSince = &t
		}
		return out
	}
	out := liveJSON{Date: b.Date, Now: ist(b.Now), RegistrationsByHour: b.RegistrationsByHour, RegistrationsToday: b.RegistrationsToday,
		Queues:       map[string]int{"feedback": b.Feedback.Waiting, "followup": b.Followup.Waiting, "reroute": b.Reroute.Waiting},
		QueueDetails: map[string]queueJSON{"feedback": q(b.Feedback), "followup": q(b.Followup), "reroute": q(b.Reroute)},
		AgentsActive: b.AgentsActive, ActiveWindowMinutes: int(b.ActiveWindow.Minutes()), Agents: make([]agentJSON, len(b.Agents)),
		Totals: agentOut(b.Totals)}
	for i, a := range b.Agents {
		out.Agents[i] = agentOut(a)
	}
	return out
}

func agentOut(a service.AgentFigures) agentJSON {
	out := agentJSON{UserID: a.UserID, Name: a.Name, Username: a.Username, Active: a.Active, Registered: a.Registered,
		FeedbackCalls: a.FeedbackCalls, FollowupCalls: a.FollowupCalls, TimedCalls: a.Timed,
		MedianHandlingSeconds: a.MedianHandling.Seconds(), AvgHandlingSeconds: a.MeanHandling.Seconds()}
	if a.LastActivity != nil {
		t := ist(*a.LastActivity)
		out.LastActivityAt = &t
	}
	return out
}
