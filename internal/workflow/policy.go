package workflow

import (
	"strconv"
	"time"
)

// withDefaults fills the zero fields of p from DefaultPolicy, so that a
// Policy{} from a half-filled configuration never means "no complaints
// allowed" or "close at the first unanswered call".
func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	if p.MonthlyLimit <= 0 {
		p.MonthlyLimit = d.MonthlyLimit
	}
	if p.UnreachableAttempts <= 0 {
		p.UnreachableAttempts = d.UnreachableAttempts
	}
	if p.Location == nil {
		p.Location = d.Location
	}
	return p
}

// MonthBounds returns, in UTC, the start of the calendar month (in
// p.Location, IST by default) that contains now and the start of the next:
// the window RegisterInput.MonthCount counts over.
func (p Policy) MonthBounds(now time.Time) (start, end time.Time) {
	loc := p.withDefaults().Location
	t := now.In(loc)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	return first.UTC(), first.AddDate(0, 1, 0).UTC()
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
