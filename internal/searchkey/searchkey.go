// Package searchkey folds text into the key that search compares, so that the
// spellings of one word an agent may type find each other: "हैंडपंप" finds
// "हैण्डपम्प", "सडक" finds "सड़क", "कब्ज़ा" finds "कब्जा".
//
// A key is for comparing, never for showing or storing as the text itself.
// Fold is applied to both sides — the query and the text searched — so a
// folding only has to map variants to the same key, not to the "right"
// spelling. Every folding here is one Hindi writers and dictionaries treat as
// a variant of the same word; foldings that merge distinct words in ordinary
// use (ॉ/ा as in कॉल "call" and काल "time") are deliberately left out.
package searchkey

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const (
	nukta        = '\u093C' // ़
	virama       = '\u094D' // ्
	anusvara     = '\u0902' // ं
	chandrabindu = '\u0901' // ँ
	zwnj         = '\u200C'
	zwj          = '\u200D'
)

// Fold returns the search key of s:
//
//   - NFD, so that the precomposed nukta letters (क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़, U+0958–
//     U+095F, and ऩ ऱ ऴ) split into letter + nukta;
//   - the nukta dropped: ड़/ड, ज़/ज, फ़/फ… (writers drop it freely, and an
//     agent typing fast rarely adds it);
//   - ZWJ and ZWNJ dropped: they only choose how a conjunct is drawn
//     (half-form or explicit virama), never which letters it holds;
//   - a nasal consonant with virama before a consonant (ङ् ञ् ण् न् म्) folds
//     to anusvara, the spelling the Central Hindi Directorate standardised:
//     हैण्डपम्प/हैंडपंप, पेन्शन/पेंशन, सम्वाद/संवाद;
//   - chandrabindu folds to anusvara (गाँव/गांव): print and typing use them
//     interchangeably;
//   - Devanagari digits fold to ASCII digits (२/2);
//   - NFC again, then Unicode lower-casing for Latin (and any other cased)
//     script, as search did before.
//
// A nasal + virama not followed by a consonant (word-final, as in श्रीमान्)
// is kept, so that "श्रीमान" still finds it as a prefix.
func Fold(s string) string {
	if rs, ok := decomposeDevanagari(s); ok {
		return foldRunes(rs) // already NFC and lower-case, see decomposeDevanagari
	}
	return foldGeneral(s)
}

// foldGeneral is Fold for any text.
func foldGeneral(s string) string {
	return strings.ToLower(norm.NFC.String(foldRunes([]rune(norm.NFD.String(s)))))
}

// foldRunes applies the Devanagari foldings to decomposed text.
func foldRunes(rs []rune) string {
	var b strings.Builder
	b.Grow(len(rs) * 3)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == nukta || r == zwj || r == zwnj:
		case isNasal(r) && nextIsViramaConsonant(rs[i+1:]):
			b.WriteRune(anusvara)
			i++ // skip the virama; the consonant is written next round
		case r == chandrabindu:
			b.WriteRune(anusvara)
		case r >= '०' && r <= '९':
			b.WriteRune('0' + (r - '०'))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// nextIsViramaConsonant reports whether rs starts with a virama and then,
// past any nukta, ZWJ or ZWNJ (all dropped), a consonant.
func nextIsViramaConsonant(rs []rune) bool {
	if len(rs) == 0 || rs[0] != virama {
		return false
	}
	for _, r := range rs[1:] {
		switch {
		case r == nukta || r == zwj || r == zwnj:
			continue
		case isConsonant(r):
			return true
		}
		return false
	}
	return false
}

// decomposeDevanagari is Fold's fast path for the text search actually sees:
// ASCII and Devanagari. It decomposes the nukta letters (the only canonical
// decompositions in the block), lower-cases ASCII, and reports false for any
// other rune, or for the Vedic accents U+0951–U+0954 whose combining classes
// NFD would reorder; Fold then takes the general NFD … NFC path. Devanagari
// has no canonical composition other than letter + nukta, so once the nukta
// is gone the result is NFC without normalising again.
// devanagariNFD holds the canonical decomposition of each rune of the
// Devanagari block that has one, as x/text's NFD tables give it.
var devanagariNFD = func() (t [0x80][]rune) {
	for r := rune(0x900); r < 0x980; r++ {
		if d := norm.NFD.PropertiesString(string(r)).Decomposition(); d != nil {
			t[r-0x900] = []rune(string(d))
		}
	}
	return t
}()

func decomposeDevanagari(s string) ([]rune, bool) {
	rs := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			rs = append(rs, r)
		case r == zwj || r == zwnj:
			rs = append(rs, r)
		case r >= '\u0951' && r <= '\u0954':
			return nil, false
		case r >= '\u0900' && r <= '\u097F':
			if dec := devanagariNFD[r-0x900]; dec != nil {
				rs = append(rs, dec...)
			} else {
				rs = append(rs, r)
			}
		default:
			return nil, false
		}
	}
	return rs, true
}

// isNasal reports whether r is one of the five class nasals ङ ञ ण न म.
func isNasal(r rune) bool {
	switch r {
	case 'ङ', 'ञ', 'ण', 'न', 'म':
		return true
	}
	return false
}

// isConsonant reports whether r is a Devanagari consonant letter. After NFD
// and nukta removal the nukta letters are their base letters, which lie in
// क..ह; U+0978–U+097F are consonants of other languages written in Devanagari.
func isConsonant(r rune) bool {
	return (r >= 'क' && r <= 'ह') || (r >= '\u0978' && r <= '\u097F')
}
