package service

import (
	"context"
	"encoding/json"
	"fmt"

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

// RecallAnswer returns the answer kept for p's Idempotency-Key key by the
// request of hash reqHash: ErrNotFound (wrapped) when the key is new, a
// validation error when the key is too long or another request used it.
func (s *Service) RecallAnswer(ctx context.Context, p *auth.Principal, key, reqHash string) (Answer, error) {
	var c checker
	checkIdempotencyKey(&c, key)
	if err := c.err(); err != nil {
		return Answer{}, err
	}
	stored, err := s.st.Idempotent(ctx, p.User.ID, key)
	if err != nil {
		return Answer{}, err
	}
	if stored.RequestHash != reqHash {
		return Answer{}, &ValidationError{Fields: []FieldError{{Field: "Idempotency-Key", Code: "reused", Key: "field_idempotency_reused"}}}
	}
	a := Answer{Status: stored.Status}
	if err := json.Unmarshal([]byte(stored.Body), &a); err != nil {
		return Answer{}, fmt.Errorf("service: idempotent answer: %w", err)
	}
	return a, nil
}

// KeepAnswer records a's answer under p's Idempotency-Key key for the
// request of hash reqHash; ErrConflict when the key is already taken.
func (s *Service) KeepAnswer(ctx context.Context, p *auth.Principal, key, reqHash string, a Answer) error {
	body, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("service: idempotent answer: %w", err)
	}
	now := s.clock.Now()
	return s.st.Tx(ctx, func(tx *store.Tx) error {
		return tx.SaveIdempotent(ctx, p.User.ID, key, store.IdempotentResult{RequestHash: reqHash, Status: a.Status, Body: string(body)}, now)
	})
}
