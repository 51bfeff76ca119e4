package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// maxBody caps a JSON request body.
const maxBody = 64 << 10

// errAnswered means the handler already wrote a problem.
var errAnswered = errors.New("api: answered")

// decode reads a JSON body into v strictly: one object, known fields only, the
// right types, at most maxBody bytes. On failure it answers the problem and
// returns errAnswered.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.badRequest(w, r, http.StatusRequestEntityTooLarge, "payload_too_large", "problem_payload_too_large", map[string]any{"Max": maxBody})
			return errAnswered
		}
		s.invalidWith(w, r, "body", "invalid_json", "field_invalid_json", nil)
		return errAnswered
	}
	if err := decodeJSON(body, v); err != nil {
		var fe *fieldErr
		switch {
		case errors.As(err, &fe):
			s.invalid(w, r, fe.field, fe.code, nil)
		case errors.Is(err, errEmptyBody):
			s.invalidWith(w, r, "body", "required", "field_body_required", nil)
		default:
			s.invalidWith(w, r, "body", "invalid_json", "field_invalid_json", nil)
		}
		return errAnswered
	}
	return nil
}

// errEmptyBody: the request has no body, or only white space.
var errEmptyBody = errors.New("empty body")

// fieldErr is a body whose JSON is well formed but does not fit: code is
// "wrong_type" or "unknown".
type fieldErr struct{ field, code string }

func (e *fieldErr) Error() string { return e.code + ": " + e.field }

// decodeJSON is decode's pure part, fuzzed in decode_test.go.
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errEmptyBody
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field := te.Field
			if field == "" {
				field = "body" // not an object at all
			}
			return &fieldErr{field: field, code: "wrong_type"}
		}
		if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
			name, _ := strconv.Unquote(strings.TrimPrefix(msg, "json: unknown field "))
			return &fieldErr{field: name, code: "unknown"}
		}
		return fmt.Errorf("bad json: %w", err)
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return errors.New("trailing data")
	}
	return nil
}

// writeJSON answers v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// list is the envelope of every list.
type list[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// pageLimit reads limit: default 50, capped at 500. ok is false when a
// problem was answered. Lists whose cursor is not a plain id (the service
// checks those) read only this.
func (s *Server) pageLimit(w http.ResponseWriter, r *http.Request) (limit int, ok bool) {
	limit = 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.invalid(w, r, "limit", "invalid_number", nil)
			return 0, false
		}
		limit = min(n, 500)
	}
	return limit, true
}

// page reads cursor and limit (see pageLimit); the cursor is an opaque
// decimal id. ok is false when a problem was answered.
func (s *Server) page(w http.ResponseWriter, r *http.Request) (after int64, limit int, ok bool) {
	if limit, ok = s.pageLimit(w, r); !ok {
		return 0, 0, false
	}
	if v := r.URL.Query().Get("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			s.invalid(w, r, "cursor", "invalid_cursor", nil)
			return 0, 0, false
		}
		after = n
	}
	return after, limit, true
}

// queryID reads an optional integer query parameter.
func (s *Server) queryID(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		s.invalid(w, r, name, "invalid_number", nil)
		return 0, false
	}
	return n, true
}

// pathID reads the {id} path value.
func (s *Server) pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	n, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || n < 1 {
		s.invalid(w, r, "id", "invalid_number", nil)
		return 0, false
	}
	return n, true
}

// nextCursor is the cursor after a full page whose last id is last.
func nextCursor(n, limit int, last int64) *string {
	if n < limit {
		return nil
	}
	c := strconv.FormatInt(last, 10)
	return &c
}
