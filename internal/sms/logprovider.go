package sms

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// LogProvider "sends" by logging, and keeps the last messages in memory so
// that an admin page can show what would have gone out. It is the provider
// for development and demos, where the one-time codes in its log are how a
// tester signs in; do not use it where real citizens' messages flow.
type LogProvider struct {
	logger *slog.Logger
	now    func() time.Time

	mu   sync.Mutex
	ring []Sent // circular, len == cap once full
	next int    // where the next message goes once the ring is full
	seq  uint64
}

// NewLog returns a LogProvider that logs to logger and remembers the last
// keep messages (at least one).
func NewLog(logger *slog.Logger, keep int, now func() time.Time) *LogProvider {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &LogProvider{logger: logger, now: now, ring: make([]Sent, 0, max(keep, 1))}
}

// Name implements Provider.
func (p *LogProvider) Name() string { return "log" }

// Send implements Provider.
func (p *LogProvider) Send(ctx context.Context, m Outgoing) (string, error) {
	if err := checkOutgoing(p.Name(), m); err != nil {
		return "", err
	}
	coding, segs := Encode(m.Text)

	p.mu.Lock()
	p.seq++
	id := "log-" + strconv.FormatUint(p.seq, 10)
	s := Sent{At: p.now(), Provider: p.Name(), ProviderID: id, To: m.To, Rendered: m.Rendered,
		Coding: coding, Segments: len(segs)}
	if len(p.ring) < cap(p.ring) {
		p.ring = append(p.ring, s)
	} else {
		p.ring[p.next] = s
		p.next = (p.next + 1) % len(p.ring)
	}
	p.mu.Unlock()

	p.logger.InfoContext(ctx, "sms sent",
		"provider", p.Name(), "provider_id", id, "mobile", m.To, "template", m.Key,
		"language", m.Language, "dlt_template_id", m.DLTTemplateID, "header", m.Header,
		"coding", coding.String(), "segments", len(segs), "text", m.Text)
	return id, nil
}

// Recent returns the remembered messages, newest first.
func (p *LogProvider) Recent() []Sent {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Sent, 0, len(p.ring))
	// Oldest is at next once the ring has wrapped, at 0 before.
	for i := len(p.ring) - 1; i >= 0; i-- {
		out = append(out, p.ring[(p.next+i)%len(p.ring)])
	}
	return out
}
