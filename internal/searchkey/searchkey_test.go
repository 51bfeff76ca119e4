package searchkey

import (
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestFoldVariantsMeet(t *testing.T) {
	tests := []struct {
		name string
		a, b string
	}{
		{"nasal conjuncts to anusvara", "हैण्डपम्प", "हैंडपंप"},
		{"dental nasal before sh", "पेन्शन", "पेंशन"},
		{"velar nasal", "गङ्गा", "गंगा"},
		{"palatal nasal", "चञ्चल", "चंचल"},
		{"labial nasal before va", "सम्वाद", "संवाद"},
		{"precomposed nukta letter", "\u095Bमीन", "जमीन"},              // ज़ as one code point
		{"decomposed nukta letter", "ज\u093Cमीन", "जमीन"},              // ज + nukta
		{"nukta in ड़", "सड़क", "सडक"},                                 // U+0921 U+093C, NFC keeps it split
		{"nukta in ढ़ (precomposed)", "\u095Dाई", "ढाई"},               // ढ़
		{"nukta in फ़", "फ़ोन", "फोन"},                                 // फ़
		{"nukta on a word with kabza", "कब्ज़ा", "कब्जा"},              //
		{"chandrabindu", "गाँव", "गांव"},                               //
		{"ZWNJ inside a conjunct", "क्\u200Cष", "क्ष"},                 //
		{"ZWJ half form", "र्\u200Dय", "र्य"},                          //
		{"ZWNJ between nasal virama and consonant", "न्\u200Cह", "ंह"}, //
		{"Devanagari digits", "मार्का-२", "मार्का-2"},                  //
		{"Latin case", "HandPump", "handpump"},                         //
		{"NFD Latin input", "cafe\u0301", "café"},                      //
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if fa, fb := Fold(tt.a), Fold(tt.b); fa != fb {
				t.Errorf("Fold(%q) = %q, Fold(%q) = %q; want equal", tt.a, fa, tt.b, fb)
			}
		})
	}
}

func TestFoldKeepsApart(t *testing.T) {
	tests := []struct {
		name string
		a, b string
	}{
		{"vowel signs stay", "काल", "कॉल"},
		{"long and short i stay", "दिन", "दीन"},
		{"virama elsewhere stays", "क्य", "कय"},
		{"word-final nasal virama stays", "श्रीमान्", "श्रीमां"},
		{"anusvara is not na", "अंक", "अनक"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if fa := Fold(tt.a); fa == Fold(tt.b) {
				t.Errorf("Fold(%q) = Fold(%q) = %q; want different", tt.a, tt.b, fa)
			}
		})
	}
}

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"handpump", "इण्डिया मार्का-2 हैण्डपम्प", "इंडिया मार्का-2 हैंडपंप"},
		{"road keeps no nukta", "सड़क", "सडक"},
		{"nasal before space is not a conjunct", "न् क", "न् क"},
		{"nasal at the end stays", "भगवन्", "भगवन्"},
		{"mixed Hinglish", "Sadak टूटी", "sadak टूटी"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Fold(tt.in)
			if got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !norm.NFC.IsNormalString(got) {
				t.Errorf("Fold(%q) = %q is not NFC", tt.in, got)
			}
			if again := Fold(got); again != got {
				t.Errorf("Fold is not idempotent: Fold(%q) = %q", got, again)
			}
		})
	}
}

// TestFoldSubstring checks the property search relies on: a piece of a word
// typed on its own still folds to a piece of the folded word.
func TestFoldSubstring(t *testing.T) {
	text := Fold("इण्डिया मार्का-2 हैण्डपम्प खराब")
	for _, q := range []string{"हैंडपंप", "हैण्डपम्प", "डपम्प", "ण्डप", "पंप", "इंडिया", "खराब"} {
		if !strings.Contains(text, Fold(q)) {
			t.Errorf("%q (key %q) not found in %q", q, Fold(q), text)
		}
	}
}

func BenchmarkFold(b *testing.B) {
	for b.Loop() {
		Fold("प्रधानमंत्री ग्राम सड़क योजना की सड़क टूटी या अधूरी pmgsy road")
	}
}

// TestFoldFastPathAgrees checks the ASCII-and-Devanagari fast path against
// the general NFD … NFC path on random strings from the letters that matter.
func TestFoldFastPathAgrees(t *testing.T) {
	alphabet := []rune("कखजडढफनमणङञरळहयवशसा िीुेैोौंँ़्ॉ०१९ AbZ-\u200C\u200D\u0958\u095B\u095C\u095F\u0929\u0931\u0934")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		rs := make([]rune, rng.IntN(8))
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(rs)
		if _, ok := decomposeDevanagari(s); !ok {
			t.Fatalf("%q took the general path", s)
		}
		if fast, general := Fold(s), foldGeneral(s); fast != general {
			t.Fatalf("Fold(%q) = %q, general path gives %q", s, fast, general)
		}
	}
}
