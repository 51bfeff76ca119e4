package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

// rankingData is a month's ranking with the rubric's parameters as columns.
type rankingData struct {
	R      service.Ranking
	Of     string
	Units  []string
	Params []report.Parameter
	AreaID int64
	DeptID int64
	Query  string // the ranking's query, for the export links
}

// ranking shows the monthly ranking of districts, departments or posts, each
// row with its marks per parameter. A district drills down to its posts, a
// department to its posts, a post to its complaints.
func (u *UI) ranking(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui2_rank_title")
	q := r.URL.Query()
	v.Form = newForm(q)
	d := rankingData{Of: q.Get("of"), Units: []string{store.UnitDistrict, store.UnitDepartment, store.UnitPost},
		AreaID: atoi64(q.Get("area_id")), DeptID: atoi64(q.Get("department_id"))}
	if d.Of == "" {
		d.Of = store.UnitDistrict
	}
	res, err := u.svc.Ranking(r.Context(), p, service.RankingQuery{Month: q.Get("month"), Of: d.Of, AreaID: d.AreaID, DepartmentID: d.DeptID})
	if err != nil {
		if pm := v.Form.refuse(v.L, err, "month"); pm != nil {
			u.fail(w, r, p, err)
			return
		}
		u.render(w, http.StatusUnprocessableEntity, "ranking", v)
		return
	}
	d.R, d.Params = res, res.Rubric.Parameters
	eq := url.Values{"month": {res.Month.String()}, "of": {d.Of}}
	if d.AreaID != 0 {
		eq.Set("area_id", strconv.FormatInt(d.AreaID, 10))
	}
	if d.DeptID != 0 {
		eq.Set("department_id", strconv.FormatInt(d.DeptID, 10))
	}
	d.Query = eq.Encode()
	v.Form.V.Set("month", res.Month.String())
	v.D = d
	u.render(w, http.StatusOK, "ranking", v)
}
