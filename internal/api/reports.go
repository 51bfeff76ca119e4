package api

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/locale"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

func (s *Server) reportRoutes() {
	s.handle("GET /api/v1/reports/pendency", s.authed(s.pendency))
	s.handle("GET /api/v1/reports/ranking", s.authed(s.ranking))
	s.handle("GET /api/v1/reports/ranking/rubric", s.authed(s.rubric))
	s.handle("GET /api/v1/reports/signals", s.authed(s.signals))
	s.handle("GET /api/v1/reports/trends", s.authed(s.trends))
	s.handle("GET /api/v1/verification-queue", s.authed(s.verificationQueue))
	s.handle("POST /api/v1/complaints/{ref}/verification", s.authed(s.verify))
}

// format reads ?format=json|csv|xlsx; ok is false when a problem was answered.
func (s *Server) format(w http.ResponseWriter, r *http.Request) (report.Format, bool) {
	switch f := report.Format(r.URL.Query().Get("format")); f {
	case "", report.FormatJSON:
		return report.FormatJSON, true
	case report.FormatCSV, report.FormatXLSX:
		return f, true
	}
	s.invalid(w, r, "format", "invalid_value", nil)
	return "", false
}

// reportParams reads the parameters every report takes: the format, and
// the area and department it is narrowed to (0: not narrowed); ok is false
// when a problem was answered.
func (s *Server) reportParams(w http.ResponseWriter, r *http.Request) (f report.Format, area, dept int64, ok bool) {
	if f, ok = s.format(w, r); !ok {
		return
	}
	if area, ok = s.queryID(w, r, "area_id"); !ok {
		return
	}
	dept, ok = s.queryID(w, r, "department_id")
	return
}

// writeTable answers a report as a file, streamed as it is written.
func (s *Server) writeTable(w http.ResponseWriter, r *http.Request, f report.Format, name string, t report.Table) {
	w.Header().Set("Content-Type", f.ContentType())
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, name, f))
	w.Header().Set("Content-Language", s.lang(r))
	w.WriteHeader(http.StatusOK)
	var err error
	if f == report.FormatXLSX {
		err = report.WriteXLSX(w, t)
	} else {
		err = report.WriteCSV(w, t)
	}
	if err != nil {
		// The status is sent; all that is left is to say so in the log.
		s.log.Error("report export failed", "path", r.URL.Path, "format", string(f), "err", err)
	}
}

// col makes columns with headers from locale keys ("report_col_" + key).
func cols(lang string, keys ...string) []report.Column {
	out := make([]report.Column, len(keys))
	for i, k := range keys {
		out[i] = report.Column{Header: locale.T(lang, "report_col_"+k, nil), Width: colWidth(k)}
	}
	return out
}

func colWidth(k string) float64 {
	switch k {
	case "name_en", "name_hi", "post_en", "post_hi", "district_en", "district_hi", "department_en", "department_hi", "kind":
		return 36
	case "text", "complaints", "related":
		return 60
	}
	return 12
}

func dateStamp(t time.Time) string { return ist(t).Format("2006-01-02") }

// Pendency.

type pendencyRowJSON struct {
	Key                   any      `json:"key"`
	NameEn                string   `json:"name_en"`
	NameHi                string   `json:"name_hi"`
	Open                  int64    `json:"open"`
	Escalated             int64    `json:"escalated"`
	Overdue               int64    `json:"overdue"`
	Reported              int64    `json:"reported"`
	Closed                int64    `json:"closed"`
	ByLevel               []int64  `json:"by_level"`
	SpecialClosurePending int64    `json:"special_closure_pending"`
	Returned              int64    `json:"returned"`
	ClosedSatisfied       int64    `json:"closed_satisfied"`
	Total                 int64    `json:"total"`
	District              *nameRef `json:"district,omitempty"`
	Department            *nameRef `json:"department,omitempty"`
}

func pendencyRowOut(r report.PendencyRow, g report.GroupBy) pendencyRowJSON {
	out := pendencyRowJSON{Key: r.Key, NameEn: r.NameEn, NameHi: r.NameHi, Open: r.Open, Escalated: r.Escalated,
		Overdue: r.Overdue, Reported: r.Reported, Closed: r.Closed, ByLevel: r.ByLevel[:],
		SpecialClosurePending: r.SpecialClosurePending, Returned: r.Returned, ClosedSatisfied: r.ClosedSatisfied, Total: r.Total}
	if g == report.ByDistrictDepartment {
		out.Key = fmt.Sprintf("%d:%d", r.Key, r.Key2)
		out.District = &nameRef{ID: r.Key, NameEn: r.NameEn, NameHi: r.NameHi}
		out.Department = &nameRef{ID: r.Key2, NameEn: r.Name2En, NameHi: r.Name2Hi}
		out.NameEn, out.NameHi = r.NameEn+" / "+r.Name2En, r.NameHi+" / "+r.Name2Hi
	}
	return out
}

func (s *Server) pendency(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, area, dept, ok := s.reportParams(w, r)
	if !ok {
		return
	}
	res, err := s.svc.Pendency(r.Context(), p, service.PendencyQuery{GroupBy: report.GroupBy(r.URL.Query().Get("group_by")),
		AreaID: area, DepartmentID: dept})
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	if f != report.FormatJSON {
		s.writeTable(w, r, f, "pendency-"+strings.ReplaceAll(string(res.GroupBy), ",", "-")+"-"+dateStamp(res.AsOf), pendencyTable(s.lang(r), res))
		return
	}
	rows := make([]pendencyRowJSON, len(res.Rows))
	for i, x := range res.Rows {
		rows[i] = pendencyRowOut(x, res.GroupBy)
	}
	total := pendencyRowOut(res.Total, report.ByDistrict)
	total.Key, total.NameEn, total.NameHi = nil, locale.T("en", "report_total", nil), locale.T("hi", "report_total", nil)
	writeJSON(w, http.StatusOK, map[string]any{"group_by": res.GroupBy, "as_of": ist(res.AsOf), "area_id": idOrNil(res.AreaID),
		"department_id": idOrNil(res.DepartmentID), "rows": rows, "total": total})
}

func idOrNil(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func pendencyTable(lang string, res service.Pendency) report.Table {
	keys := []string{"key", "name_en", "name_hi"}
	if res.GroupBy == report.ByDistrictDepartment {
		keys = []string{"district_id", "district_en", "district_hi", "department_id", "department_en", "department_hi"}
	}
	keys = append(keys, "open", "escalated", "overdue", "reported", "closed", "l0", "l1", "l2", "l3", "l4",
		"special_closure_pending", "returned", "closed_satisfied", "total")
	return report.Table{Sheet: "pendency", Columns: cols(lang, keys...), Rows: func(yield func([]any) bool) {
		for _, x := range res.Rows {
			row := []any{x.Key, x.NameEn, x.NameHi}
			if res.GroupBy == report.ByDistrictDepartment {
				row = []any{x.Key, x.NameEn, x.NameHi, x.Key2, x.Name2En, x.Name2Hi}
			}
			row = append(row, x.Open, x.Escalated, x.Overdue, x.Reported, x.Closed,
				x.ByLevel[0], x.ByLevel[1], x.ByLevel[2], x.ByLevel[3], x.ByLevel[4],
				x.SpecialClosurePending, x.Returned, x.ClosedSatisfied, x.Total)
			if !yield(row) {
				return
			}
		}
	}}
}

// Ranking.

type rankParamJSON struct {
	Code        string  `json:"code"`
	NameEn      string  `json:"name_en"`
	NameHi      string  `json:"name_hi"`
	Value       float64 `json:"value"`
	Marks       float64 `json:"marks"`
	MaxMarks    float64 `json:"max_marks"`
	Applicable  bool    `json:"applicable"`
	Numerator   int64   `json:"numerator"`
	Denominator int64   `json:"denominator"`
}

type rankRowJSON struct {
	Rank       int             `json:"rank"`
	Key        int64           `json:"key"`
	NameEn     string          `json:"name_en"`
	NameHi     string          `json:"name_hi"`
	Score      float64         `json:"score"`
	MaxScore   float64         `json:"max_score"`
	Parameters []rankParamJSON `json:"parameters"`
}

type rubricRefJSON struct {
	Version       int     `json:"version"`
	Code          string  `json:"code"`
	NameEn        string  `json:"name_en"`
	NameHi        string  `json:"name_hi"`
	EffectiveFrom string  `json:"effective_from"`
	OrderRef      string  `json:"order_ref"`
	MaxScore      float64 `json:"max_score"`
}

func rubricRef(r report.Rubric) rubricRefJSON {
	return rubricRefJSON{Version: r.Version, Code: r.Code, NameEn: r.NameEn, NameHi: r.NameHi, EffectiveFrom: r.EffectiveFrom.String(),
		OrderRef: r.OrderRef, MaxScore: r.MaxScore()}
}

func paramNames(r report.Rubric, code string) (string, string) {
	for _, p := range r.Parameters {
		if p.Code == code {
			return p.NameEn, p.NameHi
		}
	}
	return code, code
}

func (s *Server) ranking(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, area, dept, ok := s.reportParams(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	res, err := s.svc.Ranking(r.Context(), p, service.RankingQuery{Month: q.Get("month"), Of: q.Get("of"), AreaID: area, DepartmentID: dept})
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	if f != report.FormatJSON {
		s.writeTable(w, r, f, "ranking-"+res.Of+"-"+res.Month.String(), rankingTable(s.lang(r), res))
		return
	}
	rows := make([]rankRowJSON, len(res.Rows))
	for i, x := range res.Rows {
		ps := make([]rankParamJSON, len(x.Parameters))
		for j, pm := range x.Parameters {
			en, hi := paramNames(res.Rubric, pm.Code)
			ps[j] = rankParamJSON{Code: pm.Code, NameEn: en, NameHi: hi, Value: pm.Value, Marks: pm.Marks, MaxMarks: pm.MaxMarks,
				Applicable: pm.Applicable, Numerator: pm.Numerator, Denominator: pm.Denominator}
		}
		rows[i] = rankRowJSON{Rank: x.Rank, Key: x.Key, NameEn: x.NameEn, NameHi: x.NameHi, Score: x.Score, MaxScore: x.MaxScore, Parameters: ps}
	}
	writeJSON(w, http.StatusOK, map[string]any{"month": res.Month.String(), "of": res.Of, "frozen": res.Frozen,
		"provisional": res.Provisional, "computed_at": ist(res.ComputedAt), "rubric": rubricRef(res.Rubric),
		"max_score": res.Rubric.MaxScore(), "rows": rows})
}

func rankingTable(lang string, res service.Ranking) report.Table {
	columns := cols(lang, "rank", "key", "name_en", "name_hi", "score", "max_score")
	for _, pm := range res.Rubric.Parameters {
		name := pm.NameHi
		if lang == "en" {
			name = pm.NameEn
		}
		columns = append(columns,
			report.Column{Header: locale.T(lang, "report_col_value", map[string]any{"Name": name}), Width: 14},
			report.Column{Header: locale.T(lang, "report_col_marks", map[string]any{"Name": name}), Width: 14})
	}
	return report.Table{Sheet: "ranking", Columns: columns, Rows: func(yield func([]any) bool) {
		for _, x := range res.Rows {
			row := []any{x.Rank, x.Key, x.NameEn, x.NameHi, x.Score, x.MaxScore}
			for _, pm := range res.Rubric.Parameters {
				i := slices.IndexFunc(x.Parameters, func(ps report.ParamScore) bool { return ps.Code == pm.Code })
				if i < 0 {
					row = append(row, nil, nil)
					continue
				}
				var v any = x.Parameters[i].Value
				if !x.Parameters[i].Applicable {
					v = ""
				}
				row = append(row, v, x.Parameters[i].Marks)
			}
			if !yield(row) {
				return
			}
		}
	}}
}

type rubricParamJSON struct {
	Code          string   `json:"code"`
	NameEn        string   `json:"name_en"`
	NameHi        string   `json:"name_hi"`
	DescriptionEn string   `json:"description_en"`
	DescriptionHi string   `json:"description_hi"`
	MaxMarks      float64  `json:"max_marks"`
	Direction     string   `json:"direction"`
	Numerator     []string `json:"numerator"`
	Denominator   []string `json:"denominator"`
	FullAt        float64  `json:"full_at"`
	ZeroAt        float64  `json:"zero_at"`
	FormulaEn     string   `json:"formula_en"`
	FormulaHi     string   `json:"formula_hi"`
}

func measureCodes(ms []report.Measure) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return out
}

func (s *Server) rubric(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	cur, all, err := s.svc.RankingRubric(r.Context(), p, r.URL.Query().Get("month"))
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	params := make([]rubricParamJSON, len(cur.Parameters))
	for i, pm := range cur.Parameters {
		params[i] = rubricParamJSON{Code: pm.Code, NameEn: pm.NameEn, NameHi: pm.NameHi, DescriptionEn: pm.DescriptionEn,
			DescriptionHi: pm.DescriptionHi, MaxMarks: pm.MaxMarks, Direction: string(pm.Direction),
			Numerator: measureCodes(pm.Numerator), Denominator: measureCodes(pm.Denominator), FullAt: pm.FullAt, ZeroAt: pm.ZeroAt,
			FormulaEn: pm.Formula("en"), FormulaHi: pm.Formula("hi")}
	}
	versions := make([]rubricRefJSON, len(all))
	for i, v := range all {
		versions[i] = rubricRef(v)
	}
	measures := make([]map[string]string, len(report.Measures))
	for i, m := range report.Measures {
		measures[i] = map[string]string{"code": string(m), "name_en": report.MeasureName("en", m), "name_hi": report.MeasureName("hi", m)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"version": cur.Version, "code": cur.Code, "name_en": cur.NameEn, "name_hi": cur.NameHi,
		"effective_from": cur.EffectiveFrom.String(), "order_ref": cur.OrderRef, "max_score": cur.MaxScore(),
		"formula_en": locale.T("en", "report_formula", nil), "formula_hi": locale.T("hi", "report_formula", nil),
		"parameters": params, "measures": measures, "versions": versions})
}

// Signals.

type signalJSON struct {
	Kind       string   `json:"kind"`
	NameEn     string   `json:"name_en"`
	NameHi     string   `json:"name_hi"`
	Post       *postRef `json:"post"`
	District   *nameRef `json:"district"`
	Count      int64    `json:"count"`
	Value      float64  `json:"value"`
	PeerMedian float64  `json:"peer_median"`
	Threshold  float64  `json:"threshold"`
	Complaints []string `json:"complaints"`
	Related    []string `json:"related"`
	Text       string   `json:"text"`
}

// thresholds reads the optional signal thresholds.
func (s *Server) thresholds(w http.ResponseWriter, r *http.Request) (report.Thresholds, bool) {
	var t report.Thresholds
	q := r.URL.Query()
	ints := []struct {
		name string
		dst  func(int64)
	}{
		{"same_text_min", func(n int64) { t.SameTextMin = int(n) }},
		{"quick_minutes", func(n int64) { t.QuickReport = time.Duration(n) * time.Minute }},
		{"reregister_days", func(n int64) { t.ReregisterWithin = time.Duration(n) * 24 * time.Hour }},
		{"outlier_min_count", func(n int64) { t.OutlierMinCount = n }},
	}
	for _, x := range ints {
		n, ok := s.queryID(w, r, x.name)
		if !ok {
			return t, false
		}
		if n > 0 {
			x.dst(n)
		}
	}
	if v := q.Get("outlier_factor"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 1 || f > 100 {
			s.invalid(w, r, "outlier_factor", "out_of_range", map[string]any{"Min": 1, "Max": 100})
			return t, false
		}
		t.OutlierFactor = f
	}
	return t, true
}

func (s *Server) signals(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, ok := s.format(w, r)
	if !ok {
		return
	}
	area, ok := s.queryID(w, r, "area_id")
	if !ok {
		return
	}
	t, ok := s.thresholds(w, r)
	if !ok {
		return
	}
	res, err := s.svc.Signals(r.Context(), p, service.SignalQuery{Month: r.URL.Query().Get("month"), AreaID: area, Thresholds: t})
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	if f != report.FormatJSON {
		s.writeTable(w, r, f, "signals-"+res.Month.String(), signalsTable(s.lang(r), res))
		return
	}
	rows := make([]signalJSON, len(res.Rows))
	for i, x := range res.Rows {
		rows[i] = signalJSON{Kind: x.Kind, NameEn: report.SignalName("en", x.Kind), NameHi: report.SignalName("hi", x.Kind),
			Count: x.Count, Value: x.Value, PeerMedian: x.PeerMedian, Threshold: x.Threshold, Complaints: nonNil(x.Complaints),
			Related: nonNil(x.Related), Text: x.Text}
		if x.PostID != 0 {
			rows[i].Post = &postRef{ID: x.PostID, TitleEn: x.PostEn, TitleHi: x.PostHi}
		}
		if x.DistrictID != 0 {
			rows[i].District = &nameRef{ID: x.DistrictID, NameEn: x.DistrictEn, NameHi: x.DistrictHi}
		}
	}
	th := res.Thresholds
	writeJSON(w, http.StatusOK, map[string]any{"month": res.Month.String(), "area_id": idOrNil(res.AreaID),
		"thresholds": map[string]any{"same_text_min": th.SameTextMin, "quick_minutes": th.QuickReport.Minutes(),
			"reregister_days": th.ReregisterWithin.Hours() / 24, "outlier_factor": th.OutlierFactor,
			"outlier_min_count": th.OutlierMinCount, "outlier_floor": th.OutlierFloor},
		"rows": rows})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func signalsTable(lang string, res service.Signals) report.Table {
	return report.Table{Sheet: "signals",
		Columns: cols(lang, "kind", "post_id", "post_en", "post_hi", "district_en", "district_hi", "count", "value_plain",
			"peer_median", "threshold", "complaints", "related", "text"),
		Rows: func(yield func([]any) bool) {
			for _, x := range res.Rows {
				if !yield([]any{report.SignalName(lang, x.Kind), x.PostID, x.PostEn, x.PostHi, x.DistrictEn, x.DistrictHi,
					x.Count, x.Value, x.PeerMedian, x.Threshold, strings.Join(x.Complaints, " "), strings.Join(x.Related, " "), x.Text}) {
					return
				}
			}
		}}
}

// Trends.

func trendRow(t service.TrendRow) map[string]any {
	row := map[string]any{"month": t.Month.String()}
	for _, m := range report.Measures {
		row[string(m)] = t.Counts[m]
	}
	row["satisfied_share"] = t.Counts.SatisfiedShare()
	row["in_time_share"] = t.Counts.InTimeShare()
	return row
}

func (s *Server) trends(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, area, dept, ok := s.reportParams(w, r)
	if !ok {
		return
	}
	months, ok := s.queryID(w, r, "months")
	if !ok {
		return
	}
	res, err := s.svc.Trends(r.Context(), p, service.TrendQuery{Months: int(months), AreaID: area, DepartmentID: dept})
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	lang := s.lang(r)
	if f != report.FormatJSON {
		columns := cols(lang, "month")
		for _, m := range report.Measures {
			columns = append(columns, report.Column{Header: report.MeasureName(lang, m), Width: 14})
		}
		columns = append(columns, cols(lang, "satisfied_share", "in_time_share")...)
		s.writeTable(w, r, f, "trends-"+dateStamp(s.svc.Now()), report.Table{Sheet: "trends", Columns: columns,
			Rows: func(yield func([]any) bool) {
				for _, t := range res {
					row := trendRow(t)
					cells := []any{t.Month.String()}
					for _, m := range report.Measures {
						cells = append(cells, t.Counts[m])
					}
					if !yield(append(cells, row["satisfied_share"], row["in_time_share"])) {
						return
					}
				}
			}})
		return
	}
	rows := make([]map[string]any, len(res))
	for i, t := range res {
		rows[i] = trendRow(t)
	}
	writeJSON(w, http.StatusOK, map[string]any{"months": len(res), "area_id": idOrNil(area), "department_id": idOrNil(dept), "rows": rows})
}

// Verification.

type verificationJSON struct {
	ID         int64         `json:"id"`
	Reason     string        `json:"reason"`
	Status     string        `json:"status"`
	SampleDay  string        `json:"sample_day"`
	ClosedAt   time.Time     `json:"closed_at"`
	EnqueuedAt time.Time     `json:"enqueued_at"`
	DecidedAt  *time.Time    `json:"decided_at"`
	Remarks    string        `json:"remarks"`
	Complaint  complaintJSON `json:"complaint"`
}

func (s *Server) verificationQueue(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	_, limit, ok := s.page(w, r)
	if !ok {
		return
	}
	area, ok := s.queryID(w, r, "area_id")
	if !ok {
		return
	}
	q := r.URL.Query()
	rows, next, err := s.svc.VerificationQueue(r.Context(), p, service.VerificationFilter{Status: q.Get("status"), AreaID: area,
		Cursor: q.Get("cursor"), Limit: limit})
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	now := s.svc.Now()
	out := make([]verificationJSON, len(rows))
	for i, x := range rows {
		out[i] = verificationJSON{ID: x.ID, Reason: x.Reason, Status: x.Status, SampleDay: report.DayFromKey(x.SampleDay).String(),
			ClosedAt: ist(x.ClosedAt), EnqueuedAt: ist(x.EnqueuedAt), DecidedAt: istPtr(x.DecidedAt), Remarks: x.Remarks,
			Complaint: complaintOut(x.Complaint, p, now)}
	}
	var cur *string
	if next != "" {
		cur = &next
	}
	writeJSON(w, http.StatusOK, list[verificationJSON]{Items: out, NextCursor: cur})
}

type verifyIn struct {
	Outcome string `json:"outcome"`
	Remarks string `json:"remarks"`
}

func (s *Server) verify(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	action(s, func(r *http.Request, p *auth.Principal, ref string, in verifyIn) (store.ComplaintRow, error) {
		return s.svc.Verify(r.Context(), p, ref, in.Outcome, in.Remarks)
	})(w, r, p)
}
