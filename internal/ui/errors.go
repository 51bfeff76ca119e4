package ui

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/nivaran/nivaran/internal/api"
	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/locale"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// errRole refuses a page to a signed-in user whose roles do not include it.
var errRole = errors.New("ui: role not allowed")

// problem maps an error to an HTTP status and a problem code with the API's
// mapping, so that a page and a JSON answer say the same thing; a page refused
// for its role is forbidden.
func problem(err error) (int, string) {
	if errors.Is(err, errRole) {
		return http.StatusForbidden, "forbidden"
	}
	return api.ProblemFor(err)
}

// banner is the page-level message for err: the workflow's own reason when it
// gives one, else the problem code's text.
func banner(l string, err error) *msg {
	status, code := problem(err)
	var wr *workflow.Refusal
	if errors.As(err, &wr) && wr.Key != "" {
		// The pages may word a refusal for the person at the form (the
		// outcome's choices as the buttons name them, not as API values).
		for _, key := range []string{"ui_refusal_" + wr.Key, "refusal_" + wr.Key} {
			if known(l, key) {
				return both(l, key, nil)
			}
		}
	}
	if status == http.StatusInternalServerError {
		return both(l, "problem_internal", nil)
	}
	return both(l, "problem_"+code, nil)
}

// known reports whether the catalog has a message for key.
func known(l, key string) bool { return locale.T(l, key, nil) != key }

// form is a submitted form: what was typed, kept for the re-rendered page,
// and the messages for the fields that were refused.
type form struct {
	V    url.Values
	Errs map[string]*msg
}

func newForm(v url.Values) *form {
	if v == nil {
		v = url.Values{}
	}
	return &form{V: v, Errs: map[string]*msg{}}
}

// Get returns the typed value of field k.
func (f *form) Get(k string) string {
	if f == nil {
		return ""
	}
	return f.V.Get(k)
}

// Err returns the message for field k, or nil.
func (f *form) Err(k string) *msg {
	if f == nil {
		return nil
	}
	return f.Errs[k]
}

// Has reports whether any field was refused.
func (f *form) Has() bool { return f != nil && len(f.Errs) > 0 }

// fieldAlias maps the service's field names to the forms' input names.
var fieldAlias = map[string]string{
	"complainant.name": "name", "complainant.mobile": "mobile", "complainant.address": "address",
	"complainant.language": "language", "attachment_ids": "file", "designation": "designation_id",
}

// refuse puts err on the form: each refused field gets its message (with the
// field's label as {{.Field}}); what belongs to no field of the form becomes
// the page banner. It reports whether err was only about fields.
func (f *form) refuse(l string, err error, fields ...string) (pageMsg *msg) {
	known := map[string]bool{}
	for _, k := range fields {
		known[k] = true
	}
	put := func(field, key string, data map[string]any) bool {
		name := field
		if a, ok := fieldAlias[field]; ok {
			name = a
		}
		if strings.HasPrefix(name, "sla_days[") {
			name = "sla"
		}
		if !known[name] {
			return false
		}
		d := map[string]any{"Field": fieldLabel(l, name)}
		for k, v := range data {
			d[k] = v
		}
		m := both(l, key, d)
		m.Alt = locale.T(m.AltLang, key, withLabel(d, fieldLabel(m.AltLang, name)))
		f.Errs[name] = m
		return true
	}
	var ve *service.ValidationError
	var wr *workflow.Refusal
	switch {
	case errors.As(err, &ve):
		all := true
		for _, fe := range ve.Fields {
			if !put(fe.Field, fe.Key, fe.Data) {
				all = false
			}
		}
		if all {
			return nil
		}
	case errors.As(err, &wr) && wr.Field != "":
		if put(wr.Field, "refusal_"+wr.Key, nil) {
			return nil
		}
	}
	return banner(l, err)
}

func withLabel(d map[string]any, label string) map[string]any {
	out := make(map[string]any, len(d))
	for k, v := range d {
		out[k] = v
	}
	out["Field"] = label
	return out
}

// fieldLabel is a form field's name as a person reads it.
func fieldLabel(l, name string) string {
	return locale.T(l, "ui_field_"+name, nil)
}

// fail renders an error page for err.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, p *auth.Principal, err error) {
	status, _ := problem(err)
	if status == http.StatusInternalServerError {
		u.log.Error("ui request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	v := u.newView(r, p, "ui_error_title")
	v.Problem = banner(v.L, err)
	if r.Header.Get("HX-Request") != "" {
		u.renderBlock(w, status, "error", "problem", v)
		return
	}
	u.render(w, status, "error", v)
}

// codeTaken reads a conflict on saving master data as what it almost always
// is — the code is already used — so that the message stands by the field.
func codeTaken(err error) error {
	if errors.Is(err, store.ErrConflict) {
		return &service.ValidationError{Fields: []service.FieldError{{Field: "code", Code: "taken", Key: "field_taken"}}}
	}
	return err
}
