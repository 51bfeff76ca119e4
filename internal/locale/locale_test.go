package locale

import (
	"sort"
	"strings"
	"testing"
	"unicode"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	hi, en := Keys("hi"), Keys("en")
	sort.Strings(hi)
	sort.Strings(en)
	if len(hi) == 0 || strings.Join(hi, ",") != strings.Join(en, ",") {
		t.Fatalf("hi and en catalogs differ:\nhi=%v\nen=%v", hi, en)
	}
}

func TestHindiIsDevanagari(t *testing.T) {
	for _, k := range Keys("hi") {
		s := T("hi", k, map[string]any{"Field": "x", "Max": 1, "Min": 1, "Limit": 10})
		if !strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Devanagari, r) }) {
			t.Errorf("hi %s = %q has no Devanagari", k, s)
		}
	}
}

func TestLang(t *testing.T) {
	cases := map[string]string{"": "hi", "en": "en", "en-IN,en;q=0.9": "en", "hi-IN": "hi", "fr": "hi", "fr, en;q=0.5": "en", "garbage;;": "hi"}
	for in, want := range cases {
		if got := Lang(in); got != want {
			t.Errorf("Lang(%q) = %q, want %q", in, got, want)
		}
	}
}
