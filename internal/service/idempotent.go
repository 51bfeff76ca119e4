package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/store"
)

// Answer is what a creating request answered the first time, kept under its
// Idempotency-Key so that a retry gets it again.
type Answer struct {
	Status   int    `json:"-"`
	Location string `json:"location,omitempty"`
	Body     string `json:"body"`
}

// ErrInProgress: a request with the same Idempotency-Key is running now, on
// this node or another (409 conflict).
var ErrInProgress = errors.New("service: a request with this Idempotency-Key is in progress")

// claimStale is how long a claim on a key holds without an answer: a request
// that died meanwhile (a node restarted) frees its key after this.
const claimStale = time.Minute

// ClaimAnswer takes p's Idempotency-Key key for the request of hash reqHash,
// for every node: true when this request is to run (then KeepAnswer or
// DropClaim ends the claim); false when the key already holds an answer or
// another request's live claim, which RecallAnswer then reports.
func (s *Service) ClaimAnswer(ctx context.Context, p *auth.Principal, key, reqHash string) (bool, error) {
	var c checker
	checkIdempotencyKey(&c, key)
	if err := c.err(); err != nil {
		return false, err
	}
	return s.st.ClaimIdempotent(ctx, p.User.ID, key, reqHash, s.cfg.SessionClock.Now(), claimStale)
}

// RecallAnswer returns the answer kept for p's Idempotency-Key key by the
// request of hash reqHash: a validation error when another request used the
// key, ErrInProgress while the first request runs, ErrNotFound (wrapped)
// when the key is free.
func (s *Service) RecallAnswer(ctx context.Context, p *auth.Principal, key, reqHash string) (Answer, error) {
	stored, err := s.recallIdempotent(ctx, p, key, reqHash)
	if err != nil {
		return Answer{}, err
	}
	if stored.Status == 0 {
		return Answer{}, ErrInProgress
	}
	a := Answer{Status: stored.Status}
	if err := json.Unmarshal([]byte(stored.Body), &a); err != nil {
		return Answer{}, fmt.Errorf("service: idempotent answer: %w", err)
	}
	return a, nil
}

// KeepAnswer completes p's claim on key with the answer a retry gets.
func (s *Service) KeepAnswer(ctx context.Context, p *auth.Principal, key string, a Answer) error {
	body, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("service: idempotent answer: %w", err)
	}
	return s.st.FinishIdempotent(ctx, p.User.ID, key, store.IdempotentResult{Status: a.Status, Body: string(body)})
}

// DropClaim frees p's claim on key after its request failed.
func (s *Service) DropClaim(ctx context.Context, p *auth.Principal, key string) error {
	return s.st.ReleaseIdempotent(ctx, p.User.ID, key)
}
