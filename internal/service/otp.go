package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// Citizens sign in with their mobile number and a one-time code sent to it
// by SMS. The numbers below are the policy; the rate limits live in the
// database (one otp_codes row per mobile), so they hold across every node.
const (
	OTPDigits   = 6
	OTPValidity = 5 * time.Minute
	// OTPMaxTries wrong codes burn the code: a guesser gets three chances
	// in a million per code.
	OTPMaxTries = 3
	// OTPWindow is the rate-limit window: a mobile gets at most
	// OTPPerMobile codes in it, and one client address codes for at most
	// OTPPerClient mobiles. With three tries a code, the per-client limit
	// also bounds how many guesses one address can make. It is generous
	// because many citizens share an address behind carrier NAT.
	OTPWindow    = 15 * time.Minute
	OTPPerMobile = 3
	OTPPerClient = 30
)

// OTPError is a one-time code that does not sign in. It unwraps to
// ErrUnauthorized (401).
type OTPError struct {
	// Reason is "wrong" (tries are left), "burned" (that was the last
	// try) or "expired" (no live code: none sent, used, expired or burned
	// before).
	Reason    string
	TriesLeft int
}

func (e *OTPError) Error() string {
	return fmt.Sprintf("service: one-time code %s (%d tries left)", e.Reason, e.TriesLeft)
}

// Unwrap makes errors.Is(err, ErrUnauthorized) true.
func (e *OTPError) Unwrap() error { return ErrUnauthorized }

// RateLimitError is a request refused for a while. It unwraps to
// ErrRateLimited (429).
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("service: rate limited; retry after %s", e.RetryAfter)
}

// Unwrap makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitError) Unwrap() error { return ErrRateLimited }

// RequestOTP sends mobile a fresh one-time code by SMS, replacing any code
// sent before: the code is stored hashed and its SMS queued in the outbox in
// one transaction, in the language of the citizen's account (Hindi for a
// new one). A blocked number is refused (workflow.ErrCallerBlocked); more
// than OTPPerMobile codes for the mobile, or codes for more than
// OTPPerClient mobiles from one client address, within OTPWindow, are
// refused with a *RateLimitError.
func (s *Service) RequestOTP(ctx context.Context, mobile, client string) error {
	m, ok := NormalizeMobile(mobile)
	if !ok {
		return &ValidationError{Fields: []FieldError{{Field: "mobile", Code: "invalid_mobile", Key: "field_invalid_mobile"}}}
	}
	code, err := newOTP()
	if err != nil {
		return err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	now := s.clock.Now()
	err = s.st.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ActiveBlock(ctx, m, now); err == nil {
			return workflow.ErrCallerBlocked
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if client != "" {
			n, err := tx.OTPsFromClient(ctx, client, now.Add(-OTPWindow))
			if err != nil {
				return err
			}
			if n >= OTPPerClient {
				return &RateLimitError{RetryAfter: OTPWindow}
			}
		}
		lang := "hi"
		if u, err := tx.CitizenByMobile(ctx, m); err == nil && u.Language != "" {
			lang = u.Language
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		issued, err := tx.IssueOTP(ctx,
			store.OTPCode{Mobile: m, CodeHash: otpHash(salt, m, code), Client: client, CreatedAt: now, ExpiresAt: now.Add(OTPValidity)},
			store.OutboxRow{Mobile: m, Template: model.TmplOTP, Language: lang, NextAt: now, CreatedAt: now,
				Vars:      map[string]string{"code": code, "minutes": strconv.Itoa(int(OTPValidity / time.Minute))},
				DedupeKey: "otp:" + m + ":" + strconv.FormatInt(now.UnixMilli(), 10) + ":" + hex.EncodeToString(salt[:4])},
			OTPWindow, OTPPerMobile)
		if err != nil {
			return err
		}
		if !issued {
			start, err := tx.OTPWindow(ctx, m)
			if err != nil {
				return err
			}
			return &RateLimitError{RetryAfter: max(start.Add(OTPWindow).Sub(now), time.Second)}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "one-time code queued", "mobile", maskMobile(m))
	return nil
}

// VerifyOTP signs a citizen in with the code last sent to mobile: it spends
// the code, creates the citizen's account on first sign-in (username
// citizen:<mobile>, role citizen) and opens a session as Login does. A code
// that does not sign in gives an *OTPError; each wrong one counts against
// the code (OTPMaxTries burn it) and against the client address.
func (s *Service) VerifyOTP(ctx context.Context, mobile, code, client string) (token string, user model.User, err error) {
	m, ok := NormalizeMobile(mobile)
	var c checker
	if !ok {
		c.add("mobile", "invalid_mobile", nil)
	}
	code = strings.TrimSpace(code)
	if len(code) != OTPDigits || !digits(code) {
		c.add("code", "invalid_otp", map[string]any{"Digits": OTPDigits})
	}
	if err := c.err(); err != nil {
		return "", model.User{}, err
	}
	now := s.clock.Now()
	// Sessions and the sign-in throttle keep the session clock, as Login
	// does; the code's validity keeps the service's clock, like its SMS.
	sessionNow := s.cfg.SessionClock.Now()
	if client != "" && !s.logins.Allowed("otp:"+client, sessionNow) {
		return "", model.User{}, &RateLimitError{RetryAfter: time.Minute}
	}
	if _, err := s.st.ActiveBlock(ctx, m, now); err == nil {
		return "", model.User{}, workflow.ErrCallerBlocked
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", model.User{}, err
	}
	o, err := s.st.OTP(ctx, m)
	if errors.Is(err, store.ErrNotFound) {
		return "", model.User{}, &OTPError{Reason: "expired"}
	} else if err != nil {
		return "", model.User{}, err
	}
	if o.UsedAt != nil || !now.Before(o.ExpiresAt) || o.WrongTries >= OTPMaxTries {
		return "", model.User{}, &OTPError{Reason: "expired"}
	}
	if !otpMatches(o.CodeHash, m, code) {
		var tries int
		if err := s.st.Tx(ctx, func(tx *store.Tx) error {
			var err error
			tries, err = tx.FailOTP(ctx, m, o.CodeHash)
			return err
		}); err != nil {
			return "", model.User{}, err
		}
		if client != "" {
			s.logins.Fail("otp:"+client, sessionNow)
		}
		switch left := OTPMaxTries - tries; {
		case tries == 0: // replaced or used meanwhile
			return "", model.User{}, &OTPError{Reason: "expired"}
		case left <= 0:
			return "", model.User{}, &OTPError{Reason: "burned"}
		default:
			return "", model.User{}, &OTPError{Reason: "wrong", TriesLeft: left}
		}
	}
	var u model.User
	err = s.st.Tx(ctx, func(tx *store.Tx) error {
		used, err := tx.UseOTP(ctx, m, o.CodeHash, OTPMaxTries, now)
		if err != nil {
			return err
		}
		if !used { // a concurrent request spent it, or it was replaced
			return &OTPError{Reason: "expired"}
		}
		u, err = tx.CitizenByMobile(ctx, m)
		if err == nil || !errors.Is(err, store.ErrNotFound) {
			return err
		}
		u = model.User{Username: "citizen:" + m, Name: m, Roles: []model.Role{model.RoleCitizen}, Mobile: m, Language: "hi"}
		if err := tx.InsertUser(ctx, &u, "", now); err != nil {
			if errors.Is(err, store.ErrConflict) {
				// The account exists but is disabled.
				return workflow.ErrForbidden
			}
			return err
		}
		return nil
	})
	if err != nil {
		return "", model.User{}, err
	}
	token, err = s.openSession(ctx, u.ID, sessionNow)
	if err != nil {
		return "", model.User{}, err
	}
	s.log.InfoContext(ctx, "citizen signed in with a one-time code", "user_id", u.ID, "mobile", maskMobile(m))
	return token, u, nil
}

// newOTP draws a uniformly random code of OTPDigits digits.
func newOTP() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("service: one-time code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// otpHash is how a code is stored: "v1$salt$sha256(salt‖mobile‖code)", in
// hex. A six-digit code's hash can be searched offline in a moment, so the
// hash only keeps live codes out of sight of whoever reads the table or a
// backup within the code's five minutes; the salt keeps two codes from
// hashing alike.
func otpHash(salt []byte, mobile, code string) string {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(mobile + ":" + code))
	return "v1$" + hex.EncodeToString(salt) + "$" + hex.EncodeToString(h.Sum(nil))
}

func otpMatches(stored, mobile, code string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 3 || parts[0] != "v1" {
		return false
	}
	salt, err := hex.DecodeString(parts[1])
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(otpHash(salt, mobile, code)), []byte(stored)) == 1
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// maskMobile keeps a mobile number's last four digits, for logs.
func maskMobile(m string) string {
	if len(m) < 4 {
		return "****"
	}
	return strings.Repeat("*", len(m)-4) + m[len(m)-4:]
}
