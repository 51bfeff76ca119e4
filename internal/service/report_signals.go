package service

import (
	"cmp"
	"context"
	"slices"
	"unicode/utf8"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/store"
)

// SignalQuery asks for the technical-disposal signals of a month.
type SignalQuery struct {
	Month      string // YYYY-MM; default the current month
	AreaID     int64
	Thresholds report.Thresholds
}

// Signals are a month's findings.
type Signals struct {
	Month      report.Month
	AreaID     int64
	Thresholds report.Thresholds
	Rows       []SignalRow
}

// SignalRow is a finding with the names of its post and district.
type SignalRow struct {
	report.Signal
	PostEn, PostHi         string
	DistrictEn, DistrictHi string
}

// maxRefs bounds the references listed per finding.
const maxRefs = 50

// Signals looks for the patterns of "technical disposal" in a month: one
// post filing the same report text on several complaints; reports filed
// within minutes of assignment; citizens registering the same complaint again
// soon after a "satisfied" closure; posts whose special-closure or return
// share stands far above their department's. Monitors see their area's;
// call-centre supervisors and admins the state's.
func (s *Service) Signals(ctx context.Context, p *auth.Principal, q SignalQuery) (Signals, error) {
	if err := require(p, model.RoleMonitor, model.RoleSupervisor, model.RoleAdmin); err != nil {
		return Signals{}, err
	}
	sc, err := s.scopeFor(ctx, p, q.AreaID)
	if err != nil {
		return Signals{}, err
	}
	current := report.MonthOf(s.clock.Now())
	month, err := monthArg(q.Month, current, current)
	if err != nil {
		return Signals{}, err
	}
	t := q.Thresholds.WithDefaults()
	m, err := s.master(ctx)
	if err != nil {
		return Signals{}, err
	}
	ss := store.SignalScope{}
	switch {
	case sc.area == 0:
	case m.areas[sc.area].Kind == model.AreaDistrict:
		ss.Districts = []int64{sc.area}
	case m.districtOf(sc.area) != 0:
		ss.WithinArea = sc.area
	default:
		ss.Districts = m.districtsWithin(sc.area)
	}
	start, end := month.Start(), month.End()
	var rows []report.Signal

	hits, err := s.st.SameReportText(ctx, ss, start, end, t.SameTextMin)
	if err != nil {
		return Signals{}, err
	}
	rows = append(rows, groupHits(hits, report.SignalSameText, func(h store.SignalHit) string { return h.Text })...)

	hits, err = s.st.QuickReports(ctx, ss, start, end, t.QuickReport)
	if err != nil {
		return Signals{}, err
	}
	rows = append(rows, groupHits(hits, report.SignalQuickReport, nil)...)

	hits, err = s.st.Reregistered(ctx, ss, start, end, t.ReregisterWithin)
	if err != nil {
		return Signals{}, err
	}
	rows = append(rows, groupHits(hits, report.SignalReregistered, nil)...)

	posts, err := s.st.PostMeasures(ctx, month.Key(), []report.Measure{report.MSCRequested, report.MDisposed, report.MReturned, report.MReceived})
	if err != nil {
		return Signals{}, err
	}
	var sc1, ret []report.PostShare
	for _, x := range posts {
		sc1 = append(sc1, report.PostShare{PostID: x.PostID, DepartmentID: x.DepartmentID, DistrictID: x.DistrictID,
			Num: x.Counts[report.MSCRequested], Den: x.Counts[report.MDisposed]})
		ret = append(ret, report.PostShare{PostID: x.PostID, DepartmentID: x.DepartmentID, DistrictID: x.DistrictID,
			Num: x.Counts[report.MReturned], Den: x.Counts[report.MReceived]})
	}
	for _, o := range append(report.Outliers(report.SignalSpecialClosureOutlier, mergePosts(sc1), t),
		report.Outliers(report.SignalReturnOutlier, mergePosts(ret), t)...) {
		if m.unitWithin(store.UnitPost, o.PostID, sc.area) && (sc.posts == nil || slices.Contains(sc.posts, o.PostID)) {
			rows = append(rows, o)
		}
	}

	out := Signals{Month: month, AreaID: sc.area, Thresholds: t, Rows: make([]SignalRow, len(rows))}
	for i, r := range rows {
		pn, dn := m.postName(r.PostID), m.districtName(r.DistrictID)
		out.Rows[i] = SignalRow{Signal: r, PostEn: pn.en, PostHi: pn.hi, DistrictEn: dn.en, DistrictHi: dn.hi}
	}
	return out, nil
}

// mergePosts adds up a post's shares over the districts it served (a
// divisional post hears complaints of several districts).
func mergePosts(xs []report.PostShare) []report.PostShare {
	by := map[int64]*report.PostShare{}
	var order []int64
	for _, x := range xs {
		if y, ok := by[x.PostID]; ok {
			y.Num += x.Num
			y.Den += x.Den
			continue
		}
		x := x
		by[x.PostID] = &x
		order = append(order, x.PostID)
	}
	out := make([]report.PostShare, len(order))
	for i, id := range order {
		out[i] = *by[id]
	}
	return out
}

// groupHits makes one finding per post (and per text, when text is given)
// out of the complaints the store found, busiest first.
func groupHits(hits []store.SignalHit, kind string, text func(store.SignalHit) string) []report.Signal {
	type key struct {
		post int64
		text string
	}
	by := map[key]*report.Signal{}
	var gaps = map[key][]float64{}
	var order []key
	for _, h := range hits {
		k := key{post: h.PostID}
		if text != nil {
			k.text = text(h)
		}
		sg, ok := by[k]
		if !ok {
			sg = &report.Signal{Kind: kind, PostID: h.PostID, DistrictID: h.DistrictID}
			if text != nil {
				sg.Text = shorten(k.text, 300)
			}
			by[k] = sg
			order = append(order, k)
		}
		sg.Count++
		if len(sg.Complaints) < maxRefs {
			sg.Complaints = append(sg.Complaints, h.Ref)
			if h.RelatedRef != "" {
				sg.Related = append(sg.Related, h.RelatedRef)
			}
		}
		if kind == report.SignalQuickReport {
			gaps[k] = append(gaps[k], h.Gap.Minutes())
		}
	}
	out := make([]report.Signal, 0, len(order))
	for _, k := range order {
		sg := by[k]
		if g := gaps[k]; len(g) > 0 {
			sg.Value = float64(int(report.Median(g)*10)) / 10 // median minutes to report
		}
		out = append(out, *sg)
	}
	slices.SortStableFunc(out, func(a, b report.Signal) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.PostID, b.PostID))
	})
	return out
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
