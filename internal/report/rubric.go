package report

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Direction says which way a parameter's value is good.
type Direction string

// Directions.
const (
	HigherBetter Direction = "higher_better"
	LowerBetter  Direction = "lower_better"
)

// Parameter is one marking point of a rubric. Its value is a ratio of sums of
// measures, Σ Numerator ÷ Σ Denominator, over the unit's tallies of the month;
// its marks run in a straight line from 0 at ZeroAt to MaxMarks at FullAt,
// clamped at both ends (see Marks).
type Parameter struct {
	Code                         string
	NameEn, NameHi               string
	DescriptionEn, DescriptionHi string
	Numerator, Denominator       []Measure
	Direction                    Direction
	MaxMarks                     float64
	FullAt, ZeroAt               float64
}

// Rubric is one version of the marking scheme. A government order that
// changes the scheme becomes a new version (rows in rubric_versions and
// rubric_parameters), in force from its first month; a month is always marked
// by the version in force then.
type Rubric struct {
	Version       int
	Code          string
	NameEn        string
	NameHi        string
	EffectiveFrom Month
	OrderRef      string // the order the version implements
	Parameters    []Parameter
}

// MaxScore is the sum of the parameters' maximum marks.
func (r Rubric) MaxScore() float64 {
	var s float64
	for _, p := range r.Parameters {
		s += p.MaxMarks
	}
	return round2(s)
}

// Validate checks that the rubric can mark anything: known measures, a
// non-empty ratio, positive marks, and FullAt and ZeroAt apart in the
// parameter's direction.
func (r Rubric) Validate() error {
	var errs []error
	if len(r.Parameters) == 0 {
		errs = append(errs, errors.New("no parameters"))
	}
	seen := map[string]bool{}
	for _, p := range r.Parameters {
		if p.Code == "" || seen[p.Code] {
			errs = append(errs, fmt.Errorf("parameter %q: empty or repeated code", p.Code))
		}
		seen[p.Code] = true
		if len(p.Numerator) == 0 || len(p.Denominator) == 0 {
			errs = append(errs, fmt.Errorf("parameter %s: numerator and denominator need a measure each", p.Code))
		}
		for _, m := range append(slices.Clone(p.Numerator), p.Denominator...) {
			if !m.Known() {
				errs = append(errs, fmt.Errorf("parameter %s: unknown measure %q", p.Code, m))
			}
		}
		if !(p.MaxMarks > 0) {
			errs = append(errs, fmt.Errorf("parameter %s: max marks must be positive", p.Code))
		}
		switch {
		case p.Direction == HigherBetter && p.FullAt > p.ZeroAt:
		case p.Direction == LowerBetter && p.FullAt < p.ZeroAt:
		default:
			errs = append(errs, fmt.Errorf("parameter %s: %s needs full_at %s zero_at", p.Code, p.Direction,
				map[Direction]string{HigherBetter: ">", LowerBetter: "<"}[p.Direction]))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("report: rubric %d: %w", r.Version, err)
	}
	return nil
}

// Ratio returns Σ numerator and Σ denominator of the parameter over c.
func (p Parameter) Ratio(c Counts) (num, den int64) {
	for _, m := range p.Numerator {
		num += c[m]
	}
	for _, m := range p.Denominator {
		den += c[m]
	}
	return num, den
}

// Marks is the marking formula:
//
//	fraction = (value − ZeroAt) ÷ (FullAt − ZeroAt), clamped to [0, 1]
//	marks    = MaxMarks × fraction
//
// so a value at or beyond FullAt earns full marks, one at or beyond ZeroAt
// none, and one in between a straight-line share. It reads the same for both
// directions (for a lower-better parameter FullAt < ZeroAt).
func (p Parameter) Marks(value float64) float64 {
	f := (value - p.ZeroAt) / (p.FullAt - p.ZeroAt)
	return p.MaxMarks * math.Max(0, math.Min(1, f))
}

// ParamScore is one parameter's part of a unit's row.
type ParamScore struct {
	Code string
	// Value is the ratio, rounded to 4 places; 0 when not applicable.
	Value    float64
	Marks    float64
	MaxMarks float64
	// Applicable is false when the denominator is 0 (nothing to judge): the
	// parameter then earns the unit's average rate on the others (pro rata).
	Applicable             bool
	Numerator, Denominator int64
}

// Score marks a unit's month. Applicable parameters earn Marks(value),
// rounded to 2 places. A parameter with nothing to judge earns, pro rata, the
// same share of its maximum as the unit earned over the applicable ones, so
// that having no complaints of a kind neither helps nor hurts. The score is the
// sum of the marks. ok is false when no parameter applies (no activity): the
// unit is not ranked.
func (r Rubric) Score(c Counts) (params []ParamScore, score float64, ok bool) {
	params = make([]ParamScore, len(r.Parameters))
	var earned, possible float64
	for i, p := range r.Parameters {
		num, den := p.Ratio(c)
		ps := ParamScore{Code: p.Code, MaxMarks: p.MaxMarks, Numerator: num, Denominator: den}
		if den > 0 {
			v := float64(num) / float64(den)
			m := p.Marks(v)
			ps.Value, ps.Marks, ps.Applicable = round4(v), round2(m), true
			earned += m
			possible += p.MaxMarks
		}
		params[i] = ps
	}
	if possible == 0 {
		return params, 0, false
	}
	rate := earned / possible
	for i := range params {
		if !params[i].Applicable {
			params[i].Marks = round2(params[i].MaxMarks * rate)
		}
		score += params[i].Marks
	}
	return params, round2(score), true
}

// RankingRow is one ranked unit.
type RankingRow struct {
	Rank           int
	Key            int64
	NameEn, NameHi string
	Score          float64
	MaxScore       float64
	Parameters     []ParamScore
}

// Rank orders rows best first (score descending, then key) and numbers them
// as competitions do: equal scores share a rank, and the next rank skips
// (1, 2, 2, 4).
func Rank(rows []RankingRow) {
	slices.SortFunc(rows, func(a, b RankingRow) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Key, b.Key))
	})
	for i := range rows {
		if i > 0 && rows[i].Score == rows[i-1].Score {
			rows[i].Rank = rows[i-1].Rank
		} else {
			rows[i].Rank = i + 1
		}
	}
}

// Compute ranks units by rubric r from their counts of the month.
func (r Rubric) Compute(units map[int64]Counts) []RankingRow {
	max := r.MaxScore()
	rows := make([]RankingRow, 0, len(units))
	for key, c := range units {
		if key == 0 {
			continue
		}
		params, score, ok := r.Score(c)
		if !ok {
			continue
		}
		rows = append(rows, RankingRow{Key: key, Score: score, MaxScore: max, Parameters: params})
	}
	Rank(rows)
	return rows
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
func round4(x float64) float64 { return math.Round(x*10000) / 10000 }

// MeasureList renders measures as "a+b" (as the rubric table stores them).
func MeasureList(ms []Measure) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = string(m)
	}
	return strings.Join(s, "+")
}

// ParseMeasures reads MeasureList's form.
func ParseMeasures(s string) []Measure {
	var out []Measure
	for _, x := range strings.Split(s, "+") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, Measure(x))
		}
	}
	return out
}

// DefaultRubric is version 1, which migration 00004 stores: the citizen's
// word weighs most — satisfied share, verification mismatches and reopen
// rate carry 55 of 100 marks; the clock (disposal in time, defaulters) 25;
// misuse of special closure, returns and unreachable closures 20.
func DefaultRubric() Rubric {
	return Rubric{Version: 1, Code: "nivaran-2026-default", NameEn: "nivaran default rubric", NameHi: "निवारण मानक अंक-योजना",
		EffectiveFrom: Month{Year: 2000, Mon: 1}, OrderRef: "nivaran default (no government order)",
		Parameters: []Parameter{
			{Code: "satisfied_share", NameEn: "Citizens satisfied", NameHi: "संतुष्ट शिकायतकर्ता",
				DescriptionEn: "Share of feedback answers on the unit's reports that were \"satisfied\"",
				DescriptionHi: "इकाई की आख्याओं पर प्रतिपुष्टि में \"संतुष्ट\" उत्तरों का अनुपात",
				Numerator:     []Measure{MFbSatisfied}, Denominator: []Measure{MFbSatisfied, MFbNotSatisfied},
				Direction: HigherBetter, MaxMarks: 35, FullAt: 0.9, ZeroAt: 0.4},
			{Code: "verification_mismatch", NameEn: "Verification mismatches", NameHi: "सत्यापन में असंगति",
				DescriptionEn: "Share of the unit's closures re-verified by a second call that the citizen contradicted",
				DescriptionHi: "दोबारा फ़ोन करके सत्यापित निस्तारणों में से जिनका शिकायतकर्ता ने खंडन किया",
				Numerator:     []Measure{MVerifyMismatch}, Denominator: []Measure{MVerified},
				Direction: LowerBetter, MaxMarks: 10, FullAt: 0, ZeroAt: 0.2},
			{Code: "reopen_rate", NameEn: "Reopened", NameHi: "पुनः खोली गई",
				DescriptionEn: "Reports sent back (citizen not satisfied, or verification mismatch) per disposal",
				DescriptionHi: "प्रति निस्तारण वापस लौटी आख्याएँ (असंतुष्ट शिकायतकर्ता या सत्यापन में असंगति)",
				Numerator:     []Measure{MReopened}, Denominator: []Measure{MDisposed},
				Direction: LowerBetter, MaxMarks: 10, FullAt: 0.05, ZeroAt: 0.4},
			{Code: "disposed_in_time", NameEn: "Disposed within time", NameHi: "समय-सीमा में निस्तारण",
				DescriptionEn: "Share of deadlines that ended in a disposal within time rather than in an escalation",
				DescriptionHi: "समय-सीमाओं में से जिनका अंत एस्केलेशन के बजाय समय पर निस्तारण से हुआ",
				Numerator:     []Measure{MDisposedInTime}, Denominator: []Measure{MDisposed, MDefaulted},
				Direction: HigherBetter, MaxMarks: 15, FullAt: 0.95, ZeroAt: 0.5},
			{Code: "defaulter_rate", NameEn: "Defaulters", NameHi: "डिफ़ॉल्टर",
				DescriptionEn: "Escalations caused (deadlines let pass) per complaint received",
				DescriptionHi: "प्राप्त प्रति शिकायत पर हुए एस्केलेशन (बीती समय-सीमाएँ)",
				Numerator:     []Measure{MDefaulted}, Denominator: []Measure{MReceived},
				Direction: LowerBetter, MaxMarks: 10, FullAt: 0, ZeroAt: 0.3},
			{Code: "special_closure_share", NameEn: "Special closures", NameHi: "विशेष निस्तारण",
				DescriptionEn: "Special-closure requests per disposal",
				DescriptionHi: "प्रति निस्तारण विशेष निस्तारण (स्पेशल क्लोज) के अनुरोध",
				Numerator:     []Measure{MSCRequested}, Denominator: []Measure{MDisposed},
				Direction: LowerBetter, MaxMarks: 5, FullAt: 0.05, ZeroAt: 0.25},
			{Code: "special_closure_approval", NameEn: "Special closures approved", NameHi: "स्वीकृत विशेष निस्तारण",
				DescriptionEn: "Share of the unit's special-closure requests that the supervisor approved",
				DescriptionHi: "इकाई के विशेष निस्तारण अनुरोधों में से पर्यवेक्षक द्वारा स्वीकृत",
				Numerator:     []Measure{MSCApproved}, Denominator: []Measure{MSCApproved, MSCRejected},
				Direction: HigherBetter, MaxMarks: 5, FullAt: 1, ZeroAt: 0.5},
			{Code: "returns_per_complaint", NameEn: "Returned as not ours", NameHi: "\"हमारा नहीं\" कहकर लौटाई गई",
				DescriptionEn: "Complaints returned to the re-route desk per complaint received",
				DescriptionHi: "प्राप्त प्रति शिकायत पर पुनः अग्रेषण डेस्क को लौटाई गई शिकायतें",
				Numerator:     []Measure{MReturned}, Denominator: []Measure{MReceived},
				Direction: LowerBetter, MaxMarks: 5, FullAt: 0.02, ZeroAt: 0.2},
			{Code: "unreachable_share", NameEn: "Citizen unreachable", NameHi: "शिकायतकर्ता से संपर्क नहीं",
				DescriptionEn: "Share of feedback-concluded complaints closed because the citizen could not be reached",
				DescriptionHi: "प्रतिपुष्टि से समाप्त शिकायतों में से जो शिकायतकर्ता से संपर्क न होने पर बंद हुईं",
				Numerator:     []Measure{MClosedUnreachable}, Denominator: []Measure{MFbSatisfied, MFbNotSatisfied, MClosedUnreachable},
				Direction: LowerBetter, MaxMarks: 5, FullAt: 0.05, ZeroAt: 0.3},
		}}
}
