package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

func (s *Server) queueRoutes() {
	s.handle("POST /api/v1/feedback-queue/next", s.authed(s.nextFeedback))
	s.handle("GET /api/v1/followup-queue", s.authed(s.followupQueue))
	s.handle("POST /api/v1/followup-queue/next", s.authed(s.nextFollowup))
	s.handle("POST /api/v1/complaints/{ref}/followups", s.authed(s.idem.wrap(s.followup)))
	s.handle("GET /api/v1/ops/live", s.authed(s.live))
}

// callOfficerJSON is the officer to phone about a complaint.
type callOfficerJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Mobile   string `json:"mobile"`
	Username string `json:"username"`
}

func officerOut(o *model.Officer) *callOfficerJSON {
	if o == nil || o.ID == 0 {
		return nil
	}
	return &callOfficerJSON{ID: o.ID, Name: o.Name, Mobile: o.Mobile, Username: o.Username}
}

// leaseJSON says who holds an item of a queue.
type leaseJSON struct {
	AgentUserID int64     `json:"agent_user_id"`
	LeasedAt    time.Time `json:"leased_at"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// leasedJSON is an item taken from a queue: the complaint, the latest
// report (feedback calls) or the officer to phone (follow-up calls), and
// the lease.
type leasedJSON struct {
	complaintJSON
	Queue          string           `json:"queue"`
	LeasedAt       time.Time        `json:"leased_at"`
	LeaseExpiresAt time.Time        `json:"lease_expires_at"`
	Officer        *callOfficerJSON `json:"officer,omitempty"`
}

// followupItemJSON is a complaint of the follow-up queue.
type followupItemJSON struct {
	complaintJSON
	Officer *callOfficerJSON `json:"officer"`
	Lease   *leaseJSON       `json:"lease"`
}

func (s *Server) nextFeedback(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	l, err := s.svc.NextFeedbackCall(r.Context(), p)
	s.writeLeased(w, r, p, l, err)
}

func (s *Server) nextFollowup(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	days, ok := s.withinDays(w, r)
	if !ok {
		return
	}
	l, err := s.svc.NextFollowupCall(r.Context(), p, days)
	s.writeLeased(w, r, p, l, err)
}

func (s *Server) writeLeased(w http.ResponseWriter, r *http.Request, p *auth.Principal, l service.Leased, err error) {
	if errors.Is(err, service.ErrQueueEmpty) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	out := leasedJSON{complaintJSON: complaintOut(l.Complaint, p, s.svc.Now()), Queue: l.Queue, LeasedAt: ist(l.LeasedAt),
		LeaseExpiresAt: ist(l.ExpiresAt), Officer: officerOut(l.Officer)}
	if l.Report != nil {
		att := l.Report.Attachments
		if att == nil {
			att = []int64{}
		}
		out.Report = &reportJSON{Text: l.Report.Text, OfficerName: l.Report.OfficerName, PostID: l.Report.PostID, At: ist(l.Report.At),
			Attachments: att, Special: l.Report.Special}
	}
	writeJSON(w, http.StatusOK, out)
}

// withinDays reads the optional within_days parameter (0 when absent).
func (s *Server) withinDays(w http.ResponseWriter, r *http.Request) (int, bool) {
	v := r.URL.Query().Get("within_days")
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		s.invalid(w, r, "within_days", "invalid_number", nil)
		return 0, false
	}
	return n, true
}

func (s *Server) followupQueue(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	limit, ok := s.pageLimit(w, r)
	if !ok {
		return
	}
	days, ok := s.withinDays(w, r)
	if !ok {
		return
	}
	items, next, err := s.svc.FollowupQueue(r.Context(), p, days, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	now := s.svc.Now()
	out := make([]followupItemJSON, len(items))
	for i, it := range items {
		out[i] = followupItemJSON{complaintJSON: complaintOut(it.ComplaintRow, p, now), Officer: officerOut(&it.Officer)}
		if it.Lease != nil {
			out[i].Lease = &leaseJSON{AgentUserID: it.Lease.AgentUserID, LeasedAt: ist(it.Lease.LeasedAt), ExpiresAt: ist(it.Lease.Until)}
		}
	}
	var cur *string
	if next != "" {
		cur = &next
	}
	writeJSON(w, http.StatusOK, list[followupItemJSON]{Items: out, NextCursor: cur})
}

type followupIn struct {
	Outcome       string `json:"outcome"`
	CommittedDate string `json:"committed_date"`
	Remarks       string `json:"remarks"`
}

func (s *Server) followup(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	action(s, func(r *http.Request, p *auth.Principal, ref string, in followupIn) (store.ComplaintRow, error) {
		return s.svc.RecordFollowup(r.Context(), p, ref, service.FollowupRequest{Outcome: in.Outcome,
			CommittedDate: in.CommittedDate, Remarks: in.Remarks})
	})(w, r, p)
}
