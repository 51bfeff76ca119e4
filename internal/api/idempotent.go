package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

// idempotency makes a creating call keep its promise of API.md's
// conventions: a retry with the same Idempotency-Key and body answers the
// first response (status, body, Location) instead of creating a second
// resource, and the key with another body is refused. Call-centre actions
// that a network retry must not record twice (a feedback call, a follow-up,
// a comment, a reminder) keep the promise too.
//
// A first request claims its key in the database while it runs, so that a
// concurrent duplicate on any node answers 409 instead of acting twice; a
// request that fails (anything but 200 or 201) keeps nothing and frees its
// key. A claim left by a node that died frees itself after a minute.
type idempotency struct {
	s *Server
}

func newIdempotency(s *Server) *idempotency {
	return &idempotency{s: s}
}

// wrap applies the promise to h, a handler that answers success with 201
// (a create) or 200 (an action).
func (i *idempotency) wrap(h func(http.ResponseWriter, *http.Request, *auth.Principal)) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			h(w, r, p)
			return
		}
		// Read one byte past the cap so that h still sees an oversized body
		// as one and answers 413.
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			i.s.invalidWith(w, r, "body", "invalid_json", "field_invalid_json", nil)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		hash := requestHash(r, body)
		claimed, err := i.s.svc.ClaimAnswer(r.Context(), p, key, hash)
		if err != nil {
			i.s.writeProblem(w, r, err)
			return
		}
		if !claimed {
			a, err := i.s.svc.RecallAnswer(r.Context(), p, key, hash)
			switch {
			case err == nil:
				replay(w, a)
			case errors.Is(err, service.ErrInProgress), errors.Is(err, store.ErrNotFound):
				// Running now, or failed and freed between the two looks:
				// either way the client may retry in a moment.
				i.s.badRequest(w, r, http.StatusConflict, "conflict", "problem_idempotency_in_progress", nil)
			default:
				i.s.writeProblem(w, r, err)
			}
			return
		}
		rec := &answerRecorder{header: w.Header()}
		h(rec, r, p)
		ctx := context.WithoutCancel(r.Context())
		if rec.status == http.StatusCreated || rec.status == http.StatusOK {
			a := service.Answer{Status: rec.status, Location: rec.header.Get("Location"), Body: rec.body.String()}
			if err := i.s.svc.KeepAnswer(ctx, p, key, a); err != nil {
				// The change is made: answer it, though a retry may now
				// make it again.
				i.s.log.Error("keep idempotent answer", "path", r.URL.Path, "user_id", p.User.ID, "err", err)
				_ = i.s.svc.DropClaim(ctx, p, key)
			}
		} else if err := i.s.svc.DropClaim(ctx, p, key); err != nil {
			i.s.log.Error("drop idempotency claim", "path", r.URL.Path, "user_id", p.User.ID, "err", err)
		}
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(rec.body.Bytes())
	}
}

// requestHash identifies a request by method, path and body, so that a retry
// can be told from another request under the same key. A JSON body is
// compared by content, not layout; a password in it is left out, so that the
// kept hash is no help in guessing it.
func requestHash(r *http.Request, body []byte) string {
	canon := body
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) == nil {
		if m, ok := v.(map[string]any); ok {
			delete(m, "password")
		}
		canon, _ = json.Marshal(v)
	}
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), canon...))
	return hex.EncodeToString(sum[:])
}

// replay answers a kept answer again.
func replay(w http.ResponseWriter, a service.Answer) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if a.Location != "" {
		w.Header().Set("Location", a.Location)
	}
	w.Header().Set("Idempotent-Replayed", "true")
	w.WriteHeader(a.Status)
	_, _ = io.WriteString(w, a.Body)
}

// answerRecorder holds a handler's answer until it is kept: the client never
// sees an answer that a retry could not get again.
type answerRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *answerRecorder) Header() http.Header { return a.header }

func (a *answerRecorder) WriteHeader(code int) {
	if a.status == 0 {
		a.status = code
	}
}

func (a *answerRecorder) Write(b []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.body.Write(b)
}
