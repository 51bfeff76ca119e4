package sms

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Placeholder is how DLT writes a variable in a registered template body.
const Placeholder = "{#var#}"

// FallbackLanguage is the language used when a template has no text in the
// language asked for: the helpline's working language.
const FallbackLanguage = "hi"

// VarType is the DLT type tag of a template variable.
type VarType string

// The variable types nivaran's templates use. DLT tags variables by what
// they carry; the checks below keep a value inside what its tag allows.
const (
	VarRef    VarType = "reference_id" // 8–16 digits
	VarDate   VarType = "date"         // dd-mm-yyyy
	VarNumber VarType = "number"       // digits only
	VarText   VarType = "text"         // one line of free text
	VarURL    VarType = "url"          // http(s), whitelisted on DLT
	VarPhone  VarType = "phone"        // 10-digit Indian mobile
)

// defaultMaxLen is the length a variable of each type may take when its Var
// sets none. Text gets 30 because DLT platforms cap a {#var#} at 30
// characters.
func defaultMaxLen(t VarType) int {
	switch t {
	case VarRef:
		return 16
	case VarDate:
		return 10
	case VarNumber:
		return 10
	case VarPhone:
		return 10
	case VarURL:
		return 100
	case VarText:
		return 30
	}
	return 0
}

// Var names one {#var#} of a template body, in order, with its DLT type and
// the longest value it accepts (in characters; 0 means the type's default).
//
// Truncate lets a text variable that is too long be shortened to fit — cut
// at a grapheme-cluster boundary, ending in "…" — instead of being refused.
// It is for names (of a complaint type, a place, a department), which the
// helpline does not choose the length of and which still tell the reader
// what is meant when shortened: refusing them would leave an officer
// without the SMS about a new complaint. Other types are never shortened: a
// cut reference number or date would be wrong, not short.
type Var struct {
	Name     string
	Type     VarType
	MaxLen   int
	Truncate bool
}

func (v Var) maxLen() int {
	if v.MaxLen > 0 {
		return v.MaxLen
	}
	return defaultMaxLen(v.Type)
}

// Template is one registered DLT content template in one language.
type Template struct {
	Key           string // nivaran's name for the message, e.g. model.TmplRegistered
	Language      string // "hi", "en"
	Body          string // registered text with {#var#} placeholders
	DLTTemplateID string // the id DLT assigned (19 digits); may be empty in development
	Header        string // registered sender header, six characters
	EntityID      string // principal entity id; may be empty in development
	Vars          []Var  // one per placeholder, in order
}

// Rendered is a template filled with values, ready for a provider.
type Rendered struct {
	Key           string
	Language      string
	Text          string
	DLTTemplateID string
	Header        string
	EntityID      string
}

// Errors of the registry. Render's errors wrap ErrUnknownTemplate or
// ErrBadVar (as a *VarError); NewRegistry's wrap ErrBadTemplate.
var (
	ErrUnknownTemplate = errors.New("sms: unknown template")
	ErrBadVar          = errors.New("sms: bad template variable")
	ErrBadTemplate     = errors.New("sms: bad template")
)

// VarError says which variable of which template was refused, and why. The
// value itself is left out on purpose: it may be a one-time code.
type VarError struct {
	Template string
	Name     string
	Reason   string
}

func (e *VarError) Error() string {
	return fmt.Sprintf("sms: template %s: variable %s: %s", e.Template, e.Name, e.Reason)
}

// Unwrap lets errors.Is match ErrBadVar.
func (e *VarError) Unwrap() error { return ErrBadVar }

// compiled is a template split at its placeholders, so rendering is a join.
type compiled struct {
	Template
	parts []string // len(Vars)+1 literal pieces
}

// Registry holds the registered templates and renders them. It is read-only
// after NewRegistry and safe for concurrent use.
type Registry struct {
	byID  map[string]*compiled // key + "/" + language
	order []*compiled
}

// NewRegistry validates ts and builds a registry. Every problem found is
// reported, not just the first, so a bad template file is fixed in one go.
func NewRegistry(ts []Template) (*Registry, error) {
	r := &Registry{byID: make(map[string]*compiled, len(ts))}
	var errs []error
	for _, t := range ts {
		c, err := compile(t)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		id := t.Key + "/" + t.Language
		if _, dup := r.byID[id]; dup {
			errs = append(errs, fmt.Errorf("%w: %s: registered twice", ErrBadTemplate, id))
			continue
		}
		r.byID[id] = c
		r.order = append(r.order, c)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return r, nil
}

func compile(t Template) (*compiled, error) {
	id := t.Key + "/" + t.Language
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrBadTemplate, id, fmt.Sprintf(format, args...))
	}
	if t.Key == "" {
		return nil, bad("no key")
	}
	if !isLanguage(t.Language) {
		return nil, bad("language %q is not a 2–3 letter code", t.Language)
	}
	if !validHeader(t.Header) {
		return nil, bad("header %q is not six letters (or six digits)", t.Header)
	}
	if t.DLTTemplateID != "" && !allDigits(t.DLTTemplateID) {
		return nil, bad("DLT template id %q is not numeric", t.DLTTemplateID)
	}
	if t.EntityID != "" && !allDigits(t.EntityID) {
		return nil, bad("DLT entity id %q is not numeric", t.EntityID)
	}
	if strings.TrimSpace(t.Body) == "" {
		return nil, bad("empty body")
	}
	if !utf8.ValidString(t.Body) {
		return nil, bad("body is not valid UTF-8")
	}
	parts := strings.Split(t.Body, Placeholder)
	if n := len(parts) - 1; n != len(t.Vars) {
		return nil, bad("body has %d placeholders but %d variables", n, len(t.Vars))
	}
	seen := make(map[string]bool, len(t.Vars))
	for _, v := range t.Vars {
		if v.Name == "" {
			return nil, bad("variable without a name")
		}
		if seen[v.Name] {
			// Positional DLT variables could repeat a value, but one name
			// in two places would let the two drift apart in review.
			return nil, bad("variable %s appears twice", v.Name)
		}
		seen[v.Name] = true
		if defaultMaxLen(v.Type) == 0 {
			return nil, bad("variable %s has unknown type %q", v.Name, v.Type)
		}
		if v.MaxLen < 0 {
			return nil, bad("variable %s has negative max length", v.Name)
		}
	}
	t.Vars = slices.Clone(t.Vars)
	return &compiled{Template: t, parts: parts}, nil
}

// Lookup returns the template registered for key in lang, falling back to
// FallbackLanguage.
func (r *Registry) Lookup(key, lang string) (Template, bool) {
	c, ok := r.lookup(key, lang)
	if !ok {
		return Template{}, false
	}
	t := c.Template
	t.Vars = slices.Clone(t.Vars)
	return t, true
}

func (r *Registry) lookup(key, lang string) (*compiled, bool) {
	if c, ok := r.byID[key+"/"+lang]; ok {
		return c, true
	}
	c, ok := r.byID[key+"/"+FallbackLanguage]
	return c, ok
}

// Templates lists the registered templates in registration order, for the
// admin page that shows what is registered on DLT.
func (r *Registry) Templates() []Template {
	out := make([]Template, 0, len(r.order))
	for _, c := range r.order {
		t := c.Template
		t.Vars = slices.Clone(t.Vars)
		out = append(out, t)
	}
	return out
}

// Render fills the template registered for key in lang (or in Hindi when
// there is none in lang) with vars. Every variable the template names must
// be present and fit its type; extra entries in vars are ignored, so one map
// can serve both languages.
func (r *Registry) Render(key, lang string, vars map[string]string) (Rendered, error) {
	c, ok := r.lookup(key, lang)
	if !ok {
		return Rendered{}, fmt.Errorf("%w: %s (language %q)", ErrUnknownTemplate, key, lang)
	}
	var b strings.Builder
	b.WriteString(c.parts[0])
	for i, v := range c.Vars {
		raw, present := vars[v.Name]
		val, reason := checkVar(v, raw, present)
		if reason != "" {
			return Rendered{}, &VarError{Template: c.Key, Name: v.Name, Reason: reason}
		}
		b.WriteString(val)
		b.WriteString(c.parts[i+1])
	}
	return Rendered{
		Key:           c.Key,
		Language:      c.Language,
		Text:          b.String(),
		DLTTemplateID: c.DLTTemplateID,
		Header:        c.Header,
		EntityID:      c.EntityID,
	}, nil
}

// checkVar returns the value to insert, or why it does not fit.
func checkVar(v Var, s string, present bool) (string, string) {
	if !present || s == "" {
		return "", "missing"
	}
	if !utf8.ValidString(s) {
		return "", "not valid UTF-8"
	}
	if v.Type == VarText {
		// Text comes from people (place and department names): normalise
		// it the way everything else stored is normalised, and forgive
		// stray spaces around it.
		s = strings.TrimSpace(norm.NFC.String(s))
		if s == "" {
			return "", "missing"
		}
	}
	if n := utf8.RuneCountInString(s); n > v.maxLen() {
		if v.Type != VarText || !v.Truncate {
			return "", fmt.Sprintf("longer than %d characters", v.maxLen())
		}
		s = shorten(s, v.maxLen())
	}
	switch v.Type {
	case VarRef:
		if !allDigits(s) || len(s) < 8 || len(s) > 16 {
			return "", "not a reference id of 8–16 digits"
		}
	case VarDate:
		if _, err := time.Parse("02-01-2006", s); err != nil {
			return "", "not a date (dd-mm-yyyy)"
		}
	case VarNumber:
		if !allDigits(s) {
			return "", "not a number"
		}
	case VarPhone:
		if !ValidMobile(s) {
			return "", "not a 10-digit Indian mobile number"
		}
	case VarURL:
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			strings.ContainsFunc(s, unicode.IsSpace) {
			return "", "not an http(s) URL"
		}
	case VarText:
		if strings.ContainsFunc(s, unicode.IsControl) {
			return "", "contains a line break or control character"
		}
		if strings.Contains(s, "{#") {
			// A value that looks like a placeholder would make the text
			// ambiguous against the registered template at scrubbing.
			return "", "contains a DLT placeholder"
		}
	}
	return s, ""
}

// shorten cuts s to at most max characters, ellipsis included, at a
// grapheme-cluster boundary, so that no matra or half of a conjunct is left
// dangling; the space before the cut goes too. The ellipsis is "…" in text
// that goes as UCS-2 anyway, and "..." in GSM-7 text, where "…" would turn
// the whole message into UCS-2 and double its parts.
func shorten(s string, max int) string {
	ellipsis := "…"
	if IsGSM7(s) {
		ellipsis = "..."
	}
	budget := max - utf8.RuneCountInString(ellipsis)
	var b strings.Builder
	n := 0
	for _, c := range Clusters(s) {
		k := utf8.RuneCountInString(c)
		if n+k > budget {
			break
		}
		b.WriteString(c)
		n += k
	}
	return strings.TrimRightFunc(b.String(), func(r rune) bool { return unicode.IsSpace(r) || r == ',' }) + ellipsis
}

// ValidMobile reports whether s is a 10-digit Indian mobile number (starting
// 6–9), the only kind of recipient nivaran sends to.
func ValidMobile(s string) bool {
	return len(s) == 10 && s[0] >= '6' && s[0] <= '9' && allDigits(s)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isLanguage(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// validHeader accepts six ASCII letters (transactional and service headers)
// or six digits (promotional headers), as DLT registers them.
func validHeader(h string) bool {
	if len(h) != 6 {
		return false
	}
	if allDigits(h) {
		return true
	}
	for i := 0; i < len(h); i++ {
		c := h[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
