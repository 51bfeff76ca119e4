package ui

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/locale"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/service"
)

// signalsData is a month's technical-disposal findings.
type signalsData struct {
	S     service.Signals
	Rows  []signalView
	Query string
}

// signalView is a finding with its figure explained in the page language.
type signalView struct {
	service.SignalRow
	Detail string
}

func signalDetail(l string, s service.SignalRow) string {
	switch s.Kind {
	case report.SignalSameText:
		return s.Text
	case report.SignalQuickReport:
		return locale.T(l, "ui2_signal_minutes", map[string]any{"N": fmt.Sprintf("%.0f", s.Value)})
	case report.SignalSpecialClosureOutlier, report.SignalReturnOutlier:
		return locale.T(l, "ui2_signal_share", map[string]any{"Value": fmt.Sprintf("%.0f%%", 100*s.Value),
			"Median": fmt.Sprintf("%.0f%%", 100*s.PeerMedian)})
	}
	return ""
}

// signals lists the patterns of "technical disposal" found in a month within
// the monitor's area, each with the complaints it rests on.
func (u *UI) signals(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui2_signals_title")
	q := r.URL.Query()
	v.Form = newForm(q)
	s, err := u.svc.Signals(r.Context(), p, service.SignalQuery{Month: q.Get("month"), AreaID: atoi64(q.Get("area_id"))})
	if err != nil {
		if pm := v.Form.refuse(v.L, err, "month"); pm != nil {
			u.fail(w, r, p, err)
			return
		}
		u.render(w, http.StatusUnprocessableEntity, "signals", v)
		return
	}
	v.Form.V.Set("month", s.Month.String())
	eq := url.Values{"month": {s.Month.String()}}
	if id := q.Get("area_id"); id != "" {
		eq.Set("area_id", id)
	}
	d := signalsData{S: s, Query: eq.Encode()}
	for _, row := range s.Rows {
		d.Rows = append(d.Rows, signalView{SignalRow: row, Detail: signalDetail(v.L, row)})
	}
	v.D = d
	u.render(w, http.StatusOK, "signals", v)
}
