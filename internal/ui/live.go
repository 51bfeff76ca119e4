package ui

import (
	"fmt"
	"net/http"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/locale"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/workflow"
)

// liveData is the live board with what its template cannot compute: the
// hourly bars scaled to the busiest hour, and durations written for a person.
type liveData struct {
	B     service.LiveBoard
	Hours []liveHour
	// Peak is the busiest hour's count (the bars' full length).
	Peak int
	// Queues in the order the board shows them.
	Queues []liveQueue
	Agents []liveAgent
	Totals liveAgent
}

type liveHour struct {
	Hour, N, Pct int
	Past         bool // the hour has begun (later hours are left blank)
}

type liveQueue struct {
	Key string // feedback, followup, reroute
	service.QueueStatus
	Age string
}

type liveAgent struct {
	service.AgentFigures
	Median, Mean string
}

// live is the call-centre supervisor's board. The page holds a partial that
// htmx fetches again every ten seconds (liveBoard), so the figures move
// without reloading the page.
func (u *UI) live(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui2_live_title")
	if !u.loadLive(w, r, p, v) {
		return
	}
	u.render(w, http.StatusOK, "live", v)
}

// liveBoard is the board alone, for the refresh.
func (u *UI) liveBoard(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui2_live_title")
	if !u.loadLive(w, r, p, v) {
		return
	}
	u.renderBlock(w, http.StatusOK, "live", "board", v)
}

func (u *UI) loadLive(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *view) bool {
	b, err := u.svc.Live(r.Context(), p)
	if err != nil {
		u.fail(w, r, p, err)
		return false
	}
	d := liveData{B: b}
	for _, n := range b.RegistrationsByHour {
		d.Peak = max(d.Peak, n)
	}
	hourNow := b.Now.In(workflow.IST).Hour()
	for h, n := range b.RegistrationsByHour {
		x := liveHour{Hour: h, N: n, Past: h <= hourNow}
		if d.Peak > 0 {
			x.Pct = n * 100 / d.Peak
		}
		d.Hours = append(d.Hours, x)
	}
	for _, q := range []struct {
		key string
		s   service.QueueStatus
	}{{"feedback", b.Feedback}, {"followup", b.Followup}, {"reroute", b.Reroute}} {
		lq := liveQueue{Key: q.key, QueueStatus: q.s}
		if q.s.OldestSince != nil {
			lq.Age = span(v.L, q.s.OldestAge)
		}
		d.Queues = append(d.Queues, lq)
	}
	for _, a := range b.Agents {
		d.Agents = append(d.Agents, liveAgent{AgentFigures: a, Median: handling(a.Timed, a.MedianHandling), Mean: handling(a.Timed, a.MeanHandling)})
	}
	d.Totals = liveAgent{AgentFigures: b.Totals, Median: handling(b.Totals.Timed, b.Totals.MedianHandling),
		Mean: handling(b.Totals.Timed, b.Totals.MeanHandling)}
	v.D = d
	return true
}

// handling writes a handling time as m:ss, or a dash when no call was timed.
func handling(n int, d time.Duration) string {
	if n == 0 {
		return "—"
	}
	s := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// span writes an age in days, hours or minutes, in l.
func span(l string, d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return tf(l, "ui2_age_days", int(d.Hours())/24)
	case d >= time.Hour:
		return tf(l, "ui2_age_hours", int(d.Hours()))
	}
	return tf(l, "ui2_age_minutes", int(d.Minutes()))
}

// tf renders a message with one count, N.
func tf(l, key string, n int) string { return locale.T(l, key, map[string]any{"N": n}) }
