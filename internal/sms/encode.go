package sms

import (
	"strings"
	"unicode/utf8"
)

// DataCoding is the SMPP data_coding a message travels in.
type DataCoding byte

// The two codings nivaran uses.
const (
	CodingGSM7 DataCoding = 0x00 // GSM 03.38 default alphabet (SMSC default)
	CodingUCS2 DataCoding = 0x08 // UCS-2, sent as UTF-16BE
)

func (c DataCoding) String() string {
	if c == CodingUCS2 {
		return "ucs2"
	}
	return "gsm7"
}

// Limits of one SMS, in septets (GSM-7) or UTF-16 code units (UCS-2). A part
// of a concatenated message loses room to the 6-octet UDH that numbers it.
const (
	GSM7Single = 160
	GSM7Part   = 153
	UCS2Single = 70
	UCS2Part   = 67
)

// Segment is one SMS of a message: the text it carries and the units (GSM-7
// septets or UTF-16 code units) that text takes.
type Segment struct {
	Text  string
	Units int
}

// gsmBasic is the GSM 03.38 default alphabet (the escape code 0x1B left out);
// gsmExtension holds the characters reached through the escape, which take
// two septets.
const (
	gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtension = "\f^{}\\[~]|€"
)

// gsmSeptets returns how many septets r takes in GSM-7, or false when r is
// not in the alphabet.
func gsmSeptets(r rune) (int, bool) {
	switch {
	case strings.ContainsRune(gsmBasic, r):
		return 1, true
	case strings.ContainsRune(gsmExtension, r):
		return 2, true
	}
	return 0, false
}

// IsGSM7 reports whether text can travel in the GSM 7-bit default alphabet.
func IsGSM7(text string) bool {
	for _, r := range text {
		if _, ok := gsmSeptets(r); !ok {
			return false
		}
	}
	return true
}

// Encode chooses the coding for text and cuts it into the SMS parts it will
// travel in: one segment when it fits a single SMS, else parts that fit a
// concatenated SMS each. Cuts fall only between grapheme clusters (see
// Clusters); a cluster too long for a part on its own — which no real text
// has — is cut between code points, never inside a surrogate pair. Empty text
// has no segments.
func Encode(text string) (DataCoding, []Segment) {
	if text == "" {
		return CodingGSM7, nil
	}
	coding, single, part := CodingGSM7, GSM7Single, GSM7Part
	if !IsGSM7(text) {
		coding, single, part = CodingUCS2, UCS2Single, UCS2Part
	}
	units := func(s string) int {
		n := 0
		for _, r := range s {
			if coding == CodingGSM7 {
				u, _ := gsmSeptets(r)
				n += u
			} else {
				n += utf16Units(r)
			}
		}
		return n
	}
	if total := units(text); total <= single {
		return coding, []Segment{{Text: text, Units: total}}
	}

	var (
		segs []Segment
		b    strings.Builder
		n    int
	)
	flush := func() {
		if b.Len() > 0 {
			segs = append(segs, Segment{Text: b.String(), Units: n})
			b.Reset()
			n = 0
		}
	}
	add := func(piece string, u int) {
		if n+u > part {
			flush()
		}
		b.WriteString(piece)
		n += u
	}
	for _, c := range Clusters(text) {
		u := units(c)
		if u <= part {
			add(c, u)
			continue
		}
		for _, r := range c {
			add(string(r), units(string(r)))
		}
	}
	flush()
	return coding, segs
}

// utf16Units is the number of UTF-16 code units r takes: two for a rune
// outside the Basic Multilingual Plane (a surrogate pair).
func utf16Units(r rune) int {
	if r > 0xFFFF && r <= utf8.MaxRune {
		return 2
	}
	return 1
}
