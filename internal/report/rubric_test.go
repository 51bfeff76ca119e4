package report

import (
	"math"
	"strings"
	"testing"
)

func TestMarks(t *testing.T) {
	higher := Parameter{Code: "h", Direction: HigherBetter, MaxMarks: 35, FullAt: 0.9, ZeroAt: 0.4}
	lower := Parameter{Code: "l", Direction: LowerBetter, MaxMarks: 10, FullAt: 0.05, ZeroAt: 0.4}
	zeroFull := Parameter{Code: "z", Direction: LowerBetter, MaxMarks: 10, FullAt: 0, ZeroAt: 0.3}
	tests := []struct {
		name  string
		p     Parameter
		value float64
		want  float64
	}{
		{"higher: at full", higher, 0.9, 35},
		{"higher: beyond full", higher, 1, 35},
		{"higher: at zero", higher, 0.4, 0},
		{"higher: below zero", higher, 0.1, 0},
		{"higher: half way", higher, 0.65, 17.5},
		{"higher: 0.8", higher, 0.8, 28},
		{"lower: at full", lower, 0.05, 10},
		{"lower: better than full", lower, 0, 10},
		{"lower: at zero", lower, 0.4, 0},
		{"lower: worse than zero", lower, 0.9, 0},
		{"lower: 0.2", lower, 0.2, 10 * 0.2 / 0.35},
		{"lower with full at 0: 1/6", zeroFull, 1.0 / 6, 10 * (0.3 - 1.0/6) / 0.3},
		{"lower with full at 0: 0", zeroFull, 0, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Marks(tt.value); math.Abs(got-tt.want) > 1e-9 {
				t.Fatalf("Marks(%v) = %v, want %v", tt.value, got, tt.want)
			}
		})
	}
}

// TestScore marks one unit by the default rubric, worked out by hand.
func TestScore(t *testing.T) {
	r := DefaultRubric()
	tests := []struct {
		name   string
		counts Counts
		score  float64
		marks  map[string]float64
		ok     bool
	}{
		{"no activity is not ranked", Counts{}, 0, nil, false},
		{"registrations alone are no activity", Counts{MRegistered: 4}, 0, nil, false},
		{"perfect month", Counts{MReceived: 10, MDisposed: 10, MDisposedInTime: 10, MFbSatisfied: 10, MVerified: 2, MSCApproved: 1},
			100, map[string]float64{"satisfied_share": 35, "verification_mismatch": 10, "special_closure_approval": 5}, true},
		{
			// satisfied 3/4 = 0.75 → 35 × 0.7 = 24.5; reopen 1/4 = 0.25 → 10 × 0.15/0.35 = 4.2857 → 4.29;
			// in time 4/(4+2) = 0.6667 → 15 × 0.1667/0.45 = 5.5556 → 5.56; defaulter 2/6 → 0;
			// special closures 0/4 → 5; returns 1/6 = 0.1667 → 5 × 0.0333/0.18 = 0.9259 → 0.93;
			// unreachable 0/4 → 5. The applicable parameters (85 marks) earned 45.2672 → rate 0.532556;
			// verification 10 × rate = 5.33, approval 5 × rate = 2.66.
			"mixed month", Counts{MReceived: 6, MDisposed: 4, MDisposedInTime: 4, MDefaulted: 2, MFbSatisfied: 3, MFbNotSatisfied: 1,
				MReopened: 1, MReturned: 1},
			53.27, map[string]float64{"satisfied_share": 24.5, "reopen_rate": 4.29, "disposed_in_time": 5.56, "defaulter_rate": 0,
				"special_closure_share": 5, "returns_per_complaint": 0.93, "unreachable_share": 5, "verification_mismatch": 5.33,
				"special_closure_approval": 2.66}, true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params, score, ok := r.Score(tt.counts)
			if ok != tt.ok || score != tt.score {
				t.Fatalf("score %v ok %v, want %v %v", score, ok, tt.score, tt.ok)
			}
			var sum float64
			for _, p := range params {
				sum += p.Marks
				if want, has := tt.marks[p.Code]; has && p.Marks != want {
					t.Errorf("%s: %v marks, want %v", p.Code, p.Marks, want)
				}
			}
			if ok && math.Abs(sum-score) > 1e-9 {
				t.Errorf("marks add up to %v, score %v", sum, score)
			}
		})
	}
}

func TestRankSharesTies(t *testing.T) {
	rows := []RankingRow{{Key: 4, Score: 70}, {Key: 2, Score: 90}, {Key: 3, Score: 70}, {Key: 1, Score: 50}, {Key: 5, Score: 90}}
	Rank(rows)
	var got []string
	for _, r := range rows {
		got = append(got, string(rune('0'+r.Rank))+":"+string(rune('0'+r.Key)))
	}
	if strings.Join(got, " ") != "1:2 1:5 3:3 3:4 5:1" {
		t.Fatalf("ranks %v", got)
	}
}

func TestComputeSkipsUnitZeroAndIdleUnits(t *testing.T) {
	rows := DefaultRubric().Compute(map[int64]Counts{0: {MReceived: 5}, 7: {MRegistered: 3}, 9: {MReceived: 1}})
	if len(rows) != 1 || rows[0].Key != 9 || rows[0].Score != 100 || rows[0].Rank != 1 {
		t.Fatalf("rows %+v", rows)
	}
}

func TestDefaultRubricIsValidAndWeighsTheCitizenMost(t *testing.T) {
	r := DefaultRubric()
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	if r.MaxScore() != 100 {
		t.Fatalf("max score %v", r.MaxScore())
	}
	var citizen float64
	heaviest := r.Parameters[0]
	for _, p := range r.Parameters {
		switch p.Code {
		case "satisfied_share", "verification_mismatch", "reopen_rate":
			citizen += p.MaxMarks
		}
		if p.MaxMarks > heaviest.MaxMarks {
			heaviest = p
		}
	}
	if heaviest.Code != "satisfied_share" || citizen <= 50 {
		t.Fatalf("heaviest %s, the citizen's word %v of 100", heaviest.Code, citizen)
	}
}

func TestValidateRefusesBrokenRubrics(t *testing.T) {
	base := func() Rubric {
		return Rubric{Version: 9, Parameters: []Parameter{{Code: "a", Numerator: []Measure{MFbSatisfied}, Denominator: []Measure{MReceived},
			Direction: HigherBetter, MaxMarks: 10, FullAt: 1, ZeroAt: 0}}}
	}
	tests := []struct {
		name   string
		change func(*Rubric)
		want   string
	}{
		{"no parameters", func(r *Rubric) { r.Parameters = nil }, "no parameters"},
		{"unknown measure", func(r *Rubric) { r.Parameters[0].Numerator = []Measure{"smiles"} }, "unknown measure"},
		{"empty denominator", func(r *Rubric) { r.Parameters[0].Denominator = nil }, "denominator"},
		{"zero marks", func(r *Rubric) { r.Parameters[0].MaxMarks = 0 }, "max marks"},
		{"direction against the bounds", func(r *Rubric) { r.Parameters[0].Direction = LowerBetter }, "full_at < zero_at"},
		{"equal bounds", func(r *Rubric) { r.Parameters[0].ZeroAt = 1 }, "full_at > zero_at"},
		{"repeated code", func(r *Rubric) { r.Parameters = append(r.Parameters, r.Parameters[0]) }, "repeated"},
	}
	if err := base().Validate(); err != nil {
		t.Fatalf("base: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.change(&r)
			err := r.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestMeasureListRoundTrips(t *testing.T) {
	ms := []Measure{MFbSatisfied, MFbNotSatisfied, MClosedUnreachable}
	if s := MeasureList(ms); s != "fb_satisfied+fb_not_satisfied+closed_unreachable" {
		t.Fatalf("MeasureList = %q", s)
	}
	got := ParseMeasures(" fb_satisfied + fb_not_satisfied+closed_unreachable ")
	if len(got) != 3 || got[2] != MClosedUnreachable {
		t.Fatalf("ParseMeasures = %v", got)
	}
}

func TestFormulaReadsInBothLanguages(t *testing.T) {
	p := DefaultRubric().Parameters[0]
	en, hi := p.Formula("en"), p.Formula("hi")
	if !strings.Contains(en, "feedback: satisfied") || !strings.Contains(en, "0.9") || !strings.Contains(en, "35") {
		t.Errorf("en: %s", en)
	}
	if !strings.Contains(hi, "प्रतिपुष्टि: संतुष्ट") || !strings.Contains(hi, "0.4") {
		t.Errorf("hi: %s", hi)
	}
}
