package refno

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Sentinel errors of Check and Make.
var (
	// ErrFormat: the reference is not 8 to 16 digits once normalised.
	ErrFormat = errors.New("refno: not a reference number")
	// ErrCheckDigit: the digits are well formed but the check digit does not match.
	ErrCheckDigit = errors.New("refno: check digit mismatch")
	// ErrRange: Make was asked for a negative year or sequence, or one that would
	// not fit in MaxLen digits.
	ErrRange = errors.New("refno: out of range")
)

// Lengths of a reference number, check digit included.
const (
	// Len is the length of a reference whose sequence fits in SeqDigits.
	Len = 2 + SeqDigits + 1
	// SeqDigits is the width the sequence is zero-padded to.
	SeqDigits = 9
	// MinLen and MaxLen bound what Check accepts.
	MinLen = 8
	MaxLen = 16
)

// Make returns the reference of the seq-th complaint of year: year%100 in two
// digits, seq in at least SeqDigits digits, and a Verhoeff check digit. It
// fails with ErrRange for a negative year or seq, or a seq of more than
// MaxLen-3 (13) digits.
func Make(year int, seq int64) (string, error) {
	if year < 0 || seq < 0 {
		return "", fmt.Errorf("%w: year %d, seq %d", ErrRange, year, seq)
	}
	body := fmt.Sprintf("%02d%0*d", year%100, SeqDigits, seq)
	if len(body)+1 > MaxLen {
		return "", fmt.Errorf("%w: seq %d needs more than %d digits", ErrRange, seq, MaxLen)
	}
	return body + strconv.Itoa(int(checkDigit(body))), nil
}

// Normalize drops spaces (any Unicode space) and hyphens from ref and reads
// Devanagari digits as ASCII ones. It does not validate.
func Normalize(ref string) string {
	var b strings.Builder
	b.Grow(len(ref))
	for _, r := range ref {
		switch {
		case r == '-' || unicode.IsSpace(r):
			continue
		case r >= '०' && r <= '९':
			b.WriteRune('0' + (r - '०'))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Check reports whether ref, after Normalize, is a well-formed reference with a
// valid check digit. It returns ErrFormat or ErrCheckDigit.
func Check(ref string) error {
	s := Normalize(ref)
	if len(s) < MinLen || len(s) > MaxLen {
		return ErrFormat
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return ErrFormat
		}
	}
	if !valid(s) {
		return ErrCheckDigit
	}
	return nil
}

// Group returns the normalised ref in groups of four digits from the left,
// separated by spaces, for reading aloud: "2600 0001 2345".
func Group(ref string) string {
	s := Normalize(ref)
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
