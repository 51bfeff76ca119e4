package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/nivaran/nivaran/internal/locale"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail"`
	Code   string         `json:"code"`
	Errors []ProblemField `json:"errors,omitempty"`
}

// ProblemField is one invalid input.
type ProblemField struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ProblemFor maps an error to its HTTP status and problem code: the one place
// that does, for the JSON API and the web pages alike.
func ProblemFor(err error) (int, string) {
	var wr *workflow.Refusal
	switch {
	case errors.Is(err, service.ErrUnauthorized):
		return http.StatusUnauthorized, "unauthorized"
	case errors.Is(err, service.ErrRateLimited):
		return http.StatusTooManyRequests, "rate_limited"
	case errors.Is(err, service.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, "payload_too_large"
	case errors.Is(err, service.ErrUnsupportedType):
		return http.StatusUnsupportedMediaType, "unsupported_media_type"
	case errors.Is(err, service.ErrBadReference), errors.Is(err, workflow.ErrValidation):
		// A malformed reference is a finding on the field "ref" (the
		// error carries it), not a code of its own.
		return http.StatusBadRequest, "validation"
	case errors.Is(err, workflow.ErrCallerBlocked):
		return http.StatusForbidden, "caller_blocked"
	case errors.Is(err, workflow.ErrMonthlyLimit):
		return http.StatusTooManyRequests, "monthly_limit_reached"
	case errors.Is(err, workflow.ErrDuplicateReport):
		return http.StatusConflict, "duplicate_report"
	case errors.Is(err, workflow.ErrInvalidTransition):
		return http.StatusConflict, "invalid_transition"
	case errors.Is(err, workflow.ErrForbidden):
		return http.StatusForbidden, "forbidden"
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, store.ErrConflict), errors.Is(err, service.ErrCallTaken):
		return http.StatusConflict, "conflict"
	case errors.As(err, &wr):
		return http.StatusConflict, "invalid_transition"
	}
	return http.StatusInternalServerError, "internal"
}

// writeProblem answers err as problem JSON in lang.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	status, code := ProblemFor(err)
	lang := s.lang(r)
	p := Problem{Type: "about:blank", Title: locale.T(lang, "problem_"+code+"_title", nil), Status: status, Code: code,
		Detail: locale.T(lang, "problem_"+code, nil)}
	var ve *service.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			data := map[string]any{"Field": f.Field}
			for k, v := range f.Data {
				data[k] = v
			}
			p.Errors = append(p.Errors, ProblemField{Field: f.Field, Code: f.Code, Message: locale.T(lang, f.Key, data)})
		}
	}
	var wr *workflow.Refusal
	if errors.As(err, &wr) && wr.Key != "" {
		if msg := locale.T(lang, "refusal_"+wr.Key, nil); msg != "refusal_"+wr.Key {
			p.Detail = msg
		}
		if wr.Field != "" {
			p.Errors = append(p.Errors, ProblemField{Field: wr.Field, Code: wr.Key, Message: p.Detail})
		}
	}
	if code != "validation" && len(p.Errors) == 1 {
		// A problem that is about one input (a file too large, of the
		// wrong type) says which and why.
		p.Detail = p.Errors[0].Message
	}
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeProblemJSON(w, p)
}

func writeProblemJSON(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", "hi, en")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// badRequest answers a problem found before the service that is not about
// one field (a body too large, an unknown path).
func (s *Server) badRequest(w http.ResponseWriter, r *http.Request, status int, code, key string, data map[string]any) {
	lang := s.lang(r)
	writeProblemJSON(w, Problem{Type: "about:blank", Title: locale.T(lang, "problem_"+code+"_title", nil), Status: status, Code: code,
		Detail: locale.T(lang, key, data)})
}

// invalid answers 400 validation for one field found wrong before the
// service: the finding's code is bare (as the service's are) and its message
// is the locale key "field_"+code.
func (s *Server) invalid(w http.ResponseWriter, r *http.Request, field, code string, data map[string]any) {
	s.invalidWith(w, r, field, code, "field_"+code, data)
}

// invalidWith is invalid with a message key of its own.
func (s *Server) invalidWith(w http.ResponseWriter, r *http.Request, field, code, key string, data map[string]any) {
	lang := s.lang(r)
	d := map[string]any{"Field": field}
	for k, v := range data {
		d[k] = v
	}
	msg := locale.T(lang, key, d)
	writeProblemJSON(w, Problem{Type: "about:blank", Title: locale.T(lang, "problem_validation_title", nil), Status: http.StatusBadRequest,
		Code: "validation", Detail: msg, Errors: []ProblemField{{Field: field, Code: code, Message: msg}}})
}
