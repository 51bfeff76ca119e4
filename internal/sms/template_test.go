package sms

import (
	"errors"
	"strings"
	"testing"

	"github.com/nivaran/nivaran/internal/model"
)

// typicalVars are the values a real message carries, Hindi and English.
var (
	typicalHi = map[string]string{
		"ref": "107600123456", "department": "राजस्व विभाग", "category": "अवैध कब्जा",
		"place": "सदर तहसील, लखनऊ", "due_date": "15-08-2026", "link": "https://up1076.in/c/107600123456",
		"level": "2", "count": "37", "code": "482913", "minutes": "10",
	}
	typicalEn = map[string]string{
		"ref": "107600123456", "department": "Revenue Department", "category": "Illegal encroachment",
		"place": "Sadar Tehsil, Lucknow", "due_date": "15-08-2026", "link": "https://up1076.in/c/107600123456",
		"level": "2", "count": "37", "code": "482913", "minutes": "10",
	}
)

func defaultRegistry(t *testing.T) *Registry {
	t.Helper()
	r, err := NewRegistry(DefaultTemplates())
	if err != nil {
		t.Fatalf("default templates: %v", err)
	}
	return r
}

func TestDefaultTemplatesCoverEveryKey(t *testing.T) {
	r := defaultRegistry(t)
	keys := []string{model.TmplRegistered, model.TmplAssigned, model.TmplEscalated, model.TmplDefaulter,
		model.TmplReportFiled, model.TmplClosed, model.TmplReopened, model.TmplTransferred,
		model.TmplOTP, model.TmplFollowupDue}
	for _, k := range keys {
		for _, lang := range []string{"hi", "en"} {
			tm, ok := r.Lookup(k, lang)
			if !ok || tm.Language != lang {
				t.Errorf("%s/%s: not registered", k, lang)
				continue
			}
			if tm.Header != DefaultHeader {
				t.Errorf("%s/%s: header %q", k, lang, tm.Header)
			}
			sign := " -UP CM Helpline 1076"
			if lang == "hi" {
				sign = " -मुख्यमंत्री हेल्पलाइन 1076"
			}
			if !strings.HasSuffix(tm.Body, sign) {
				t.Errorf("%s/%s: not signed %q: %s", k, lang, sign, tm.Body)
			}
		}
	}
	if got := len(r.Templates()); got != 2*len(keys) {
		t.Errorf("%d templates, want %d", got, 2*len(keys))
	}
}

func TestDefaultTemplatesFitTwoSegments(t *testing.T) {
	r := defaultRegistry(t)
	for _, tm := range r.Templates() {
		vars := typicalHi
		if tm.Language == "en" {
			vars = typicalEn
		}
		out, err := r.Render(tm.Key, tm.Language, vars)
		if err != nil {
			t.Fatalf("%s/%s: %v", tm.Key, tm.Language, err)
		}
		coding, segs := Encode(out.Text)
		if len(segs) > 2 {
			t.Errorf("%s/%s: %d segments (%s): %s", tm.Key, tm.Language, len(segs), coding, out.Text)
		}
		if tm.Language == "en" && coding != CodingGSM7 {
			t.Errorf("%s/en with English values is %s, want GSM-7: %s", tm.Key, coding, out.Text)
		}
		if tm.Language == "hi" && coding != CodingUCS2 {
			t.Errorf("%s/hi is %s", tm.Key, coding)
		}
	}
}

func TestRender(t *testing.T) {
	r := defaultRegistry(t)
	got, err := r.Render(model.TmplRegistered, "hi", typicalHi)
	if err != nil {
		t.Fatal(err)
	}
	want := "आपकी शिकायत सं. 107600123456 दर्ज कर राजस्व विभाग को भेजी गई। निस्तारण की अंतिम तिथि 15-08-2026। -मुख्यमंत्री हेल्पलाइन 1076"
	if got.Text != want {
		t.Errorf("text\n got %s\nwant %s", got.Text, want)
	}
	if got.Header != "UPCMHL" || got.Language != "hi" || got.Key != model.TmplRegistered {
		t.Errorf("rendered %+v", got)
	}
}

func TestRenderFallsBackToHindi(t *testing.T) {
	r := defaultRegistry(t)
	for _, lang := range []string{"ur", "", "bho"} {
		got, err := r.Render(model.TmplClosed, lang, typicalHi)
		if err != nil {
			t.Fatalf("%q: %v", lang, err)
		}
		if got.Language != "hi" {
			t.Errorf("%q: rendered in %q, want hi", lang, got.Language)
		}
	}
}

func TestRenderUnknownTemplate(t *testing.T) {
	r := defaultRegistry(t)
	_, err := r.Render("promo_offer", "en", nil)
	if !errors.Is(err, ErrUnknownTemplate) {
		t.Fatalf("err = %v, want ErrUnknownTemplate", err)
	}
	en, _ := NewRegistry([]Template{{Key: "only_en", Language: "en", Header: "UPCMHL", Body: "hello"}})
	if _, err := en.Render("only_en", "hi", nil); !errors.Is(err, ErrUnknownTemplate) {
		t.Errorf("no hi and no fallback: err = %v", err)
	}
}

func TestRenderValidatesVariables(t *testing.T) {
	reg, err := NewRegistry([]Template{{
		Key: "all", Language: "en", Header: "UPCMHL",
		Body: "{#var#} {#var#} {#var#} {#var#} {#var#} {#var#}",
		Vars: []Var{
			{Name: "ref", Type: VarRef}, {Name: "date", Type: VarDate}, {Name: "n", Type: VarNumber, MaxLen: 4},
			{Name: "phone", Type: VarPhone}, {Name: "url", Type: VarURL, MaxLen: 30}, {Name: "text", Type: VarText, MaxLen: 10},
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	good := map[string]string{"ref": "12345678", "date": "29-02-2028", "n": "42", "phone": "9876543210",
		"url": "https://up1076.in/c/1", "text": "Lucknow"}
	if _, err := reg.Render("all", "en", good); err != nil {
		t.Fatalf("good values refused: %v", err)
	}
	cases := []struct {
		name, varName, value string
	}{
		{"missing", "ref", ""},
		{"ref too short", "ref", "1234567"},
		{"ref too long", "ref", "12345678901234567"},
		{"ref with letters", "ref", "1076AB1234"},
		{"ref with dashes", "ref", "1076-123456"},
		{"date iso", "date", "2026-08-15"},
		{"date impossible", "date", "31-02-2026"},
		{"date slashes", "date", "15/08/2026"},
		{"number with sign", "n", "-4"},
		{"number too long", "n", "12345"},
		{"number decimal", "n", "1.5"},
		{"phone 9 digits", "phone", "987654321"},
		{"phone starts with 5", "phone", "5876543210"},
		{"phone with country code", "phone", "919876543210"},
		{"url ftp", "url", "ftp://up1076.in/x"},
		{"url no host", "url", "https:///x"},
		{"url with space", "url", "https://up1076.in/a b"},
		{"url too long", "url", "https://up1076.in/c/123456789012345"},
		{"text newline", "text", "Luck\nnow"},
		{"text too long", "text", "Lucknow Sadar"},
		{"text placeholder", "text", "{#var#}"},
		{"text invalid utf8", "text", "a\xffb"},
		{"text only spaces", "text", "   "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vars := make(map[string]string, len(good))
			for k, v := range good {
				vars[k] = v
			}
			vars[tc.varName] = tc.value
			_, err := reg.Render("all", "en", vars)
			ve, ok := errors.AsType[*VarError](err)
			if !ok || !errors.Is(err, ErrBadVar) {
				t.Fatalf("err = %v, want a *VarError", err)
			}
			if ve.Name != tc.varName {
				t.Errorf("error names %q, want %q", ve.Name, tc.varName)
			}
			if tc.value != "" && strings.Contains(err.Error(), tc.value) && len(tc.value) > 3 {
				t.Errorf("error repeats the value: %v", err)
			}
		})
	}
}

func TestRenderTextIsNormalised(t *testing.T) {
	reg, err := NewRegistry([]Template{{Key: "k", Language: "hi", Header: "UPCMHL", Body: "स्थान: {#var#}",
		Vars: []Var{{Name: "place", Type: VarText}}}})
	if err != nil {
		t.Fatal(err)
	}
	// A decomposed é (e + U+0301) comes out composed, without the spaces.
	got, err := reg.Render("k", "hi", map[string]string{"place": "  Cafe\u0301  "})
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "स्थान: Café" {
		t.Errorf("text %q", got.Text)
	}
}

func TestNewRegistryRejects(t *testing.T) {
	ok := Template{Key: "k", Language: "hi", Header: "UPCMHL", Body: "a {#var#}", Vars: []Var{{Name: "ref", Type: VarRef}},
		DLTTemplateID: "1107160000000012345", EntityID: "1201160000000012345"}
	cases := map[string]func(*Template){
		"header short":       func(t *Template) { t.Header = "UPCM" },
		"header long":        func(t *Template) { t.Header = "UPCMHLX" },
		"header mixed":       func(t *Template) { t.Header = "UPCM12" },
		"header non-ascii":   func(t *Template) { t.Header = "यूपीसीएमएच" },
		"too few vars":       func(t *Template) { t.Vars = nil },
		"too many vars":      func(t *Template) { t.Vars = append(t.Vars, Var{Name: "x", Type: VarText}) },
		"unknown type":       func(t *Template) { t.Vars[0].Type = "address" },
		"unnamed var":        func(t *Template) { t.Vars[0].Name = "" },
		"no key":             func(t *Template) { t.Key = "" },
		"bad language":       func(t *Template) { t.Language = "Hindi" },
		"empty body":         func(t *Template) { t.Body = " "; t.Vars = nil },
		"non-numeric dlt id": func(t *Template) { t.DLTTemplateID = "TMPL-1" },
		"non-numeric entity": func(t *Template) { t.EntityID = "PE-1" },
		"repeated var": func(t *Template) {
			t.Body = "{#var#} {#var#}"
			t.Vars = []Var{{Name: "ref", Type: VarRef}, {Name: "ref", Type: VarRef}}
		},
	}
	if _, err := NewRegistry([]Template{ok}); err != nil {
		t.Fatalf("good template refused: %v", err)
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			tm := ok
			tm.Vars = append([]Var(nil), ok.Vars...)
			mutate(&tm)
			if _, err := NewRegistry([]Template{tm}); !errors.Is(err, ErrBadTemplate) {
				t.Errorf("err = %v, want ErrBadTemplate", err)
			}
		})
	}
	t.Run("duplicate", func(t *testing.T) {
		if _, err := NewRegistry([]Template{ok, ok}); !errors.Is(err, ErrBadTemplate) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("numeric header", func(t *testing.T) {
		tm := ok
		tm.Header = "123456"
		if _, err := NewRegistry([]Template{tm}); err != nil {
			t.Errorf("promotional numeric header refused: %v", err)
		}
	})
}

func TestSetDLT(t *testing.T) {
	ts := SetDLT(DefaultTemplates(), "1201160000000012345", map[string]string{
		"complaint_registered/hi": "1107160000000000001",
		"otp/en":                  "1107160000000000002",
	})
	r, err := NewRegistry(ts)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := r.Render(model.TmplRegistered, "hi", typicalHi)
	if got.DLTTemplateID != "1107160000000000001" || got.EntityID != "1201160000000012345" {
		t.Errorf("rendered %+v", got)
	}
	got, _ = r.Render(model.TmplClosed, "en", typicalEn)
	if got.DLTTemplateID != "" || got.EntityID != "1201160000000012345" {
		t.Errorf("closed/en %+v", got)
	}
	if DefaultTemplates()[0].EntityID != "" {
		t.Error("SetDLT changed its input")
	}
}
