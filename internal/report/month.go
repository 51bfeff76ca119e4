package report

import (
	"fmt"
	"time"

	"github.com/nivaran/nivaran/internal/workflow"
)

// Month is a calendar month in India time, the unit of rankings and tallies.
type Month struct {
	Year int
	Mon  time.Month
}

// MonthOf returns the IST month that contains t.
func MonthOf(t time.Time) Month {
	x := t.In(workflow.IST)
	return Month{Year: x.Year(), Mon: x.Month()}
}

// ParseMonth reads "YYYY-MM".
func ParseMonth(s string) (Month, error) {
	t, err := time.ParseInLocation("2006-01", s, workflow.IST)
	if err != nil || len(s) != 7 {
		return Month{}, fmt.Errorf("report: month %q is not YYYY-MM", s)
	}
	return Month{Year: t.Year(), Mon: t.Month()}, nil
}

// MonthFromKey reads the integer form of Key (202611).
func MonthFromKey(k int) Month { return Month{Year: k / 100, Mon: time.Month(k % 100)} }

// Key is the month as the integer YYYYMM that the tables store.
func (m Month) Key() int { return m.Year*100 + int(m.Mon) }

// String is "YYYY-MM".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Mon)) }

// Start is the first instant of the month (IST midnight), in UTC.
func (m Month) Start() time.Time {
	return time.Date(m.Year, m.Mon, 1, 0, 0, 0, 0, workflow.IST).UTC()
}

// End is the first instant of the next month, in UTC.
func (m Month) End() time.Time { return m.Next().Start() }

// Next is the following month.
func (m Month) Next() Month { return MonthOf(time.Date(m.Year, m.Mon+1, 1, 12, 0, 0, 0, workflow.IST)) }

// Prev is the month before.
func (m Month) Prev() Month { return MonthOf(time.Date(m.Year, m.Mon-1, 1, 12, 0, 0, 0, workflow.IST)) }

// Before reports whether m comes before o.
func (m Month) Before(o Month) bool { return m.Key() < o.Key() }

// Day is a calendar day in India time, the unit of the verification sample.
type Day struct {
	Year int
	Mon  time.Month
	D    int
}

// DayOf returns the IST day that contains t.
func DayOf(t time.Time) Day {
	x := t.In(workflow.IST)
	return Day{Year: x.Year(), Mon: x.Month(), D: x.Day()}
}

// Key is the day as the integer YYYYMMDD that the tables store.
func (d Day) Key() int { return d.Year*10000 + int(d.Mon)*100 + d.D }

// DayFromKey reads the integer form of Key.
func DayFromKey(k int) Day { return Day{Year: k / 10000, Mon: time.Month(k / 100 % 100), D: k % 100} }

// String is "YYYY-MM-DD".
func (d Day) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Mon), d.D) }

// Start is the day's first instant (IST midnight), in UTC.
func (d Day) Start() time.Time { return time.Date(d.Year, d.Mon, d.D, 0, 0, 0, 0, workflow.IST).UTC() }

// End is the next day's first instant, in UTC.
func (d Day) End() time.Time { return d.AddDays(1).Start() }

// AddDays moves n calendar days.
func (d Day) AddDays(n int) Day {
	return DayOf(time.Date(d.Year, d.Mon, d.D+n, 12, 0, 0, 0, workflow.IST))
}

var istLoc = workflow.IST
