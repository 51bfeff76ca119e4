package sms

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// HTTPMethod is how an HTTP gateway wants its parameters.
type HTTPMethod string

// The request shapes Indian SMS gateways use.
const (
	HTTPGet      HTTPMethod = "GET"       // parameters in the query string
	HTTPPostForm HTTPMethod = "POST_FORM" // application/x-www-form-urlencoded body
	HTTPPostJSON HTTPMethod = "POST_JSON" // flat JSON object of strings
)

// HTTPAuth is where a gateway expects its credentials.
type HTTPAuth string

// Authentication schemes.
const (
	AuthNone   HTTPAuth = ""
	AuthQuery  HTTPAuth = "query"  // AuthParam=AuthValue in the query string, whatever the method
	AuthHeader HTTPAuth = "header" // header AuthParam: AuthValue
	AuthBasic  HTTPAuth = "basic"  // HTTP basic with Username and Password
)

// HTTPConfig describes one HTTP gateway. Parameter names left empty are not
// sent (To and Text are required).
//
// Gateways differ in every name, so nothing is assumed; NICGateway and
// ExotelGateway fill the config for the two shapes this package was checked
// against.
type HTTPConfig struct {
	Name   string // provider name in logs and outbox rows; default "http"
	URL    string
	Method HTTPMethod // default GET

	ToParam         string
	TextParam       string
	SenderParam     string // header
	TemplateIDParam string // DLT template id
	EntityIDParam   string // DLT principal entity id
	UnicodeParam    string // set to UnicodeValue when the text is not GSM-7
	UnicodeValue    string // default "1"
	// UnicodeHex sends UCS-2 text as hex of its UTF-16BE bytes behind a
	// FEFF byte-order mark, for gateways that take Unicode that way.
	UnicodeHex bool
	ToPrefix   string            // prepended to the 10-digit number, e.g. "91"
	Static     map[string]string // fixed parameters (user name, route, …)

	Auth      HTTPAuth
	AuthParam string // query parameter or header name
	AuthValue string // API key
	Username  string
	Password  string

	// IDPath finds the message id in a JSON response: dot-separated keys
	// and array indexes, e.g. "data.0.id". IDRegex finds it in any
	// response: its first group, or the whole match. IDPath wins when both
	// are set; with neither, the provider id is empty.
	IDPath  string
	IDRegex string
	// StatusPath and StatusOK check a JSON response that reports failure
	// with HTTP 200: the value at StatusPath must be one of StatusOK
	// (case-insensitive) or the send fails permanently.
	StatusPath string
	StatusOK   []string

	Timeout time.Duration // per request; default 10s
	Client  *http.Client  // default: a client with Timeout
	Logger  *slog.Logger
}

// NICGateway returns the shape of the NIC SMS gateway that central and state
// government offices use (smsgw.sms.gov.in, …/failsafe/HttpLink or MLink):
// GET with username, pin, message, mnumber (with country code), signature
// (the header), dlt_entity_id and dlt_template_id, and msgType=UC for
// Unicode text given as hex UTF-16 behind FEFF. The parameter names are those
// of NIC's integration note and of public integrations with it; NIC's
// response text was not in the public material checked, so set IDRegex from
// the handbook NIC issues with the account.
func NICGateway(baseURL, username, pin string) HTTPConfig {
	return HTTPConfig{
		Name: "nic", URL: baseURL, Method: HTTPGet,
		ToParam: "mnumber", ToPrefix: "91", TextParam: "message", SenderParam: "signature",
		TemplateIDParam: "dlt_template_id", EntityIDParam: "dlt_entity_id",
		UnicodeParam: "msgType", UnicodeValue: "UC", UnicodeHex: true,
		Static: map[string]string{"username": username},
		Auth:   AuthQuery, AuthParam: "pin", AuthValue: pin,
	}
}

// ExotelGateway returns the shape of Exotel's send-SMS API as its public
// reference documents it: POST form to
// https://<subdomain>/v1/Accounts/<sid>/Sms/send with HTTP basic auth (API
// key and token), parameters From (header), To, Body, DltEntityId,
// DltTemplateId and EncodingType=unicode. The message id is the Sid element
// of the (XML) response.
func ExotelGateway(subdomain, accountSID, apiKey, apiToken string) HTTPConfig {
	return HTTPConfig{
		Name:    "exotel",
		URL:     "https://" + subdomain + "/v1/Accounts/" + url.PathEscape(accountSID) + "/Sms/send",
		Method:  HTTPPostForm,
		ToParam: "To", ToPrefix: "+91", TextParam: "Body", SenderParam: "From",
		TemplateIDParam: "DltTemplateId", EntityIDParam: "DltEntityId",
		UnicodeParam: "EncodingType", UnicodeValue: "unicode",
		Auth: AuthBasic, Username: apiKey, Password: apiToken,
		IDRegex: `<Sid>([^<]+)</Sid>`,
	}
}

// HTTPProvider sends through an HTTP gateway.
type HTTPProvider struct {
	cfg    HTTPConfig
	u      *url.URL
	idRe   *regexp.Regexp
	client *http.Client
	logger *slog.Logger
}

// maxResponse caps what is read of a gateway's answer: ids and statuses are
// short, and a misbehaving gateway must not fill memory.
const maxResponse = 64 << 10

// NewHTTP checks cfg and returns a provider for it.
func NewHTTP(cfg HTTPConfig) (*HTTPProvider, error) {
	if cfg.Name == "" {
		cfg.Name = "http"
	}
	if cfg.Method == "" {
		cfg.Method = HTTPGet
	}
	if cfg.UnicodeValue == "" {
		cfg.UnicodeValue = "1"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("sms: http gateway %s: URL %q is not an http(s) URL", cfg.Name, cfg.URL)
	}
	switch cfg.Method {
	case HTTPGet, HTTPPostForm, HTTPPostJSON:
	default:
		return nil, fmt.Errorf("sms: http gateway %s: unknown method %q", cfg.Name, cfg.Method)
	}
	if cfg.ToParam == "" || cfg.TextParam == "" {
		return nil, fmt.Errorf("sms: http gateway %s: the to and text parameter names are required", cfg.Name)
	}
	switch cfg.Auth {
	case AuthNone, AuthBasic:
	case AuthQuery, AuthHeader:
		if cfg.AuthParam == "" {
			return nil, fmt.Errorf("sms: http gateway %s: auth %s needs a parameter name", cfg.Name, cfg.Auth)
		}
	default:
		return nil, fmt.Errorf("sms: http gateway %s: unknown auth %q", cfg.Name, cfg.Auth)
	}
	p := &HTTPProvider{cfg: cfg, u: u, client: cfg.Client, logger: cfg.Logger}
	if cfg.IDRegex != "" {
		if p.idRe, err = regexp.Compile(cfg.IDRegex); err != nil {
			return nil, fmt.Errorf("sms: http gateway %s: id regex: %w", cfg.Name, err)
		}
	}
	if p.client == nil {
		p.client = &http.Client{
			Timeout: cfg.Timeout,
			// A send API that redirects is misconfigured; following it
			// would turn a POST into a GET and report success for it.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if p.logger == nil {
		p.logger = slog.New(slog.DiscardHandler)
	}
	return p, nil
}

// Name implements Provider.
func (p *HTTPProvider) Name() string { return p.cfg.Name }

// Send implements Provider. 5xx answers, 408, 425, 429 and network failures
// are temporary; other 4xx answers, redirects and a failed StatusPath check
// are permanent.
func (p *HTTPProvider) Send(ctx context.Context, m Outgoing) (string, error) {
	if err := checkOutgoing(p.Name(), m); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	req, err := p.request(ctx, m)
	if err != nil {
		return "", Permanent(p.Name(), "", err)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		// The *url.Error carries the full URL, and with it the API key and
		// the message: report only where the request went.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return "", Temporary(p.Name(), "", fmt.Errorf("%s %s: %w", req.Method, p.where(), err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return "", Temporary(p.Name(), strconv.Itoa(resp.StatusCode), fmt.Errorf("reading response: %w", err))
	}
	code := strconv.Itoa(resp.StatusCode)
	switch s := resp.StatusCode; {
	case s >= 200 && s < 300:
	case s >= 500, s == http.StatusRequestTimeout, s == http.StatusTooEarly, s == http.StatusTooManyRequests:
		return "", Temporary(p.Name(), code, fmt.Errorf("gateway answered %s: %s", resp.Status, snippet(body)))
	default:
		return "", Permanent(p.Name(), code, fmt.Errorf("gateway answered %s: %s", resp.Status, snippet(body)))
	}
	if p.cfg.StatusPath != "" {
		st, ok := jsonLookup(body, p.cfg.StatusPath)
		if !ok || !containsFold(p.cfg.StatusOK, st) {
			return "", Permanent(p.Name(), code, fmt.Errorf("gateway refused the message: %s", snippet(body)))
		}
	}
	id := p.messageID(body)
	if id == "" && (p.cfg.IDPath != "" || p.idRe != nil) {
		// The gateway took the message (2xx) but the id is not where the
		// config says. An error would record as failed, or send again, a
		// message that went; a receipt that cannot be matched is the
		// lesser harm.
		p.logger.WarnContext(ctx, "sms gateway response has no message id",
			"provider", p.Name(), "response", snippet(body))
	}
	return id, nil
}

func (p *HTTPProvider) where() string {
	return p.u.Scheme + "://" + p.u.Host + p.u.Path
}

func (p *HTTPProvider) request(ctx context.Context, m Outgoing) (*http.Request, error) {
	params := make(map[string]string, 8+len(p.cfg.Static))
	maps.Copy(params, p.cfg.Static)
	set := func(name, value string) {
		if name != "" && value != "" {
			params[name] = value
		}
	}
	text := m.Text
	unicode := !IsGSM7(text)
	if unicode && p.cfg.UnicodeHex {
		text = "FEFF" + strings.ToUpper(hex.EncodeToString(utf16BE(text)))
	}
	set(p.cfg.ToParam, p.cfg.ToPrefix+m.To)
	set(p.cfg.TextParam, text)
	set(p.cfg.SenderParam, m.Header)
	set(p.cfg.TemplateIDParam, m.DLTTemplateID)
	set(p.cfg.EntityIDParam, m.EntityID)
	if unicode {
		set(p.cfg.UnicodeParam, p.cfg.UnicodeValue)
	}

	u := *p.u
	q := u.Query()
	if p.cfg.Auth == AuthQuery {
		q.Set(p.cfg.AuthParam, p.cfg.AuthValue)
	}
	var (
		body        io.Reader
		contentType string
	)
	switch p.cfg.Method {
	case HTTPGet:
		for k, v := range params {
			q.Set(k, v)
		}
	case HTTPPostForm:
		f := url.Values{}
		for k, v := range params {
			f.Set(k, v)
		}
		body, contentType = strings.NewReader(f.Encode()), "application/x-www-form-urlencoded"
	case HTTPPostJSON:
		b, err := json.Marshal(params)
		if err != nil {
			return nil, err
		}
		body, contentType = bytes.NewReader(b), "application/json"
	}
	u.RawQuery = q.Encode()
	method := http.MethodPost
	if p.cfg.Method == HTTPGet {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json, text/plain, */*")
	switch p.cfg.Auth {
	case AuthHeader:
		req.Header.Set(p.cfg.AuthParam, p.cfg.AuthValue)
	case AuthBasic:
		req.SetBasicAuth(p.cfg.Username, p.cfg.Password)
	}
	return req, nil
}

func (p *HTTPProvider) messageID(body []byte) string {
	if p.cfg.IDPath != "" {
		id, _ := jsonLookup(body, p.cfg.IDPath)
		return id
	}
	if p.idRe != nil {
		m := p.idRe.FindSubmatch(body)
		switch {
		case len(m) > 1:
			return strings.TrimSpace(string(m[1]))
		case len(m) == 1:
			return strings.TrimSpace(string(m[0]))
		}
	}
	return ""
}

// jsonLookup follows a dot path ("data.0.id") through a JSON document and
// returns the string or number found there.
func jsonLookup(body []byte, path string) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", false
	}
	return lookupPath(v, path)
}

func lookupPath(v any, path string) (string, bool) {
	for key := range strings.SplitSeq(path, ".") {
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[key]
			if !ok {
				return "", false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(node) {
				return "", false
			}
			v = node[i]
		default:
			return "", false
		}
	}
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// snippet keeps error messages short.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func utf16BE(s string) []byte {
	units := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}
