package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/sms"
	"github.com/nivaran/nivaran/internal/store"
)

// SMS templates are stored (sms_templates) so that an admin can enter the
// DLT template ids as the registrations come through, or reword a message
// and register the new text, without a release. The defaults of package sms
// seed the table; the dispatcher renders from what is stored.

// SMSTemplate is a registered template with when, and by whom, it was last
// saved.
type SMSTemplate struct {
	sms.Template
	UpdatedAt time.Time
	UpdatedBy *int64
}

// varJSON is the stored form of a template variable.
type varJSON struct {
	Name     string      `json:"name"`
	Type     sms.VarType `json:"type"`
	MaxLen   int         `json:"max_len,omitempty"`
	Truncate bool        `json:"truncate,omitempty"`
}

func toStored(t sms.Template, now time.Time, by *int64) store.SMSTemplate {
	vs := make([]varJSON, len(t.Vars))
	for i, v := range t.Vars {
		vs[i] = varJSON{Name: v.Name, Type: v.Type, MaxLen: v.MaxLen, Truncate: v.Truncate}
	}
	b, _ := json.Marshal(vs)
	return store.SMSTemplate{Key: t.Key, Language: t.Language, Body: t.Body, DLTTemplateID: t.DLTTemplateID,
		Header: t.Header, EntityID: t.EntityID, Vars: string(b), UpdatedAt: now, UpdatedBy: by}
}

func fromStored(st store.SMSTemplate) (SMSTemplate, error) {
	var vs []varJSON
	if err := json.Unmarshal([]byte(st.Vars), &vs); err != nil {
		return SMSTemplate{}, fmt.Errorf("service: sms template %s/%s: variables: %w", st.Key, st.Language, err)
	}
	t := sms.Template{Key: st.Key, Language: st.Language, Body: st.Body, DLTTemplateID: st.DLTTemplateID,
		Header: st.Header, EntityID: st.EntityID, Vars: make([]sms.Var, len(vs))}
	for i, v := range vs {
		t.Vars[i] = sms.Var{Name: v.Name, Type: v.Type, MaxLen: v.MaxLen, Truncate: v.Truncate}
	}
	return SMSTemplate{Template: t, UpdatedAt: st.UpdatedAt, UpdatedBy: st.UpdatedBy}, nil
}

// SeedSMSTemplates stores every default template (sms.DefaultTemplates)
// whose key and language are not stored yet — all of them on a new
// database, and the new ones after an upgrade — with entityID, when given,
// as their DLT entity id. It never overwrites a stored template, and reports
// how many it added.
func (s *Service) SeedSMSTemplates(ctx context.Context, entityID string) (int, error) {
	ts := sms.SetDLT(sms.DefaultTemplates(), entityID, nil)
	if _, err := sms.NewRegistry(ts); err != nil {
		return 0, fmt.Errorf("service: default sms templates: %w", err)
	}
	now := s.clock.Now()
	added := 0
	err := s.st.Tx(ctx, func(tx *store.Tx) error {
		added = 0
		for _, t := range ts {
			ok, err := tx.AddSMSTemplate(ctx, toStored(t, now, nil))
			if err != nil {
				return err
			}
			if ok {
				added++
			}
		}
		return nil
	})
	return added, err
}

// SMSRegistry builds the registry the dispatcher renders with from the
// stored templates. A stored template that does not compile (saved by an
// older nivaran with looser checks, or edited in the database by hand) is
// left out and logged, so that one bad row cannot stop every message; the
// messages of its key then fall back to Hindi or fail with the reason.
func (s *Service) SMSRegistry(ctx context.Context) (*sms.Registry, error) {
	stored, err := s.st.SMSTemplates(ctx)
	if err != nil {
		return nil, err
	}
	var ts []sms.Template
	for _, st := range stored {
		t, err := fromStored(st)
		if err == nil {
			_, err = sms.NewRegistry([]sms.Template{t.Template})
		}
		if err != nil {
			s.log.ErrorContext(ctx, "sms template left out of the registry", "template", st.Key, "language", st.Language, "err", err)
			continue
		}
		ts = append(ts, t.Template)
	}
	return sms.NewRegistry(ts)
}

// SMSTemplates lists the stored templates (admin).
func (s *Service) SMSTemplates(ctx context.Context, p *auth.Principal) ([]SMSTemplate, error) {
	if err := require(p, model.RoleAdmin); err != nil {
		return nil, err
	}
	stored, err := s.st.SMSTemplates(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]SMSTemplate, 0, len(stored))
	for _, st := range stored {
		t, err := fromStored(st)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// smsLanguages are the languages messages go out in.
var smsLanguages = []string{"hi", "en"}

// suppliedVars lists, per template key, the variables nivaran fills for it:
// those of the default templates. A template may use fewer (DLT may have
// registered a shorter text), never others, which would never be filled.
func suppliedVars() map[string][]string {
	out := map[string][]string{}
	for _, t := range sms.DefaultTemplates() {
		for _, v := range t.Vars {
			if !slices.Contains(out[t.Key], v.Name) {
				out[t.Key] = append(out[t.Key], v.Name)
			}
		}
	}
	return out
}

// SaveSMSTemplate replaces the template of t's key and language (admin),
// after checking it as the registry will: a known key and language, a
// six-character header, numeric DLT ids, one known, typed variable per
// {#var#}.
func (s *Service) SaveSMSTemplate(ctx context.Context, p *auth.Principal, t sms.Template) (SMSTemplate, error) {
	if err := require(p, model.RoleAdmin); err != nil {
		return SMSTemplate{}, err
	}
	var c checker
	supplied := suppliedVars()
	known, keyOK := supplied[t.Key]
	if !keyOK {
		c.add("key", "invalid_value", nil)
	}
	if !slices.Contains(smsLanguages, t.Language) {
		c.add("language", "invalid_language", nil)
	}
	t.Body = c.text("body", t.Body, true, 1000)
	t.Header = strings.TrimSpace(t.Header)
	if !validHeader(t.Header) {
		c.add("header", "invalid_header", nil)
	}
	t.DLTTemplateID = strings.TrimSpace(t.DLTTemplateID)
	if t.DLTTemplateID != "" && (!digits(t.DLTTemplateID) || len(t.DLTTemplateID) > 30) {
		c.add("dlt_template_id", "invalid_dlt_id", nil)
	}
	t.EntityID = strings.TrimSpace(t.EntityID)
	if t.EntityID != "" && (!digits(t.EntityID) || len(t.EntityID) > 30) {
		c.add("entity_id", "invalid_dlt_id", nil)
	}
	seen := map[string]bool{}
	for i, v := range t.Vars {
		field := fmt.Sprintf("vars[%d]", i)
		switch {
		case v.Name == "":
			c.add(field+".name", "required", nil)
		case seen[v.Name]:
			c.add(field+".name", "duplicate", nil)
		case keyOK && !slices.Contains(known, v.Name):
			c.add(field+".name", "unknown_var", map[string]any{"Known": strings.Join(known, ", ")})
		}
		seen[v.Name] = true
		if !validVarType(v.Type) {
			c.add(field+".type", "invalid_value", nil)
		}
		if v.Truncate && v.Type != sms.VarText {
			c.add(field+".truncate", "invalid_value", nil)
		}
		if v.MaxLen < 0 || v.MaxLen > 100 {
			c.add(field+".max_len", "out_of_range", map[string]any{"Min": 0, "Max": 100})
		}
	}
	if n := strings.Count(t.Body, sms.Placeholder); t.Body != "" && n != len(t.Vars) {
		c.add("body", "placeholder_count", map[string]any{"Placeholders": n, "Vars": len(t.Vars)})
	}
	if err := c.err(); err != nil {
		return SMSTemplate{}, err
	}
	// The registry has the last word; what it refuses here was missed above.
	if _, err := sms.NewRegistry([]sms.Template{t}); err != nil {
		return SMSTemplate{}, &ValidationError{Fields: []FieldError{{Field: "body", Code: "invalid_template", Key: "field_invalid_template"}}}
	}
	now := s.clock.Now()
	by := p.User.ID
	stored := toStored(t, now, &by)
	if err := s.st.Tx(ctx, func(tx *store.Tx) error { return tx.SaveSMSTemplate(ctx, stored) }); err != nil {
		return SMSTemplate{}, err
	}
	s.log.InfoContext(ctx, "sms template saved", "template", t.Key, "language", t.Language, "user_id", by)
	return SMSTemplate{Template: t, UpdatedAt: now, UpdatedBy: &by}, nil
}

func validVarType(t sms.VarType) bool {
	switch t {
	case sms.VarRef, sms.VarDate, sms.VarNumber, sms.VarText, sms.VarURL, sms.VarPhone:
		return true
	}
	return false
}

// validHeader mirrors DLT: six letters, or six digits.
func validHeader(h string) bool {
	if len(h) != 6 {
		return false
	}
	if digits(h) {
		return true
	}
	for i := 0; i < len(h); i++ {
		if c := h[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// MessageFilter selects the admin page's messages: newest first, before
// the Cursor id.
type MessageFilter struct {
	Status       string // pending, sent, failed, delivered, undelivered
	ComplaintRef string
	Cursor       int64
	Limit        int
}

// SentMessage is one outbox message as an admin sees it: the number, the
// text as it went (or would go) out, and what became of it.
type SentMessage struct {
	ID            int64
	ComplaintRef  string
	Mobile        string
	Template      string
	Language      string
	Text          string // rendered with the registry in force
	RenderError   string // why the message does not render, if it does not
	DLTTemplateID string
	Header        string
	DedupeKey     string
	Status        string
	Attempts      int
	LastError     string
	Provider      string
	ProviderID    string
	CreatedAt     time.Time
	NextAt        time.Time
	SentAt        *time.Time
	FailedAt      *time.Time
	DeliveredAt   *time.Time
}

// secretVars are variables never shown: the one-time code.
var secretVars = map[string]bool{"code": true}

// maskedValue stands in for a variable that is not shown, or not there.
const maskedValue = "••••••"

var outboxStatuses = []string{store.OutboxPending, store.OutboxSent, store.OutboxFailed, store.OutboxDelivered, store.OutboxUndelivered}

// SentMessages lists outbox messages for the admin "sent messages" page
// (admin), newest first, with the next page's cursor ("" on the last page).
// Each message's text is rendered with the templates stored now; one-time
// codes are masked.
func (s *Service) SentMessages(ctx context.Context, p *auth.Principal, f MessageFilter) ([]SentMessage, string, error) {
	if err := require(p, model.RoleAdmin); err != nil {
		return nil, "", err
	}
	if f.Status != "" && !slices.Contains(outboxStatuses, f.Status) {
		return nil, "", &ValidationError{Fields: []FieldError{{Field: "status", Code: "invalid_value", Key: "field_invalid_value"}}}
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	sf := store.OutboxMessageFilter{Status: f.Status, BeforeID: f.Cursor, Limit: f.Limit}
	if f.ComplaintRef != "" {
		ref, err := checkRef(f.ComplaintRef)
		if err != nil {
			return nil, "", err
		}
		c, err := s.st.ComplaintByRef(ctx, ref)
		if errors.Is(err, store.ErrNotFound) {
			return []SentMessage{}, "", nil
		} else if err != nil {
			return nil, "", err
		}
		sf.ComplaintID = c.ID
	}
	rows, err := s.st.OutboxMessages(ctx, sf)
	if err != nil {
		return nil, "", err
	}
	reg, err := s.SMSRegistry(ctx)
	if err != nil {
		return nil, "", err
	}
	out := make([]SentMessage, 0, len(rows))
	for _, r := range rows {
		m := SentMessage{ID: r.ID, ComplaintRef: r.ComplaintRef, Mobile: r.Mobile, Template: r.Template, Language: r.Language,
			DedupeKey: r.DedupeKey, Status: r.Status, Attempts: r.Attempts, LastError: r.LastError, Provider: r.Provider,
			ProviderID: r.ProviderID, CreatedAt: r.CreatedAt, NextAt: r.NextAt, SentAt: r.SentAt, FailedAt: r.FailedAt,
			DeliveredAt: r.DeliveredAt}
		m.Text, m.RenderError = displayText(reg, r.Template, r.Language, r.Vars, r.Sensitive)
		if t, ok := reg.Lookup(r.Template, r.Language); ok {
			m.DLTTemplateID, m.Header = t.DLTTemplateID, t.Header
		}
		out = append(out, m)
	}
	next := ""
	if len(rows) == f.Limit {
		next = strconv.FormatInt(rows[len(rows)-1].ID, 10)
	}
	return out, next, nil
}

// displayText is the text of a message as it went out, rendered by the
// registry. A one-time code's row shows the template with the code masked
// (its value is wiped once the row is final anyway). When a message does not
// render — a failed one, usually — the template is filled as far as the
// values allow, so that the admin sees what was wrong, and the reason comes
// back too.
func displayText(reg *sms.Registry, key, lang string, vars map[string]string, sensitive bool) (string, string) {
	t, ok := reg.Lookup(key, lang)
	if !ok {
		_, err := reg.Render(key, lang, vars)
		return "", errText(err)
	}
	if sensitive {
		shown := make(map[string]string, len(vars))
		for k, v := range vars {
			if !secretVars[k] {
				shown[k] = v
			}
		}
		return fill(t, shown), ""
	}
	r, err := reg.Render(key, lang, vars)
	if err == nil {
		return r.Text, ""
	}
	return fill(t, vars), errText(err)
}

// fill puts values into t's placeholders without checking them; a missing
// value shows masked.
func fill(t sms.Template, vars map[string]string) string {
	parts := strings.Split(t.Body, sms.Placeholder)
	var b strings.Builder
	b.WriteString(parts[0])
	for i, v := range t.Vars {
		val := vars[v.Name]
		if val == "" {
			val = maskedValue
		}
		b.WriteString(norm.NFC.String(val))
		if i+1 < len(parts) {
			b.WriteString(parts[i+1])
		}
	}
	return b.String()
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if utf8.RuneCountInString(s) > 300 {
		s = string([]rune(s)[:300]) + "…"
	}
	return s
}
