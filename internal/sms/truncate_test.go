package sms

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTruncatedTextVariables(t *testing.T) {
	reg, err := NewRegistry([]Template{{Key: "k", Language: "hi", Header: "UPCMHL", Body: "{#var#} / {#var#} / {#var#}",
		Vars: []Var{{Name: "place", Type: VarText, MaxLen: 12, Truncate: true}, {Name: "ref", Type: VarRef},
			{Name: "strict", Type: VarText, MaxLen: 12}}}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, place, want string
	}{
		{"fits", "रामपुर", "रामपुर"},
		{"exactly", "123456789012", "123456789012"},
		{"English", "Kakori, Lucknow district", "Kakori, L..."},
		// क्षे is one cluster of four characters: it fits whole, and the
		// cut comes before त्र, which would not.
		{"conjunct", "पूर्वी क्षेत्र लखनऊ", "पूर्वी क्षे…"},
		// द्धा and र्थ stay whole; the last र does not fit.
		{"clusters", "सिद्धार्थनगर जनपद", "सिद्धार्थनग…"},
		// A cut after a space drops the space.
		{"space", "लखनऊ सदर क्षेत्र", "लखनऊ सदर…"},
	}
	for _, c := range cases {
		r, err := reg.Render("k", "hi", map[string]string{"place": c.place, "ref": "260000000014", "strict": "x"})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		got, _, _ := strings.Cut(r.Text, " / ")
		if got != c.want || utf8.RuneCountInString(got) > 12 {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
		for _, cl := range Clusters(got) {
			if !strings.Contains(c.place+"…...", cl) {
				t.Errorf("%s: cluster %q is not in the original", c.name, cl)
			}
		}
	}
	// A variable without Truncate is still refused.
	if _, err := reg.Render("k", "hi", map[string]string{"place": "x", "ref": "260000000014", "strict": "पूर्वी क्षेत्र लखनऊ"}); err == nil {
		t.Error("a long strict variable was accepted")
	}
}
