package sms

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"

	"github.com/linxGnu/gosmpp/data"
)

func TestClusters(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{"conjunct with matra", "नमस्ते", []string{"न", "म", "स्ते"}},
		{"two conjuncts", "क्षत्रिय", []string{"क्ष", "त्रि", "य"}},
		{"nukta and matra", "ज़िला", []string{"ज़ि", "ला"}},
		{"anusvara", "हिंदी", []string{"हिं", "दी"}},
		{"visarga", "दुःख", []string{"दुः", "ख"}},
		{"candrabindu", "आँख", []string{"आँ", "ख"}},
		{"three-consonant conjunct", "लक्ष्मी", []string{"ल", "क्ष्मी"}},
		{"shri", "श्री", []string{"श्री"}},
		{"long word", "प्रधानमंत्री", []string{"प्र", "धा", "न", "मं", "त्री"}},
		{"zwj keeps the conjunct", "क्\u200dष", []string{"क्\u200dष"}},
		{"zwnj breaks the conjunct", "क्\u200cष", []string{"क्\u200c", "ष"}},
		{"virama before latin", "क्a", []string{"क्", "a"}},
		{"danda stands alone", "है।", []string{"है", "।"}},
		{"latin", "Ab 1", []string{"A", "b", " ", "1"}},
		{"combining acute", "e\u0301x", []string{"e\u0301", "x"}},
		{"crlf", "a\r\nb", []string{"a", "\r\n", "b"}},
		{"skin tone", "👍🏽!", []string{"👍🏽", "!"}},
		{"zwj emoji", "👩\u200d💻", []string{"👩\u200d💻"}},
		{"flags pair up", "🇮🇳🇮🇳", []string{"🇮🇳", "🇮🇳"}},
		{"empty", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Clusters(tc.in)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Clusters(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func units16(s string) int { return len(utf16.Encode([]rune(s))) }

func TestEncodeGSM7Boundaries(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		parts []int // septets per segment
	}{
		{"one char", "a", []int{1}},
		{"160 fits one", strings.Repeat("a", 160), []int{160}},
		{"161 needs two", strings.Repeat("a", 161), []int{153, 8}},
		{"306 is two full parts", strings.Repeat("a", 306), []int{153, 153}},
		{"307 needs three", strings.Repeat("a", 307), []int{153, 153, 1}},
		{"80 euros are 160 septets", strings.Repeat("€", 80), []int{160}},
		{"an escape is never split", strings.Repeat("€", 81), []int{152, 10}},
		{"159 plus an escape is 161", strings.Repeat("a", 159) + "{", []int{153, 8}},
		{"GSM accents", strings.Repeat("é", 160), []int{160}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			coding, segs := Encode(tc.text)
			if coding != CodingGSM7 {
				t.Fatalf("coding %s", coding)
			}
			var got []int
			var joined strings.Builder
			for _, s := range segs {
				got = append(got, s.Units)
				joined.WriteString(s.Text)
			}
			if !slices.Equal(got, tc.parts) {
				t.Errorf("parts %v, want %v", got, tc.parts)
			}
			if joined.String() != tc.text {
				t.Error("segments do not reassemble to the text")
			}
		})
	}
}

func TestEncodeUCS2Boundaries(t *testing.T) {
	word := "नमस्ते " // 7 code units
	k66 := strings.Repeat("क", 66)
	cases := []struct {
		name      string
		text      string
		parts     []int
		secondHas string // the second segment must start with this
	}{
		{"70 units fit one", strings.Repeat(word, 10), []int{70}, ""},
		{"71 units need two, cut before स्ते", strings.Repeat(word, 10) + "क", []int{65, 6}, "स्ते"},
		{"134 units are two full parts", strings.Repeat("क", 134), []int{67, 67}, ""},
		{"135 units need three", strings.Repeat("क", 135), []int{67, 67, 1}, ""},
		{"one ç makes latin UCS-2", strings.Repeat("a", 70) + "ç", []int{67, 4}, ""},
		{"conjunct moved whole", k66 + "क्ष" + strings.Repeat("क", 10), []int{66, 13}, "क्ष"},
		{"matra moved with its consonant", k66 + "कि" + strings.Repeat("क", 10), []int{66, 12}, "कि"},
		{"nukta moved with its consonant", k66 + "ज़" + strings.Repeat("क", 10), []int{66, 12}, "ज़"},
		{"surrogate pair never split", k66 + "😀" + strings.Repeat("क", 10), []int{66, 12}, "😀"},
		{"conjunct ending exactly at 67", k66[:len("क")*64] + "क्ष" + strings.Repeat("क", 10), []int{67, 10}, "क"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			coding, segs := Encode(tc.text)
			if coding != CodingUCS2 {
				t.Fatalf("coding %s", coding)
			}
			var got []int
			var joined strings.Builder
			for _, s := range segs {
				got = append(got, s.Units)
				if s.Units != units16(s.Text) {
					t.Errorf("segment says %d units, has %d", s.Units, units16(s.Text))
				}
				joined.WriteString(s.Text)
			}
			if !slices.Equal(got, tc.parts) {
				t.Errorf("parts %v, want %v", got, tc.parts)
			}
			if joined.String() != tc.text {
				t.Error("segments do not reassemble to the text")
			}
			if tc.secondHas != "" && !strings.HasPrefix(segs[1].Text, tc.secondHas) {
				t.Errorf("second segment starts %q, want %q", segs[1].Text[:12], tc.secondHas)
			}
		})
	}
}

// checkSegments asserts what must hold for any text: parts within limits,
// reassembly, and no cut inside a cluster.
func checkSegments(t *testing.T, text string) {
	t.Helper()
	coding, segs := Encode(text)
	single, part := GSM7Single, GSM7Part
	if coding == CodingUCS2 {
		single, part = UCS2Single, UCS2Part
	}
	var joined strings.Builder
	for i, s := range segs {
		joined.WriteString(s.Text)
		limit := part
		if len(segs) == 1 {
			limit = single
		}
		if s.Units > limit {
			t.Errorf("segment %d has %d units, limit %d", i, s.Units, limit)
		}
		if i == 0 {
			continue
		}
		first := []rune(s.Text)[0]
		if unicode.In(first, unicode.Mn, unicode.Mc, unicode.Me) || first == zwj || first == zwnj {
			t.Errorf("segment %d starts with a combining mark %U: %q", i, first, s.Text)
		}
		prev := []rune(segs[i-1].Text)
		if last := prev[len(prev)-1]; last == 0x094D && unicode.Is(unicode.Devanagari, first) && unicode.IsLetter(first) {
			t.Errorf("segments %d and %d tear a conjunct", i-1, i)
		}
	}
	if joined.String() != text {
		t.Errorf("segments do not reassemble:\n got %q\nwant %q", joined.String(), text)
	}
	// Cutting must happen only where Clusters would cut.
	bounds := map[int]bool{}
	off := 0
	for _, c := range Clusters(text) {
		off += len(c)
		bounds[off] = true
	}
	off = 0
	for _, s := range segs[:max(len(segs)-1, 0)] {
		off += len(s.Text)
		if !bounds[off] {
			t.Errorf("cut at byte %d is inside a cluster", off)
		}
	}
}

func TestEncodeRealHindi(t *testing.T) {
	texts := []string{
		"ग्राम पंचायत रामपुर में पिछले तीन महीनों से हैंडपंप ख़राब है, ग्रामीणों को पीने का पानी दूर से लाना पड़ रहा है। कृपया शीघ्र मरम्मत कराएँ।",
		"श्रीमान्, विद्युत वितरण खण्ड द्वितीय के अन्तर्गत ट्रांसफ़ॉर्मर क्षतिग्रस्त होने से मोहल्ले की बिजली आपूर्ति बाधित है; कृपया प्राथमिकता पर कार्यवाही करें।",
		"आपकी शिकायत सं. 107600123456 दर्ज कर राजस्व विभाग को भेजी गई। निस्तारण की अंतिम तिथि 15-08-2026। -मुख्यमंत्री हेल्पलाइन 1076",
	}
	for _, text := range texts {
		checkSegments(t, text)
	}
	_, segs := Encode(texts[0])
	if len(segs) != 3 {
		t.Errorf("first text: %d segments, want 3 (%d units)", len(segs), units16(texts[0]))
	}
	r := defaultRegistry(t)
	for _, tm := range r.Templates() {
		out, _ := r.Render(tm.Key, tm.Language, typicalHi)
		checkSegments(t, out.Text)
	}
}

func TestEncodeRandomDevanagari(t *testing.T) {
	syllables := []string{"क", "क्ष", "त्र", "ज्ञ", "श्री", "कि", "की", "कु", "कृ", "कें", "ज़", "फ़्", "ह्म", "द्ध",
		"ँ", "ं", "ः", " ", "।", "1", "a", "😀", "स्\u200dथ", "\u200c"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		var b strings.Builder
		for range rng.IntN(200) {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		checkSegments(t, b.String())
	}
}

func TestEncodeEmpty(t *testing.T) {
	if _, segs := Encode(""); segs != nil {
		t.Errorf("segments %v", segs)
	}
}

// The GSM-7 table must agree with the encoder that puts bytes on the SMPP
// wire, or a message counted as one SMS would go as two.
func TestGSMTableMatchesWireEncoder(t *testing.T) {
	for _, r := range gsmBasic + gsmExtension {
		b, err := data.GSM7BIT.Encode(string(r))
		n, ok := gsmSeptets(r)
		if err != nil || !ok || len(b) != n {
			t.Errorf("%q: table says %d, encoder gives %d bytes (%v)", r, n, len(b), err)
		}
	}
	for _, r := range "ç`क€́" {
		if r == '€' {
			continue
		}
		if _, ok := gsmSeptets(r); ok {
			t.Errorf("%q counted as GSM-7", r)
		}
	}
}
