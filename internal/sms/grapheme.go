package sms

import "unicode"

const (
	zwnj = '\u200C'
	zwj  = '\u200D'
)

// Clusters splits text into grapheme clusters — what a reader sees as one
// character — so that a long message is never cut inside one.
//
// It is not a full UAX #29 segmenter; it covers what nivaran's messages
// contain (Devanagari, Latin, digits, the odd emoji) with these rules:
//
//   - combining marks (Mn, Mc, Me: matras, virama, nukta, anusvara,
//     candrabindu, visarga), ZWJ, ZWNJ and emoji skin-tone modifiers stay
//     with what precedes them;
//   - a consonant after a virama (optionally with ZWJ or other marks between)
//     joins it, so a conjunct such as क्ष or त्र is one cluster, as Unicode
//     15.1's conjunct rule (GB9c) has it; ZWNJ breaks the conjunct;
//   - CR LF is one cluster; ZWJ joins the symbol after it (emoji sequences);
//     regional indicators pair up into flags.
func Clusters(text string) []string {
	var out []string
	start := -1 // byte offset where the current cluster starts
	var (
		prev    rune
		linker  bool   // a virama is pending: the next consonant of its script joins
		script  string // script of that virama
		riCount int    // regional indicators in the current cluster
	)
	for i, r := range text {
		if start < 0 {
			start = i
			prev, linker, riCount = r, false, 0
			if isRegionalIndicator(r) {
				riCount = 1
			}
			continue
		}
		join := false
		switch {
		case prev == '\r' && r == '\n':
			join = true
		case r == zwnj:
			join, linker = true, false
		case isExtend(r):
			join = true
			if s := viramaScript(r); s != "" {
				linker, script = true, s
			} else if unicode.Is(unicode.Mc, r) {
				linker = false
			}
		case linker && unicode.IsLetter(r) && inScript(r, script):
			join, linker = true, false
		case prev == zwj && (unicode.Is(unicode.So, r) || unicode.IsLetter(r)):
			join = true
		case isRegionalIndicator(r) && isRegionalIndicator(prev) && riCount%2 == 1:
			join = true
			riCount++
		}
		if !join {
			out = append(out, text[start:i])
			start = i
			linker, riCount = false, 0
			if isRegionalIndicator(r) {
				riCount = 1
			}
		}
		prev = r
	}
	if start >= 0 {
		out = append(out, text[start:])
	}
	return out
}

// isExtend reports whether r attaches to the character before it.
func isExtend(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me) ||
		r == zwj ||
		(r >= 0x1F3FB && r <= 0x1F3FF) // emoji modifiers are Sk, yet extend
}

// viramaScript returns the script of r if r is one of the viramas that
// Unicode 15.1 marks as a conjunct linker (InCB=Linker), else "".
func viramaScript(r rune) string {
	switch r {
	case 0x094D:
		return "Devanagari"
	case 0x09CD:
		return "Bengali"
	case 0x0ACD:
		return "Gujarati"
	case 0x0B4D:
		return "Oriya"
	case 0x0C4D:
		return "Telugu"
	case 0x0D4D:
		return "Malayalam"
	}
	return ""
}

func inScript(r rune, script string) bool {
	t, ok := unicode.Scripts[script]
	return ok && unicode.Is(t, r)
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }
