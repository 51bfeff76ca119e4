package service

import "strings"

// NormalizeMobile accepts an Indian mobile number with optional +91, 91 or 0
// prefix, spaces and hyphens, and returns its 10 digits; ok is false unless
// the result is 10 digits starting 6–9.
func NormalizeMobile(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '(', ')', '\t':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "+")
	switch {
	case len(s) == 12 && strings.HasPrefix(s, "91"):
		s = s[2:]
	case len(s) == 11 && strings.HasPrefix(s, "0"):
		s = s[1:]
	}
	if len(s) != 10 || s[0] < '6' || s[0] > '9' {
		return "", false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return s, true
}
