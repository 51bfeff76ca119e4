package sms

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Outgoing is a rendered message addressed to a 10-digit Indian mobile.
type Outgoing struct {
	To string
	Rendered
}

// Provider sends one message and returns the id the gateway gave it, which
// delivery receipts refer to later. Errors tell, through IsTemporary,
// whether sending again later can succeed.
type Provider interface {
	Name() string
	Send(ctx context.Context, m Outgoing) (providerID string, err error)
}

// DeliveryFunc receives a final delivery outcome for a message a provider
// sent, by the provider id Send returned. An error asks the gateway to
// report again later where its protocol allows (an SMPP temporary error, an
// HTTP 500): a receipt can outrun the outbox's own record that the message
// was sent.
type DeliveryFunc func(ctx context.Context, providerID string, delivered bool) error

// Sent is a message a provider accepted, as the log and fake providers
// remember it.
type Sent struct {
	At         time.Time
	Provider   string
	ProviderID string
	To         string
	Rendered
	Coding   DataCoding
	Segments int
}

// ErrBadRecipient is returned, permanently, for a recipient that is not a
// 10-digit Indian mobile number.
var ErrBadRecipient = errors.New("sms: recipient is not a 10-digit Indian mobile number")

// SendError is a provider's failure, classified.
type SendError struct {
	Provider  string
	Temporary bool   // trying again later may succeed
	Code      string // the gateway's own code (HTTP status, SMPP command status), if any
	Err       error
}

func (e *SendError) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	if e.Code != "" {
		return fmt.Sprintf("sms: %s: %s failure (%s): %v", e.Provider, kind, e.Code, e.Err)
	}
	return fmt.Sprintf("sms: %s: %s failure: %v", e.Provider, kind, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// Temporary wraps err as a failure that may pass on a later attempt.
func Temporary(provider, code string, err error) error {
	return &SendError{Provider: provider, Temporary: true, Code: code, Err: err}
}

// Permanent wraps err as a failure that no retry will fix.
func Permanent(provider, code string, err error) error {
	return &SendError{Provider: provider, Code: code, Err: err}
}

// IsTemporary reports whether a send that failed with err may succeed later.
//
// Errors a provider classified answer for themselves, and bad templates,
// variables and recipients are permanent. Anything else — an error nobody
// classified — counts as temporary: retrying a message that can never go
// costs a few attempts until the outbox's maximum age, while failing one that
// could have gone loses it.
func IsTemporary(err error) bool {
	if err == nil {
		return false
	}
	if se, ok := errors.AsType[*SendError](err); ok {
		return se.Temporary
	}
	if errors.Is(err, ErrBadRecipient) || errors.Is(err, ErrUnknownTemplate) ||
		errors.Is(err, ErrBadVar) || errors.Is(err, ErrBadTemplate) {
		return false
	}
	return true
}

// checkOutgoing refuses, permanently, what no gateway should be given.
func checkOutgoing(provider string, m Outgoing) error {
	if !ValidMobile(m.To) {
		return Permanent(provider, "", ErrBadRecipient)
	}
	if m.Text == "" {
		return Permanent(provider, "", errors.New("empty message"))
	}
	return nil
}
