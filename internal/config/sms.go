package config

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SMSConfig configures the SMS provider and the outbox dispatcher.
type SMSConfig struct {
	// Provider is log (the default: log and show on the admin page), http
	// or smpp.
	Provider string
	// Rate caps messages a second (0: no cap); operators throttle binds
	// and accounts. It applies to the http and smpp providers only.
	Rate        float64
	BatchSize   int
	Concurrency int
	Lease       time.Duration
	Poll        time.Duration
	MaxAge      time.Duration
	// EntityID is the DLT principal entity id given to the templates seeded
	// at start-up; admins fill in the template ids.
	EntityID string

	SMPP SMPPOptions
	HTTP HTTPOptions
}

// SMPPOptions configure the smpp provider.
type SMPPOptions struct {
	Addr        string
	SystemID    string
	Password    string
	SystemType  string
	Window      int
	EntityTag   uint
	TemplateTag uint
	// TLVNul sends the DLT ids as NUL-terminated strings.
	TLVNul      bool
	EnquireLink time.Duration
}

// HTTPOptions configure the http provider. Preset fills the shape of a
// known gateway (nic, exotel); the other fields override it.
type HTTPOptions struct {
	Preset          string
	URL             string
	Method          string
	ToParam         string
	TextParam       string
	SenderParam     string
	TemplateIDParam string
	EntityIDParam   string
	UnicodeParam    string
	UnicodeValue    string
	UnicodeHex      bool
	ToPrefix        string
	Static          string // k=v,k=v
	Auth            string
	AuthParam       string
	APIKey          string
	Username        string
	Password        string
	Account         string // the account id some gateways put in the URL (Exotel's SID)
	IDPath          string
	IDRegex         string
	StatusPath      string
	StatusOK        string // comma-separated
	Timeout         time.Duration

	// The delivery-report callback at /api/v1/sms/delivery: mounted only
	// with a token, which the gateway must send as CallbackTokenParam.
	CallbackToken       string
	CallbackTokenParam  string
	CallbackIDParam     string
	CallbackStatusParam string
	CallbackDelivered   string // comma-separated
	CallbackFailed      string // comma-separated
}

// bindSMS registers the SMS flags.
func bindSMS(fs *flag.FlagSet, c *SMSConfig) {
	fs.StringVar(&c.Provider, "sms-provider", env("NIVARAN_SMS_PROVIDER", "log"), "SMS provider: log (development: log and show on the admin page), http or smpp")
	fs.Float64Var(&c.Rate, "sms-rate", envFloat("NIVARAN_SMS_RATE", 50), "most SMS sent a second through http or smpp (0: no cap)")
	fs.IntVar(&c.BatchSize, "sms-batch", envInt("NIVARAN_SMS_BATCH", 50), "outbox rows claimed at a time")
	fs.IntVar(&c.Concurrency, "sms-concurrency", envInt("NIVARAN_SMS_CONCURRENCY", 4), "SMS sent at once by this node")
	fs.DurationVar(&c.Lease, "sms-lease", envDuration("NIVARAN_SMS_LEASE", 2*time.Minute), "how long a claim holds outbox rows")
	fs.DurationVar(&c.Poll, "sms-poll", envDuration("NIVARAN_SMS_POLL", 2*time.Second), "wait between outbox claims when nothing is due")
	fs.DurationVar(&c.MaxAge, "sms-max-age", envDuration("NIVARAN_SMS_MAX_AGE", 48*time.Hour), "an SMS not sent by this age fails (one-time codes: their validity)")
	fs.StringVar(&c.EntityID, "sms-dlt-entity-id", env("NIVARAN_SMS_DLT_ENTITY_ID", ""), "DLT principal entity id for the templates seeded at start-up")

	fs.StringVar(&c.SMPP.Addr, "sms-smpp-addr", env("NIVARAN_SMS_SMPP_ADDR", ""), "SMSC host:port")
	fs.StringVar(&c.SMPP.SystemID, "sms-smpp-system-id", env("NIVARAN_SMS_SMPP_SYSTEM_ID", ""), "SMPP system id")
	fs.StringVar(&c.SMPP.Password, "sms-smpp-password", envFile("NIVARAN_SMS_SMPP_PASSWORD", ""), "SMPP password (env NIVARAN_SMS_SMPP_PASSWORD or _FILE)")
	fs.StringVar(&c.SMPP.SystemType, "sms-smpp-system-type", env("NIVARAN_SMS_SMPP_SYSTEM_TYPE", ""), "SMPP system type")
	fs.IntVar(&c.SMPP.Window, "sms-smpp-window", envInt("NIVARAN_SMS_SMPP_WINDOW", 10), "most submit_sm awaiting a response")
	fs.UintVar(&c.SMPP.EntityTag, "sms-smpp-entity-tag", envUint("NIVARAN_SMS_SMPP_ENTITY_TAG", 0x1400), "TLV tag of the DLT entity id (the SMSC's interface document decides)")
	fs.UintVar(&c.SMPP.TemplateTag, "sms-smpp-template-tag", envUint("NIVARAN_SMS_SMPP_TEMPLATE_TAG", 0x1401), "TLV tag of the DLT template id")
	fs.BoolVar(&c.SMPP.TLVNul, "sms-smpp-tlv-nul", envBool("NIVARAN_SMS_SMPP_TLV_NUL", false), "send the DLT ids NUL-terminated")
	fs.DurationVar(&c.SMPP.EnquireLink, "sms-smpp-enquire-link", envDuration("NIVARAN_SMS_SMPP_ENQUIRE_LINK", 30*time.Second), "enquire_link interval")

	h := &c.HTTP
	fs.StringVar(&h.Preset, "sms-http-preset", env("NIVARAN_SMS_HTTP_PRESET", "generic"), "gateway shape: generic, nic (smsgw.sms.gov.in) or exotel")
	fs.StringVar(&h.URL, "sms-http-url", env("NIVARAN_SMS_HTTP_URL", ""), "send URL (exotel: the API host, e.g. api.in.exotel.com)")
	fs.StringVar(&h.Method, "sms-http-method", env("NIVARAN_SMS_HTTP_METHOD", ""), "GET, POST_FORM or POST_JSON")
	fs.StringVar(&h.ToParam, "sms-http-to-param", env("NIVARAN_SMS_HTTP_TO_PARAM", ""), "parameter of the recipient")
	fs.StringVar(&h.TextParam, "sms-http-text-param", env("NIVARAN_SMS_HTTP_TEXT_PARAM", ""), "parameter of the text")
	fs.StringVar(&h.SenderParam, "sms-http-sender-param", env("NIVARAN_SMS_HTTP_SENDER_PARAM", ""), "parameter of the header")
	fs.StringVar(&h.TemplateIDParam, "sms-http-template-id-param", env("NIVARAN_SMS_HTTP_TEMPLATE_ID_PARAM", ""), "parameter of the DLT template id")
	fs.StringVar(&h.EntityIDParam, "sms-http-entity-id-param", env("NIVARAN_SMS_HTTP_ENTITY_ID_PARAM", ""), "parameter of the DLT entity id")
	fs.StringVar(&h.UnicodeParam, "sms-http-unicode-param", env("NIVARAN_SMS_HTTP_UNICODE_PARAM", ""), "parameter set for Unicode (Hindi) text")
	fs.StringVar(&h.UnicodeValue, "sms-http-unicode-value", env("NIVARAN_SMS_HTTP_UNICODE_VALUE", ""), "its value")
	fs.BoolVar(&h.UnicodeHex, "sms-http-unicode-hex", envBool("NIVARAN_SMS_HTTP_UNICODE_HEX", false), "send Unicode text as FEFF-prefixed UTF-16 hex")
	fs.StringVar(&h.ToPrefix, "sms-http-to-prefix", env("NIVARAN_SMS_HTTP_TO_PREFIX", ""), "prefix of the 10-digit number, e.g. 91")
	fs.StringVar(&h.Static, "sms-http-static", env("NIVARAN_SMS_HTTP_STATIC", ""), "fixed parameters, k=v,k=v")
	fs.StringVar(&h.Auth, "sms-http-auth", env("NIVARAN_SMS_HTTP_AUTH", ""), "none, query, header or basic")
	fs.StringVar(&h.AuthParam, "sms-http-auth-param", env("NIVARAN_SMS_HTTP_AUTH_PARAM", ""), "query parameter or header of the API key")
	fs.StringVar(&h.APIKey, "sms-http-api-key", envFile("NIVARAN_SMS_HTTP_API_KEY", ""), "API key (nic: the pin; env NIVARAN_SMS_HTTP_API_KEY or _FILE)")
	fs.StringVar(&h.Username, "sms-http-username", env("NIVARAN_SMS_HTTP_USERNAME", ""), "user name (exotel: the API key)")
	fs.StringVar(&h.Password, "sms-http-password", envFile("NIVARAN_SMS_HTTP_PASSWORD", ""), "password (exotel: the API token; env NIVARAN_SMS_HTTP_PASSWORD or _FILE)")
	fs.StringVar(&h.Account, "sms-http-account", env("NIVARAN_SMS_HTTP_ACCOUNT", ""), "account id in the URL (exotel: the account SID)")
	fs.StringVar(&h.IDPath, "sms-http-id-path", env("NIVARAN_SMS_HTTP_ID_PATH", ""), "JSON path of the message id in the answer, e.g. data.0.id")
	fs.StringVar(&h.IDRegex, "sms-http-id-regex", env("NIVARAN_SMS_HTTP_ID_REGEX", ""), "regular expression finding the message id in the answer")
	fs.StringVar(&h.StatusPath, "sms-http-status-path", env("NIVARAN_SMS_HTTP_STATUS_PATH", ""), "JSON path of a status that must be one of --sms-http-status-ok")
	fs.StringVar(&h.StatusOK, "sms-http-status-ok", env("NIVARAN_SMS_HTTP_STATUS_OK", ""), "accepted statuses, comma-separated")
	fs.DurationVar(&h.Timeout, "sms-http-timeout", envDuration("NIVARAN_SMS_HTTP_TIMEOUT", 10*time.Second), "per-request timeout")
	fs.StringVar(&h.CallbackToken, "sms-http-callback-token", envFile("NIVARAN_SMS_HTTP_CALLBACK_TOKEN", ""), "shared secret delivery reports must carry (env NIVARAN_SMS_HTTP_CALLBACK_TOKEN or _FILE); without it /api/v1/sms/delivery is not served")
	fs.StringVar(&h.CallbackTokenParam, "sms-http-callback-token-param", env("NIVARAN_SMS_HTTP_CALLBACK_TOKEN_PARAM", "token"), "parameter carrying that secret")
	fs.StringVar(&h.CallbackIDParam, "sms-http-callback-id-param", env("NIVARAN_SMS_HTTP_CALLBACK_ID_PARAM", ""), "parameter of the message id in delivery reports")
	fs.StringVar(&h.CallbackStatusParam, "sms-http-callback-status-param", env("NIVARAN_SMS_HTTP_CALLBACK_STATUS_PARAM", ""), "parameter of the status in delivery reports")
	fs.StringVar(&h.CallbackDelivered, "sms-http-callback-delivered", env("NIVARAN_SMS_HTTP_CALLBACK_DELIVERED", ""), "statuses meaning delivered, comma-separated")
	fs.StringVar(&h.CallbackFailed, "sms-http-callback-failed", env("NIVARAN_SMS_HTTP_CALLBACK_FAILED", ""), "statuses meaning failed, comma-separated (others are ignored as interim)")
}

// Validate checks the SMS settings, with messages a person can act on.
func (c SMSConfig) Validate() error {
	errs := takeEnvProblems()
	switch c.Provider {
	case "log":
	case "smpp":
		if c.SMPP.Addr == "" || c.SMPP.SystemID == "" {
			errs = append(errs, errors.New("--sms-provider smpp needs --sms-smpp-addr and --sms-smpp-system-id"))
		}
		if c.SMPP.EntityTag > 0xffff || c.SMPP.TemplateTag > 0xffff {
			errs = append(errs, errors.New("--sms-smpp-entity-tag and --sms-smpp-template-tag are 16-bit TLV tags"))
		}
	case "http":
		switch c.HTTP.Preset {
		case "generic", "nic", "exotel":
		default:
			errs = append(errs, fmt.Errorf("--sms-http-preset must be generic, nic or exotel, not %q", c.HTTP.Preset))
		}
		if c.HTTP.URL == "" {
			errs = append(errs, errors.New("--sms-provider http needs --sms-http-url"))
		}
		if _, err := c.HTTP.StaticParams(); err != nil {
			errs = append(errs, err)
		}
	default:
		errs = append(errs, fmt.Errorf("--sms-provider must be log, http or smpp, not %q", c.Provider))
	}
	if c.Rate < 0 {
		errs = append(errs, errors.New("--sms-rate must not be negative"))
	}
	if c.BatchSize < 1 || c.Concurrency < 1 {
		errs = append(errs, errors.New("--sms-batch and --sms-concurrency must be at least 1"))
	}
	if c.Lease < 10*time.Second {
		errs = append(errs, errors.New("--sms-lease must be at least 10s: it must outlast a send"))
	}
	if c.Poll <= 0 || c.MaxAge <= 0 {
		errs = append(errs, errors.New("--sms-poll and --sms-max-age must be positive"))
	}
	return errors.Join(errs...)
}

// StaticParams parses Static ("k=v,k=v").
func (h HTTPOptions) StaticParams() (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range strings.Split(h.Static, ",") {
		if strings.TrimSpace(kv) == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("--sms-http-static: %q is not k=v", kv)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, nil
}

// List splits a comma-separated setting, dropping empty entries.
func List(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func envFloat(k string, def float64) float64 {
	return envParse(k, def, "a number", func(v string) (float64, error) { return strconv.ParseFloat(v, 64) })
}

// envUint reads a number in any Go base notation (0x1400 for a TLV tag).
func envUint(k string, def uint) uint {
	return envParse(k, def, "a whole number", func(v string) (uint, error) {
		n, err := strconv.ParseUint(v, 0, 32)
		return uint(n), err
	})
}
