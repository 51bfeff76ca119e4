package api

import (
	"net/http"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/locale"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/sms"
)

// smsRoutes are the SMS side of the API: citizens' one-time codes, and the
// admin pages of sent messages and DLT templates. The gateway's delivery
// callback is mounted by MountSMSDelivery, because only the wiring knows
// which provider runs and with what secret.
func (s *Server) smsRoutes() {
	s.otpRoutes()
	s.handle("GET /api/v1/admin/messages", s.authed(s.listMessages))
	s.handle("GET /api/v1/admin/sms-templates", s.authed(s.listSMSTemplates))
	s.handle("PUT /api/v1/admin/sms-templates/{key}/{lang}", s.authed(s.putSMSTemplate))
}

// MountSMSDelivery serves an HTTP gateway's delivery reports at
// /api/v1/sms/delivery with h (see sms.NewCallbackHandler), for POST and, as
// some gateways call it, GET. The caller is the gateway, not a user: h checks
// the shared token the gateway was given, and no session is needed.
//
// Refusals go out as problem documents like every other API error: 400
// validation (unreadable report), 401 unauthorized (no or wrong token), and
// 500 internal, which tells a gateway that retries to report again.
func (s *Server) MountSMSDelivery(h http.Handler) {
	serve := func(w http.ResponseWriter, r *http.Request) {
		pw := &problemWriter{ResponseWriter: w}
		h.ServeHTTP(pw, r)
		if pw.status < 400 {
			return
		}
		code := map[int]string{http.StatusBadRequest: "validation", http.StatusUnauthorized: "unauthorized"}[pw.status]
		if code == "" {
			code = "internal"
		}
		lang := s.lang(r)
		writeProblemJSON(w, Problem{Type: "about:blank", Title: locale.T(lang, "problem_"+code+"_title", nil),
			Status: pw.status, Code: code, Detail: locale.T(lang, "problem_"+code, nil)})
	}
	s.handle("POST /api/v1/sms/delivery", serve)
	s.handle("GET /api/v1/sms/delivery", serve)
}

// problemWriter passes a handler's success through and holds back its
// error answer, so that it can go out as a problem document instead.
type problemWriter struct {
	http.ResponseWriter
	status int
}

func (w *problemWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	if code < 400 {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *problemWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.status >= 400 {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

type messageJSON struct {
	ID            int64      `json:"id"`
	ComplaintRef  *string    `json:"complaint_ref"`
	Mobile        string     `json:"mobile"`
	Template      string     `json:"template"`
	Language      string     `json:"language"`
	Text          string     `json:"text"`
	RenderError   string     `json:"render_error,omitempty"`
	DLTTemplateID string     `json:"dlt_template_id"`
	Header        string     `json:"header"`
	DedupeKey     string     `json:"dedupe_key"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	LastError     string     `json:"last_error"`
	Provider      string     `json:"provider"`
	ProviderID    string     `json:"provider_id"`
	CreatedAt     time.Time  `json:"created_at"`
	NextAt        time.Time  `json:"next_at"`
	SentAt        *time.Time `json:"sent_at"`
	FailedAt      *time.Time `json:"failed_at"`
	DeliveredAt   *time.Time `json:"delivered_at"`
}

func messageOut(m service.SentMessage) messageJSON {
	out := messageJSON{ID: m.ID, Mobile: m.Mobile, Template: m.Template, Language: m.Language, Text: m.Text,
		RenderError: m.RenderError, DLTTemplateID: m.DLTTemplateID, Header: m.Header, DedupeKey: m.DedupeKey,
		Status: m.Status, Attempts: m.Attempts, LastError: m.LastError, Provider: m.Provider, ProviderID: m.ProviderID,
		CreatedAt: ist(m.CreatedAt), NextAt: ist(m.NextAt), SentAt: istPtr(m.SentAt), FailedAt: istPtr(m.FailedAt),
		DeliveredAt: istPtr(m.DeliveredAt)}
	if m.ComplaintRef != "" {
		ref := m.ComplaintRef
		out.ComplaintRef = &ref
	}
	return out
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	cursor, limit, ok := s.page(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	msgs, next, err := s.svc.SentMessages(r.Context(), p, service.MessageFilter{Status: q.Get("status"),
		ComplaintRef: q.Get("complaint_ref"), Cursor: cursor, Limit: limit})
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	out := list[messageJSON]{Items: make([]messageJSON, 0, len(msgs))}
	for _, m := range msgs {
		out.Items = append(out.Items, messageOut(m))
	}
	if next != "" {
		out.NextCursor = &next
	}
	writeJSON(w, http.StatusOK, out)
}

type smsVarJSON struct {
	Name   string      `json:"name"`
	Type   sms.VarType `json:"type"`
	MaxLen int         `json:"max_len"`
	// Truncate lets a too-long text value be shortened to fit.
	Truncate bool `json:"truncate"`
}

type smsTemplateJSON struct {
	Key           string       `json:"key"`
	Language      string       `json:"language"`
	Body          string       `json:"body"`
	DLTTemplateID string       `json:"dlt_template_id"`
	Header        string       `json:"header"`
	EntityID      string       `json:"entity_id"`
	Vars          []smsVarJSON `json:"vars"`
	UpdatedAt     time.Time    `json:"updated_at"`
	UpdatedBy     *int64       `json:"updated_by"`
}

func smsTemplateOut(t service.SMSTemplate) smsTemplateJSON {
	vs := make([]smsVarJSON, len(t.Vars))
	for i, v := range t.Vars {
		vs[i] = smsVarJSON{Name: v.Name, Type: v.Type, MaxLen: v.MaxLen, Truncate: v.Truncate}
	}
	return smsTemplateJSON{Key: t.Key, Language: t.Language, Body: t.Body, DLTTemplateID: t.DLTTemplateID,
		Header: t.Header, EntityID: t.EntityID, Vars: vs, UpdatedAt: ist(t.UpdatedAt), UpdatedBy: t.UpdatedBy}
}

func (s *Server) listSMSTemplates(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ts, err := s.svc.SMSTemplates(r.Context(), p)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	out := list[smsTemplateJSON]{Items: make([]smsTemplateJSON, 0, len(ts))}
	for _, t := range ts {
		out.Items = append(out.Items, smsTemplateOut(t))
	}
	writeJSON(w, http.StatusOK, out)
}

// putSMSTemplate replaces one template: the key and language come from the
// path, everything else from the body.
func (s *Server) putSMSTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Body          string       `json:"body"`
		DLTTemplateID string       `json:"dlt_template_id"`
		Header        string       `json:"header"`
		EntityID      string       `json:"entity_id"`
		Vars          []smsVarJSON `json:"vars"`
	}
	if s.decode(w, r, &in) != nil {
		return
	}
	t := sms.Template{Key: r.PathValue("key"), Language: r.PathValue("lang"), Body: in.Body,
		DLTTemplateID: in.DLTTemplateID, Header: in.Header, EntityID: in.EntityID, Vars: make([]sms.Var, len(in.Vars))}
	for i, v := range in.Vars {
		t.Vars[i] = sms.Var{Name: v.Name, Type: v.Type, MaxLen: v.MaxLen, Truncate: v.Truncate}
	}
	saved, err := s.svc.SaveSMSTemplate(r.Context(), p, t)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, smsTemplateOut(saved))
}
