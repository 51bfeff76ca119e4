package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

func (s *Server) complaintRoutes() {
	s.handle("POST /api/v1/complaints", s.authed(s.createComplaint))
	s.handle("GET /api/v1/complaints", s.authed(s.listComplaints))
	s.handle("GET /api/v1/complaints/{ref}", s.authed(s.getComplaint))
	s.handle("GET /api/v1/inbox", s.authed(s.inbox))
	s.handle("GET /api/v1/feedback-queue", s.authed(s.feedbackQueue))
	s.handle("GET /api/v1/reroute-desk", s.authed(s.rerouteDesk))
	s.handle("GET /api/v1/special-closure-queue", s.authed(s.specialClosureQueue))
	s.handle("POST /api/v1/complaints/{ref}/mark", s.authed(s.mark))
	s.handle("POST /api/v1/complaints/{ref}/comments", s.authed(s.idem.wrap(s.comment)))
	s.handle("POST /api/v1/complaints/{ref}/report", s.authed(s.report))
	s.handle("POST /api/v1/complaints/{ref}/special-closure", s.authed(s.specialClosure))
	s.handle("POST /api/v1/complaints/{ref}/special-closure/decision", s.authed(s.specialClosureDecision))
	s.handle("POST /api/v1/complaints/{ref}/return", s.authed(s.returnComplaint))
	s.handle("POST /api/v1/complaints/{ref}/reroute", s.authed(s.reroute))
	s.handle("POST /api/v1/complaints/{ref}/feedback", s.authed(s.idem.wrap(s.feedback)))
	s.handle("POST /api/v1/complaints/{ref}/reminders", s.authed(s.idem.wrap(s.reminder)))
	s.handle("POST /api/v1/complaints/{ref}/false", s.authed(s.markFalse))
	s.handle("GET /api/v1/callers/{mobile}", s.authed(s.caller))
	s.handle("GET /api/v1/blocked-numbers", s.authed(s.listBlocked))
	s.handle("POST /api/v1/blocked-numbers", s.authed(s.block))
	s.handle("DELETE /api/v1/blocked-numbers/{mobile}", s.authed(s.unblock))
	s.handle("POST /api/v1/attachments", s.authed(s.upload))
}

func (s *Server) createComplaint(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Channel     string `json:"channel"`
		Complainant struct {
			Name     string `json:"name"`
			Mobile   string `json:"mobile"`
			Address  string `json:"address"`
			Language string `json:"language"`
		} `json:"complainant"`
		CategoryID     int64   `json:"category_id"`
		AreaID         int64   `json:"area_id"`
		Description    string  `json:"description"`
		AttachmentIDs  []int64 `json:"attachment_ids"`
		OverrideLimit  bool    `json:"override_limit"`
		OverrideReason string  `json:"override_reason"`
	}
	if s.decode(w, r, &in) != nil {
		return
	}
	res, err := s.svc.Register(r.Context(), p, service.RegisterInput{Channel: in.Channel, Name: in.Complainant.Name,
		Mobile: in.Complainant.Mobile, Address: in.Complainant.Address, Language: in.Complainant.Language,
		CategoryID: in.CategoryID, AreaID: in.AreaID, Description: in.Description, AttachmentIDs: in.AttachmentIDs,
		OverrideLimit: in.OverrideLimit, OverrideReason: in.OverrideReason, IdempotencyKey: r.Header.Get("Idempotency-Key")})
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	now := s.svc.Now()
	out := complaintOut(res.Complaint, p, now)
	out.PossibleDuplicates = complaintsOut(res.PossibleDuplicates, p, now)
	if out.PossibleDuplicates == nil {
		out.PossibleDuplicates = []complaintJSON{}
	}
	if res.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Location", "/api/v1/complaints/"+res.Complaint.Ref)
	writeJSON(w, http.StatusCreated, withDuplicates(out))
}

// withDuplicates keeps possible_duplicates in the create answer even when
// empty (omitempty drops it elsewhere).
func withDuplicates(c complaintJSON) any {
	return struct {
		complaintJSON
		PossibleDuplicates []complaintJSON `json:"possible_duplicates"`
	}{c, c.PossibleDuplicates}
}

func (s *Server) getComplaint(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	d, err := s.svc.Complaint(r.Context(), p, r.PathValue("ref"))
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, detailOut(d, p, s.svc.Now()))
}

func (s *Server) listComplaints(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	limit, ok := s.pageLimit(w, r)
	if !ok {
		return
	}
	f := service.ListFilter{Cursor: q.Get("cursor"), Limit: limit, Mobile: q.Get("mobile")}
	if st := q.Get("status"); st != "" {
		for _, x := range strings.Split(st, ",") {
			if !validStatus(x) {
				s.invalid(w, r, "status", "invalid_value", nil)
				return
			}
			f.Statuses = append(f.Statuses, model.Status(x))
		}
	}
	if v := q.Get("level"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > model.MaxLevel {
			s.invalid(w, r, "level", "out_of_range", map[string]any{"Min": 0, "Max": model.MaxLevel})
			return
		}
		f.Level = &n
	}
	if v := q.Get("overdue"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			s.invalid(w, r, "overdue", "invalid_value", nil)
			return
		}
		f.Overdue = &b
	}
	var okID bool
	if f.PostID, okID = s.queryID(w, r, "post_id"); !okID {
		return
	}
	if f.CategoryID, okID = s.queryID(w, r, "category_id"); !okID {
		return
	}
	if f.AreaID, okID = s.queryID(w, r, "area_id"); !okID {
		return
	}
	rows, next, err := s.svc.Complaints(r.Context(), p, f)
	s.writeList(w, r, p, rows, next, err)
}

func validStatus(s string) bool {
	switch model.Status(s) {
	case model.StatusOpen, model.StatusReported, model.StatusSpecialClosurePending, model.StatusReturned, model.StatusClosed:
		return true
	}
	return false
}

func (s *Server) writeList(w http.ResponseWriter, r *http.Request, p *auth.Principal, rows []store.ComplaintRow, next string, err error) {
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	var cur *string
	if next != "" {
		cur = &next
	}
	writeJSON(w, http.StatusOK, list[complaintJSON]{Items: complaintsOut(rows, p, s.svc.Now()), NextCursor: cur})
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	limit, ok := s.pageLimit(w, r)
	if !ok {
		return
	}
	var statuses []model.Status
	if st := r.URL.Query().Get("status"); st != "" {
		for _, x := range strings.Split(st, ",") {
			if !validStatus(x) {
				s.invalid(w, r, "status", "invalid_value", nil)
				return
			}
			statuses = append(statuses, model.Status(x))
		}
	}
	rows, next, err := s.svc.Inbox(r.Context(), p, statuses, r.URL.Query().Get("cursor"), limit)
	s.writeList(w, r, p, rows, next, err)
}

func (s *Server) feedbackQueue(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	limit, ok := s.pageLimit(w, r)
	if !ok {
		return
	}
	rows, next, err := s.svc.FeedbackQueue(r.Context(), p, r.URL.Query().Get("cursor"), limit)
	s.writeList(w, r, p, rows, next, err)
}

func (s *Server) rerouteDesk(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	limit, ok := s.pageLimit(w, r)
	if !ok {
		return
	}
	rows, next, err := s.svc.RerouteDesk(r.Context(), p, r.URL.Query().Get("cursor"), limit)
	s.writeList(w, r, p, rows, next, err)
}

func (s *Server) specialClosureQueue(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	limit, ok := s.pageLimit(w, r)
	if !ok {
		return
	}
	rows, next, err := s.svc.SpecialClosureQueue(r.Context(), p, r.URL.Query().Get("cursor"), limit)
	s.writeList(w, r, p, rows, next, err)
}

// action decodes body into in, runs do and answers the updated complaint.
func action[T any](s *Server, do func(r *http.Request, p *auth.Principal, ref string, in T) (store.ComplaintRow, error)) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		var in T
		if s.decode(w, r, &in) != nil {
			return
		}
		row, err := do(r, p, r.PathValue("ref"), in)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, complaintOut(row, p, s.svc.Now()))
	}
}

type markIn struct {
	PostID int64  `json:"post_id"`
	Note   string `json:"note"`
}

func (s *Server) mark(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	action(s, func(r *http.Request, p *auth.Principal, ref string, in markIn) (store.ComplaintRow, error) {
		return s.svc.Mark(r.Context(), p, ref, in.PostID, in.Note)
	})(w, r, p)
}

type textIn struct {
	Text string `json:"text"`
}

func (s *Server) comment(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	action(s, func(r *http.Request, p *auth.Principal, ref string, in textIn) (store.ComplaintRow, error) {
		return s.svc.Comment(r.Context(), p, ref, in.Text)
	})(w, r, p)
}

type reportIn struct {
	Text          string  `json:"text"`
	AttachmentIDs []int64 `json:"attachment_ids"`
}

func (s *Server) report(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	action(s, func(r *http.Request, p *auth.Principal, ref string, in reportIn) (store.ComplaintRow, error) {
		return s.svc.Report(r.Context(), p, ref, in.Text, in.AttachmentIDs)
	})(w, r, p)
}

type specialIn struct {
	ReasonCode string `json:"reason_code"`
	Text       string `json:"text"`
}

func (s *Server) specialClosure(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	action(s, func(r *http.Request, p *auth.Principal, ref string, in specialIn) (store.ComplaintRow, error) {
		return s.svc.RequestSpecialClosure(r.Context(), p, ref, in.ReasonCode, in.Text)
	})(w, r, p)
}

type decisionIn struct {
	Approve *bool  `json:"approve"`
	Note    string `json:"note"`
}

func (s *Server) specialClosureDecision(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	action(s, func(r *http.Request, p *auth.Principal, ref string, in decisionIn) (store.ComplaintRow, error) {
		if in.Approve == nil {
			return store.ComplaintRow{}, &service.ValidationError{Fields: []service.FieldError{{Field: "approve", Code: "required", Key: "field_required"}}}
		}
		return s.svc.DecideSpecialClosure(r.Context(), p, ref, *in.Approve, in.Note)
	})(w, r, p)
}

type reasonIn struct {
	Reason string `json:"reason"`
}

func (s *Server) returnComplaint(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	action(s, func(r *http.Request, p *auth.Principal, ref string, in reasonIn) (store.ComplaintRow, error) {
		return s.svc.Return(r.Context(), p, ref, in.Reason)
	})(w, r, p)
}

type rerouteIn struct {
	CategoryID int64  `json:"category_id"`
	AreaID     int64  `json:"area_id"`
	Reject     bool   `json:"reject"`
	Note       string `json:"note"`
}

func (s *Server) reroute(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	action(s, func(r *http.Request, p *auth.Principal, ref string, in rerouteIn) (store.ComplaintRow, error) {
		return s.svc.Reroute(r.Context(), p, ref, in.CategoryID, in.AreaID, in.Reject, in.Note)
	})(w, r, p)
}

type feedbackIn struct {
	Outcome string `json:"outcome"`
	Remarks string `json:"remarks"`
}

func (s *Server) feedback(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	action(s, func(r *http.Request, p *auth.Principal, ref string, in feedbackIn) (store.ComplaintRow, error) {
		return s.svc.Feedback(r.Context(), p, ref, in.Outcome, in.Remarks)
	})(w, r, p)
}

type noteIn struct {
	Note string `json:"note"`
}

func (s *Server) reminder(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	action(s, func(r *http.Request, p *auth.Principal, ref string, in noteIn) (store.ComplaintRow, error) {
		return s.svc.Remind(r.Context(), p, ref, in.Note)
	})(w, r, p)
}

type falseIn struct {
	Reason      string `json:"reason"`
	BlockCaller bool   `json:"block_caller"`
}

func (s *Server) markFalse(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	action(s, func(r *http.Request, p *auth.Principal, ref string, in falseIn) (store.ComplaintRow, error) {
		return s.svc.MarkFalse(r.Context(), p, ref, in.Reason, in.BlockCaller)
	})(w, r, p)
}

type blockJSON struct {
	Mobile string     `json:"mobile"`
	Reason string     `json:"reason"`
	Since  time.Time  `json:"since"`
	Until  *time.Time `json:"until,omitempty"`
	By     actorJSON  `json:"by"`
}

func blockOut(b store.Block) blockJSON {
	by := b.ByID
	return blockJSON{Mobile: b.Mobile, Reason: b.Reason, Since: ist(b.Since), Until: istPtr(b.Until), By: actorJSON{UserID: &by, Name: b.ByName}}
}

func (s *Server) caller(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	c, err := s.svc.LookupCaller(r.Context(), p, r.PathValue("mobile"))
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	out := map[string]any{"mobile": c.Mobile, "blocked": nil, "complaints_this_month": c.ComplaintsThisMonth,
		"monthly_limit": c.MonthlyLimit, "complaints": complaintsOut(c.Complaints, p, s.svc.Now())}
	if c.Blocked != nil {
		out["blocked"] = blockOut(*c.Blocked)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listBlocked(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	before, limit, ok := s.page(w, r)
	if !ok {
		return
	}
	bs, last, err := s.svc.BlockedNumbers(r.Context(), p, before, limit)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	out := make([]blockJSON, len(bs))
	for i, b := range bs {
		out[i] = blockOut(b)
	}
	writeJSON(w, http.StatusOK, list[blockJSON]{Items: out, NextCursor: nextCursor(len(out), limit, last)})
}

func (s *Server) block(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Mobile string     `json:"mobile"`
		Reason string     `json:"reason"`
		Until  *time.Time `json:"until"`
	}
	if s.decode(w, r, &in) != nil {
		return
	}
	res, err := s.svc.BlockNumber(r.Context(), p, service.BlockInput{Mobile: in.Mobile, Reason: in.Reason, Until: in.Until,
		IdempotencyKey: r.Header.Get("Idempotency-Key")})
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	if res.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Location", "/api/v1/blocked-numbers/"+res.Mobile)
	writeJSON(w, http.StatusCreated, blockOut(res.Block))
}

func (s *Server) unblock(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in reasonIn
	if s.decode(w, r, &in) != nil {
		return
	}
	if err := s.svc.Unblock(r.Context(), p, r.PathValue("mobile"), in.Reason); err != nil {
		s.writeProblem(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
