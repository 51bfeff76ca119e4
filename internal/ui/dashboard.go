package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/service"
)

// dashboardData is the monitor's pendency dashboard: where complaints stand
// now by district and by department, and the last months' trends, as tables
// and as the JSON the charts are drawn from.
type dashboardData struct {
	Area, Department string // names of the narrowing, if any
	AreaID, DeptID   int64
	Districts        service.Pendency
	Departments      service.Pendency
	Trends           []trendRow
	Charts           dashCharts
	// Query is the narrowing as a query string, for the export links.
	Query string
}

// trendRow is a month's figures as the trends table shows them.
type trendRow struct {
	Month                                                                      string
	Registered, Disposed, InTime, Satisfied, NotSatisfied, Defaulted, Reopened int64
}

// dashCharts is what static/dashboard.js draws.
type dashCharts struct {
	Lang        string      `json:"lang"`
	Districts   pendChart   `json:"districts"`
	Departments pendChart   `json:"departments"`
	Trends      trendChart  `json:"trends"`
	Labels      chartLabels `json:"labels"`
}

type pendChart struct {
	Names    []string `json:"names"`
	Open     []int64  `json:"open"`
	Overdue  []int64  `json:"overdue"`
	Reported []int64  `json:"reported"`
}

type trendChart struct {
	Months          []string `json:"months"`
	Registered      []int64  `json:"registered"`
	Disposed        []int64  `json:"disposed"`
	ClosedSatisfied []int64  `json:"closed_satisfied"`
	NotSatisfied    []int64  `json:"not_satisfied"`
}

// chartLabels are the series' names in the page language.
type chartLabels struct {
	Open            string `json:"open"`
	Overdue         string `json:"overdue"`
	Reported        string `json:"reported"`
	Registered      string `json:"registered"`
	Disposed        string `json:"disposed"`
	ClosedSatisfied string `json:"closed_satisfied"`
	NotSatisfied    string `json:"not_satisfied"`
}

// dashboardMonths is how many months the trends cover.
const dashboardMonths = 12

// dashboard shows pendency by district and by department with charts, and
// the trends by month, within the monitor's area (narrowed by area_id or
// department_id: a district's row drills down to it).
func (u *UI) dashboard(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ctx := r.Context()
	v := u.newView(r, p, "ui2_dash_title")
	q := r.URL.Query()
	d := dashboardData{AreaID: atoi64(q.Get("area_id")), DeptID: atoi64(q.Get("department_id"))}
	var err error
	if d.Districts, err = u.svc.Pendency(ctx, p, service.PendencyQuery{GroupBy: report.ByDistrict, AreaID: d.AreaID, DepartmentID: d.DeptID}); err != nil {
		u.fail(w, r, p, err)
		return
	}
	if d.Departments, err = u.svc.Pendency(ctx, p, service.PendencyQuery{GroupBy: report.ByDepartment, AreaID: d.AreaID, DepartmentID: d.DeptID}); err != nil {
		u.fail(w, r, p, err)
		return
	}
	trends, err := u.svc.Trends(ctx, p, service.TrendQuery{Months: dashboardMonths, AreaID: d.AreaID, DepartmentID: d.DeptID})
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	for _, t := range trends {
		c := t.Counts
		d.Trends = append(d.Trends, trendRow{Month: t.Month.String(), Registered: c[report.MRegistered], Disposed: c[report.MDisposed],
			InTime: c[report.MDisposedInTime], Satisfied: c[report.MFbSatisfied], NotSatisfied: c[report.MFbNotSatisfied],
			Defaulted: c[report.MDefaulted], Reopened: c[report.MReopened]})
	}
	if d.AreaID != 0 {
		if a, _, err := u.svc.Area(ctx, p, d.AreaID); err == nil {
			d.Area = pick(v.L, a.NameEn, a.NameHi)
		}
	} else if p.User.AreaID != nil {
		if a, _, err := u.svc.Area(ctx, p, *p.User.AreaID); err == nil {
			d.Area = pick(v.L, a.NameEn, a.NameHi)
		}
	}
	if d.DeptID != 0 {
		for _, row := range d.Departments.Rows {
			if row.Key == d.DeptID {
				d.Department = pick(v.L, row.NameEn, row.NameHi)
			}
		}
	}
	nq := url.Values{}
	if d.AreaID != 0 {
		nq.Set("area_id", strconv.FormatInt(d.AreaID, 10))
	}
	if d.DeptID != 0 {
		nq.Set("department_id", strconv.FormatInt(d.DeptID, 10))
	}
	d.Query = nq.Encode()
	d.Charts = charts(v.L, d)
	v.D = d
	u.render(w, http.StatusOK, "dashboard", v)
}

func charts(l string, d dashboardData) dashCharts {
	c := dashCharts{Lang: l, Districts: pendSeries(l, d.Districts), Departments: pendSeries(l, d.Departments),
		Labels: chartLabels{Open: tr(l, "report_col_open"), Overdue: tr(l, "report_col_overdue"), Reported: tr(l, "report_col_reported"),
			Registered: tr(l, "report_measure_registered"), Disposed: tr(l, "report_measure_disposed"),
			ClosedSatisfied: tr(l, "report_measure_fb_satisfied"), NotSatisfied: tr(l, "report_measure_fb_not_satisfied")}}
	for _, t := range d.Trends {
		c.Trends.Months = append(c.Trends.Months, t.Month)
		c.Trends.Registered = append(c.Trends.Registered, t.Registered)
		c.Trends.Disposed = append(c.Trends.Disposed, t.Disposed)
		c.Trends.ClosedSatisfied = append(c.Trends.ClosedSatisfied, t.Satisfied)
		c.Trends.NotSatisfied = append(c.Trends.NotSatisfied, t.NotSatisfied)
	}
	return c
}

// pendSeries lists the groups that hold any complaint (an empty district
// would only stretch the chart); the table below lists them all.
func pendSeries(l string, p service.Pendency) pendChart {
	c := pendChart{Names: []string{}, Open: []int64{}, Overdue: []int64{}, Reported: []int64{}}
	for _, r := range p.Rows {
		if r.Total == 0 {
			continue
		}
		c.Names = append(c.Names, pick(l, r.NameEn, r.NameHi))
		c.Open = append(c.Open, r.Open)
		c.Overdue = append(c.Overdue, r.Overdue)
		c.Reported = append(c.Reported, r.Reported)
	}
	return c
}
