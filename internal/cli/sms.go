package cli

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/nivaran/nivaran/internal/api"
	"github.com/nivaran/nivaran/internal/config"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/outbox"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/sms"
	"github.com/nivaran/nivaran/internal/store"
)

// templateReload is how often a node looks for template edits made through
// any node's admin API.
const templateReload = 15 * time.Second

// startSMS seeds the template registry, builds the configured provider, and
// starts the outbox dispatcher (and, for SMPP, the bind) in the background.
// For the HTTP provider it mounts the delivery-report callback on srv. The
// returned function stops them and waits: the dispatcher finishes the
// messages in hand and releases the rest of its batch.
func startSMS(ctx context.Context, cfg config.Config, svc *service.Service, srv *api.Server, log *slog.Logger) (func(), error) {
	c := cfg.SMS
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("invalid SMS configuration: %w", err)
	}
	log = log.With("component", "sms")
	added, err := svc.SeedSMSTemplates(ctx, c.EntityID)
	if err != nil {
		return nil, err
	}
	if added > 0 {
		log.InfoContext(ctx, "sms templates seeded", "added", added)
	}
	reg, err := svc.SMSRegistry(ctx)
	if err != nil {
		return nil, err
	}
	q := store.NewOutboxQueue(svc.Store())
	now := svc.Now

	// Workers stop when the returned function is called — after the HTTP
	// server has shut down — not when ctx (the signal) ends.
	workers, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	stop := func() { cancel(); wg.Wait() }

	var p sms.Provider
	rate := c.Rate
	switch c.Provider {
	case "log":
		p = sms.NewLog(log, 200, now)
		rate = 0 // nothing to protect
	case "smpp":
		sp, err := sms.NewSMPP(sms.SMPPConfig{
			Addr: c.SMPP.Addr, SystemID: c.SMPP.SystemID, Password: c.SMPP.Password, SystemType: c.SMPP.SystemType,
			Window: c.SMPP.Window, EntityIDTag: uint16(c.SMPP.EntityTag), TemplateIDTag: uint16(c.SMPP.TemplateTag),
			TLVNullTerminated: c.SMPP.TLVNul, EnquireLink: c.SMPP.EnquireLink, Logger: log,
			OnReceipt: func(ctx context.Context, id string, delivered bool) error {
				return q.MarkDelivery(ctx, "smpp", id, delivered, now())
			},
		})
		if err != nil {
			cancel()
			return nil, err
		}
		wg.Add(1)
		go func() { defer wg.Done(); _ = sp.Run(workers) }()
		p = sp
	case "http":
		hc, cb, err := httpGateway(c.HTTP, cfg.PublicURL, log)
		if err != nil {
			cancel()
			return nil, err
		}
		hp, err := sms.NewHTTP(hc)
		if err != nil {
			cancel()
			return nil, err
		}
		p = hp
		if cb == nil {
			log.WarnContext(ctx, "no --sms-http-callback-token: delivery reports are not received, messages stay 'sent'")
		} else {
			cb.Logger = log
			name := hp.Name()
			h, err := sms.NewCallbackHandler(*cb, func(ctx context.Context, id string, delivered bool) error {
				return q.MarkDelivery(ctx, name, id, delivered, now())
			})
			if err != nil {
				cancel()
				return nil, err
			}
			srv.MountSMSDelivery(h)
		}
	}
	if cfg.FakeClock && rate > 0 {
		// The bucket fills by the dispatcher's clock; a fake clock that
		// stands still would let a burst through and then nothing.
		log.WarnContext(ctx, "the SMS rate limit is off under --fake-clock")
		rate = 0
	}

	d, err := outbox.New(q, reg, p, now, outbox.Options{
		BatchSize: c.BatchSize, Concurrency: c.Concurrency, Lease: c.Lease, PollInterval: c.Poll, MaxAge: c.MaxAge,
		MaxAgeByTemplate: map[string]time.Duration{model.TmplOTP: service.OTPValidity},
		RatePerSecond:    rate, Logger: log,
	})
	if err != nil {
		stop()
		return nil, err
	}
	wg.Add(2)
	go func() { defer wg.Done(); _ = d.Run(workers) }()
	go func() { defer wg.Done(); reloadTemplates(workers, svc, d, log) }()
	log.InfoContext(ctx, "sms dispatcher started", "provider", p.Name(), "rate", rate, "concurrency", c.Concurrency)
	return stop, nil
}

// reloadTemplates gives the dispatcher the stored templates again whenever
// they change, so that an edit made on any node reaches every node's
// dispatcher within templateReload.
func reloadTemplates(ctx context.Context, svc *service.Service, d *outbox.Dispatcher, log *slog.Logger) {
	var last [32]byte
	if ts, err := svc.Store().SMSTemplates(ctx); err == nil {
		last = fingerprint(ts)
	}
	t := time.NewTicker(templateReload)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ts, err := svc.Store().SMSTemplates(ctx)
		if err != nil {
			if ctx.Err() == nil {
				log.WarnContext(ctx, "sms templates not reloaded", "err", err)
			}
			continue
		}
		fp := fingerprint(ts)
		if fp == last {
			continue
		}
		reg, err := svc.SMSRegistry(ctx)
		if err != nil {
			log.ErrorContext(ctx, "sms templates not reloaded", "err", err)
			continue
		}
		d.SetRegistry(reg)
		last = fp
		log.InfoContext(ctx, "sms templates reloaded", "templates", len(ts))
	}
}

func fingerprint(ts []store.SMSTemplate) [32]byte {
	h := sha256.New()
	for _, t := range ts {
		fmt.Fprintf(h, "%q %q %q %q %q %q %q\n", t.Key, t.Language, t.Body, t.DLTTemplateID, t.Header, t.EntityID, t.Vars)
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// httpGateway turns the options into the provider's config and, when a
// callback token is set, the delivery-report handler's. A preset fills the
// shape of a gateway whose public documentation was checked (see
// sms.NICGateway, sms.ExotelGateway); every option given overrides it.
func httpGateway(o config.HTTPOptions, publicURL string, log *slog.Logger) (sms.HTTPConfig, *sms.CallbackConfig, error) {
	var hc sms.HTTPConfig
	cb := sms.CallbackConfig{IDParam: "id", StatusParam: "status"}
	switch o.Preset {
	case "nic":
		hc = sms.NICGateway(o.URL, o.Username, o.APIKey)
	case "exotel":
		if o.Account == "" || o.Username == "" || o.Password == "" {
			return hc, nil, errors.New("--sms-http-preset exotel needs --sms-http-account (SID), --sms-http-username (API key) and --sms-http-password (API token)")
		}
		host := o.URL
		if u, err := url.Parse(o.URL); err == nil && u.Host != "" {
			host = u.Host
		}
		hc = sms.ExotelGateway(host, o.Account, o.Username, o.Password)
		// Exotel posts SmsSid and Status to the StatusCallback given with
		// each message once the message is final: "sent" is its success,
		// failures are "failed" and "failed_dnd".
		cb = sms.CallbackConfig{IDParam: "SmsSid", StatusParam: "Status",
			DeliveredValues: []string{"sent", "delivered"},
			FailedValues:    []string{"failed", "failed_dnd", "failed-dnd", "undelivered", "expired"}}
	default:
		hc = sms.HTTPConfig{URL: o.URL}
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	if o.Preset != "exotel" {
		set(&hc.URL, o.URL)
	}
	set((*string)(&hc.Method), o.Method)
	set(&hc.ToParam, o.ToParam)
	set(&hc.TextParam, o.TextParam)
	set(&hc.SenderParam, o.SenderParam)
	set(&hc.TemplateIDParam, o.TemplateIDParam)
	set(&hc.EntityIDParam, o.EntityIDParam)
	set(&hc.UnicodeParam, o.UnicodeParam)
	set(&hc.UnicodeValue, o.UnicodeValue)
	set(&hc.ToPrefix, o.ToPrefix)
	set((*string)(&hc.Auth), o.Auth)
	if hc.Auth == "none" {
		hc.Auth = sms.AuthNone
	}
	set(&hc.AuthParam, o.AuthParam)
	if o.Preset == "generic" {
		set(&hc.AuthValue, o.APIKey)
		set(&hc.Username, o.Username)
		set(&hc.Password, o.Password)
	}
	set(&hc.IDPath, o.IDPath)
	set(&hc.IDRegex, o.IDRegex)
	set(&hc.StatusPath, o.StatusPath)
	if ok := config.List(o.StatusOK); len(ok) > 0 {
		hc.StatusOK = ok
	}
	hc.UnicodeHex = hc.UnicodeHex || o.UnicodeHex
	hc.Timeout = o.Timeout
	hc.Logger = log
	static, err := o.StaticParams()
	if err != nil {
		return hc, nil, err
	}
	if hc.Static == nil {
		hc.Static = map[string]string{}
	}
	for k, v := range static {
		hc.Static[k] = v
	}

	if o.CallbackToken == "" {
		return hc, nil, nil
	}
	set(&cb.IDParam, o.CallbackIDParam)
	set(&cb.StatusParam, o.CallbackStatusParam)
	if v := config.List(o.CallbackDelivered); len(v) > 0 {
		cb.DeliveredValues = v
	}
	if v := config.List(o.CallbackFailed); len(v) > 0 {
		cb.FailedValues = v
	}
	cb.TokenParam, cb.Token = o.CallbackTokenParam, o.CallbackToken
	if o.Preset == "exotel" && publicURL != "" {
		if _, given := hc.Static["StatusCallback"]; !given {
			hc.Static["StatusCallback"] = publicURL + "/api/v1/sms/delivery?" +
				url.Values{cb.TokenParam: {cb.Token}}.Encode()
		}
	}
	return hc, &cb, nil
}
