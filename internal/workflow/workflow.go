package workflow

import (
	"errors"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// Sentinel errors. Every refusal the workflow returns wraps exactly one of them
// (test with errors.Is); the API maps each to its HTTP status and problem code.
var (
	// ErrInvalidTransition: the complaint's status (or level) does not allow the action. 409 invalid_transition.
	ErrInvalidTransition = errors.New("invalid_transition")
	// ErrForbidden: the actor's role or posts do not allow the action. 403 forbidden.
	ErrForbidden = errors.New("forbidden")
	// ErrCallerBlocked: the complainant's mobile is blocked. 403 caller_blocked.
	ErrCallerBlocked = errors.New("caller_blocked")
	// ErrMonthlyLimit: the mobile already has the monthly limit of complaints. 429 monthly_limit_reached.
	ErrMonthlyLimit = errors.New("monthly_limit_reached")
	// ErrDuplicateReport: an identical report was already filed on the complaint. 409 duplicate_report.
	ErrDuplicateReport = errors.New("duplicate_report")
	// ErrValidation: an input the action needs is missing or wrong. 400 validation.
	ErrValidation = errors.New("validation")
)

// Refusal is the typed error the workflow returns: Kind is one of the sentinels
// above, Field names the offending input for validation refusals, and Key is a
// locale key (see package locale) for the message a person reads.
type Refusal struct {
	Kind  error
	Field string
	Key   string
}

func (r *Refusal) Error() string {
	if r.Field != "" {
		return "workflow: " + r.Kind.Error() + ": " + r.Field + ": " + r.Key
	}
	return "workflow: " + r.Kind.Error() + ": " + r.Key
}

// Unwrap lets errors.Is match the sentinel.
func (r *Refusal) Unwrap() error { return r.Kind }

func refuse(kind error, key string) error { return &Refusal{Kind: kind, Key: key} }

func invalid(field, key string) error { return &Refusal{Kind: ErrValidation, Field: field, Key: key} }

// Actor is whoever acts: a signed-in user with their roles and the posts they
// hold now, or the system (escalator).
type Actor struct {
	UserID int64
	Name   string
	Roles  []model.Role
	// Posts are the posts the user's officer holds at this moment.
	Posts []int64
	// Mobile is a citizen's verified mobile number.
	Mobile string
}

// System is the actor of automatic changes (escalation).
func System() Actor { return Actor{Name: "system"} }

// Has reports whether the actor holds role r.
func (a Actor) Has(r model.Role) bool {
	for _, x := range a.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Holds reports whether the actor holds post id.
func (a Actor) Holds(id int64) bool {
	if id == 0 {
		return false
	}
	for _, p := range a.Posts {
		if p == id {
			return true
		}
	}
	return false
}

// Result is what an action produces: the complaint's new state, the events to
// append and the messages to queue, all to be saved in one transaction.
type Result struct {
	Complaint model.Complaint
	Events    []model.Event
	Messages  []model.Message
}

// Policy carries the configurable limits the rules read.
type Policy struct {
	// MonthlyLimit is the number of complaints one mobile may file per calendar
	// month (Asia/Kolkata). Default 10.
	MonthlyLimit int
	// UnreachableAttempts is how many unreachable feedback calls close a
	// complaint as unreachable. Default 3.
	UnreachableAttempts int
	// Location is where days and months are counted. Default Asia/Kolkata.
	Location *time.Location
}

// DefaultPolicy is the seed's policy.
func DefaultPolicy() Policy {
	return Policy{MonthlyLimit: 10, UnreachableAttempts: 3, Location: IST}
}

// IST is Asia/Kolkata, fixed at +05:30 (India keeps no daylight saving time), so
// that the rules do not depend on the machine's zone database.
var IST = time.FixedZone("IST", 5*3600+1800)
