package report

import (
	"strconv"
	"strings"

	"github.com/nivaran/nivaran/internal/locale"
)

// MeasureName is a measure's name in lang.
func MeasureName(lang string, m Measure) string {
	return locale.T(lang, "report_measure_"+string(m), nil)
}

// SignalName is a signal kind's name in lang.
func SignalName(lang, kind string) string { return locale.T(lang, "report_signal_"+kind, nil) }

// Formula explains a parameter's marks in lang, for the rubric page:
// the ratio of measures and where full and zero marks lie.
func (p Parameter) Formula(lang string) string {
	names := func(ms []Measure) string {
		s := make([]string, len(ms))
		for i, m := range ms {
			s[i] = MeasureName(lang, m)
		}
		return strings.Join(s, " + ")
	}
	key := "report_formula_higher"
	if p.Direction == LowerBetter {
		key = "report_formula_lower"
	}
	return locale.T(lang, key, map[string]any{
		"Numerator": names(p.Numerator), "Denominator": names(p.Denominator),
		"Full": num(p.FullAt), "Zero": num(p.ZeroAt), "Max": num(p.MaxMarks)})
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
