package sms

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
)

// CallbackConfig says how an HTTP gateway reports delivery.
type CallbackConfig struct {
	// IDParam and StatusParam name the message id and the status: query or
	// form parameters, or dot paths into a JSON body ("data.id").
	IDParam     string
	StatusParam string
	// DeliveredValues are the statuses meaning delivered (case-insensitive);
	// default DELIVRD, DELIVERED, DELIVERED_TO_HANDSET.
	DeliveredValues []string
	// FailedValues, when set, are the statuses meaning final failure, and
	// any status in neither list is an intermediate one (queued, sent to
	// operator…) that is acknowledged and ignored. When empty, every status
	// that is not delivered counts as failed.
	FailedValues []string
	// TokenParam and Token, when set, make the handler refuse reports that
	// do not carry the shared secret, so nobody can mark messages delivered
	// by calling the URL.
	TokenParam string
	Token      string
	Logger     *slog.Logger
}

// NewCallbackHandler returns the handler a gateway calls with delivery
// reports (GET query, POST form, or POST JSON object). It answers 200 when
// the report was taken or ignored, 400 when it is unreadable, 401 without
// the token, and 500 when deliver failed — so that a gateway that retries
// reports will try again.
func NewCallbackHandler(cfg CallbackConfig, deliver DeliveryFunc) (http.Handler, error) {
	if cfg.IDParam == "" || cfg.StatusParam == "" {
		return nil, errors.New("sms: delivery callback: id and status parameter names are required")
	}
	if (cfg.TokenParam == "") != (cfg.Token == "") {
		return nil, errors.New("sms: delivery callback: token parameter and token go together")
	}
	if deliver == nil {
		return nil, errors.New("sms: delivery callback: no delivery func")
	}
	if len(cfg.DeliveredValues) == 0 {
		cfg.DeliveredValues = []string{"DELIVRD", "DELIVERED", "DELIVERED_TO_HANDSET"}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &callbackHandler{cfg: cfg, deliver: deliver}, nil
}

type callbackHandler struct {
	cfg     CallbackConfig
	deliver DeliveryFunc
}

func (h *callbackHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	get, err := h.params(r)
	if err != nil {
		http.Error(w, "unreadable delivery report", http.StatusBadRequest)
		return
	}
	if h.cfg.TokenParam != "" {
		tok, _ := get(h.cfg.TokenParam)
		if subtle.ConstantTimeCompare([]byte(tok), []byte(h.cfg.Token)) != 1 {
			http.Error(w, "bad token", http.StatusUnauthorized)
			return
		}
	}
	id, _ := get(h.cfg.IDParam)
	status, _ := get(h.cfg.StatusParam)
	if id == "" || status == "" {
		http.Error(w, "delivery report without id or status", http.StatusBadRequest)
		return
	}
	delivered := containsFold(h.cfg.DeliveredValues, status)
	if !delivered && len(h.cfg.FailedValues) > 0 && !containsFold(h.cfg.FailedValues, status) {
		w.WriteHeader(http.StatusOK) // intermediate status: nothing final to record
		return
	}
	if err := h.deliver(r.Context(), id, delivered); err != nil {
		h.cfg.Logger.WarnContext(r.Context(), "sms delivery report not recorded",
			"provider_id", id, "status", status, "err", err)
		http.Error(w, "not recorded", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// params returns a lookup over the report's parameters: query string, and
// form or JSON body.
func (h *callbackHandler) params(r *http.Request) (func(string) (string, bool), error) {
	query := r.URL.Query()
	fromValues := func(vs url.Values) func(string) (string, bool) {
		return func(k string) (string, bool) {
			if vs.Has(k) {
				return vs.Get(k), true
			}
			if query.Has(k) {
				return query.Get(k), true
			}
			return "", false
		}
	}
	if r.Method == http.MethodGet || r.Body == nil {
		return fromValues(nil), nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxResponse+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxResponse {
		return nil, errors.New("body too large")
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" || (ct == "" && bytes.HasPrefix(bytes.TrimSpace(body), []byte("{"))) {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("json: %w", err)
		}
		return func(k string) (string, bool) {
			if v, ok := lookupPath(doc, k); ok {
				return v, true
			}
			if query.Has(k) {
				return query.Get(k), true
			}
			return "", false
		}, nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	return fromValues(form), nil
}
