package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/clock"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// Errors of the service beyond the workflow's and the store's.
var (
	ErrUnauthorized = errors.New("unauthorized")
	ErrRateLimited  = errors.New("rate_limited")
	ErrBadReference = errors.New("bad_reference")
)

// FieldError is one invalid input.
type FieldError struct {
	Field string
	Code  string // machine code, e.g. "required", "invalid_mobile"
	Key   string // locale key of the message
	Data  map[string]any
}

// ValidationError lists every invalid input of a request.
type ValidationError struct{ Fields []FieldError }

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("service: invalid input:")
	for _, f := range e.Fields {
		b.WriteString(" " + f.Field + " (" + f.Code + ")")
	}
	return b.String()
}

// Unwrap makes errors.Is(err, workflow.ErrValidation) true.
func (e *ValidationError) Unwrap() error { return workflow.ErrValidation }

// checker collects field errors.
type checker struct{ fields []FieldError }

func (c *checker) add(field, code string, data map[string]any) {
	c.fields = append(c.fields, FieldError{Field: field, Code: code, Key: "field_" + code, Data: data})
}

func (c *checker) err() error {
	if len(c.fields) == 0 {
		return nil
	}
	return &ValidationError{Fields: c.fields}
}

// text normalises s to NFC, trims it and checks it against required and max
// length (in characters).
func (c *checker) text(field, s string, required bool, max int) string {
	s = strings.TrimSpace(norm.NFC.String(s))
	switch {
	case required && s == "":
		c.add(field, "required", nil)
	case utf8.RuneCountInString(s) > max:
		c.add(field, "too_long", map[string]any{"Max": max})
	case !utf8.ValidString(s):
		c.add(field, "invalid_text", nil)
	}
	return s
}

// Config holds the service's settings.
type Config struct {
	Policy       workflow.Policy
	SessionTTL   time.Duration
	PublicURL    string // base of links in SMS
	FeedbackWait time.Duration
	// SessionClock times sessions and sign-in limits. serve --fake-clock keeps
	// it real, so that moving the training clock by weeks signs nobody out.
	// Default: the service's clock.
	SessionClock clock.Clock
}

// Service is the application layer.
type Service struct {
	st     *store.Store
	clock  clock.Clock
	cfg    Config
	log    *slog.Logger
	logins *auth.Limiter
	blobs  Blobs

	mu         sync.RWMutex
	categories []model.Category // cached: ~400 rows, searched in memory
	catByID    map[int64]model.Category
	mc         masterHolder
	hooks      []ChangeHook
	cc         CallCentreConfig // call-centre settings (queue.go)
	hints      sync.Map         // queue → *leaseHint: where to start walking it (queue.go)
}

// New returns a service over st.
func New(st *store.Store, clk clock.Clock, cfg Config, log *slog.Logger) *Service {
	if cfg.Policy.MonthlyLimit == 0 {
		cfg.Policy = workflow.DefaultPolicy()
	}
	if cfg.Policy.Location == nil {
		cfg.Policy.Location = workflow.IST
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if log == nil {
		log = slog.Default()
	}
	if cfg.SessionClock == nil {
		cfg.SessionClock = clk
	}
	return withReports(withCallCentre(&Service{st: st, clock: clk, cfg: cfg, log: log, logins: auth.NewLimiter(5, time.Minute)}))
}

// Store exposes the store (for the CLI's benchmarks and checks).
func (s *Service) Store() *store.Store { return s.st }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.clock.Now() }

// Policy is the workflow policy in force.
func (s *Service) Policy() workflow.Policy { return s.cfg.Policy }

// Login checks a username and password and opens a session. Failures are
// answered in the time of one password check, and limited per username and per
// client address.
func (s *Service) Login(ctx context.Context, username, password, client string) (string, model.User, error) {
	now := s.cfg.SessionClock.Now()
	username = strings.TrimSpace(strings.ToLower(username))
	if !s.logins.Allowed("u:"+username, now) || !s.logins.Allowed("ip:"+client, now) {
		auth.CheckUnknown(password)
		return "", model.User{}, ErrRateLimited
	}
	u, hash, err := s.st.UserByUsername(ctx, username)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			auth.CheckUnknown(password)
			s.logins.Fail("u:"+username, now)
			s.logins.Fail("ip:"+client, now)
			return "", model.User{}, ErrUnauthorized
		}
		return "", model.User{}, err
	}
	ok, err := auth.CheckPassword(hash, password)
	if err != nil || !ok {
		s.logins.Fail("u:"+username, now)
		s.logins.Fail("ip:"+client, now)
		return "", model.User{}, ErrUnauthorized
	}
	s.logins.Reset("u:" + username)
	token, err := s.openSession(ctx, u.ID, now)
	return token, u, err
}

func (s *Service) openSession(ctx context.Context, userID int64, now time.Time) (string, error) {
	token, hash, err := auth.NewToken()
	if err != nil {
		return "", err
	}
	err = s.st.Tx(ctx, func(tx *store.Tx) error {
		return tx.InsertSession(ctx, hash, userID, now, now.Add(s.cfg.SessionTTL))
	})
	if err != nil {
		return "", fmt.Errorf("service: open session: %w", err)
	}
	return token, nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.st.Tx(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, auth.TokenHash(token)) })
}

// Authenticate resolves a token to a principal with the posts held now.
func (s *Service) Authenticate(ctx context.Context, token string) (*auth.Principal, error) {
	if token == "" {
		return nil, ErrUnauthorized
	}
	u, err := s.st.SessionUser(ctx, auth.TokenHash(token), s.cfg.SessionClock.Now())
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, ErrUnauthorized
		}
		return nil, err
	}
	return s.principal(ctx, u)
}

// PrincipalFor builds the principal of a loaded user (the posts held now).
func (s *Service) PrincipalFor(ctx context.Context, u model.User) (*auth.Principal, error) {
	return s.principal(ctx, u)
}

func (s *Service) principal(ctx context.Context, u model.User) (*auth.Principal, error) {
	p := &auth.Principal{User: u}
	if u.OfficerID != nil && u.HasRole(model.RoleOfficer) {
		posts, err := s.st.HeldPosts(ctx, *u.OfficerID)
		if err != nil {
			return nil, err
		}
		p.Posts = posts
		if len(posts) > 0 {
			sup, err := s.st.SupervisedPosts(ctx, posts)
			if err != nil {
				return nil, err
			}
			p.Supervised = sup
		}
	}
	return p, nil
}

// SetLanguage remembers the principal's language.
func (s *Service) SetLanguage(ctx context.Context, p *auth.Principal, lang string) error {
	if lang != "hi" && lang != "en" {
		return &ValidationError{Fields: []FieldError{{Field: "language", Code: "invalid_value", Key: "field_invalid_value"}}}
	}
	return s.st.Tx(ctx, func(tx *store.Tx) error { return tx.SetUserLanguage(ctx, p.User.ID, lang) })
}

func require(p *auth.Principal, roles ...model.Role) error {
	if p == nil {
		return ErrUnauthorized
	}
	if !p.Any(roles...) {
		return workflow.ErrForbidden
	}
	return nil
}
