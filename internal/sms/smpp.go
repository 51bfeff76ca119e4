package sms

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linxGnu/gosmpp"
	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

// TONNPI is an SMPP address's type of number and numbering plan.
type TONNPI struct{ TON, NPI byte }

// SMPPConfig describes a transceiver bind to an SMSC.
type SMPPConfig struct {
	Name       string // provider name; default "smpp"
	Addr       string // host:port
	SystemID   string
	Password   string
	SystemType string

	// Source addresses the header: default alphanumeric (TON 5, NPI 0).
	// Dest addresses the recipient: default international E.164 (TON 1,
	// NPI 1) with DestPrefix "91" before the 10-digit number. DestPrefix is
	// taken as given when Dest is set.
	Source     *TONNPI
	Dest       *TONNPI
	DestPrefix string

	// EntityIDTag and TemplateIDTag are the TLV tags that carry the DLT
	// principal entity id and content template id; Indian operators use
	// 0x1400 and 0x1401, the defaults, but the tags are not standard SMPP
	// so each SMSC's interface document has the last word. TLVNullTerminated
	// sends the ids as C-octet strings for SMSCs that want the NUL.
	EntityIDTag       uint16
	TemplateIDTag     uint16
	TLVNullTerminated bool

	Window         int           // most submit_sm awaiting a response; default 10
	SubmitTimeout  time.Duration // Send's limit, from waiting for a bind to the last submit_sm_resp; default 10s
	BindWait       time.Duration // how long Send waits for a bind that is down; default 2s
	ConnectTimeout time.Duration // dial and bind; default 10s
	EnquireLink    time.Duration // default 30s
	ReadTimeout    time.Duration // silence that counts as a dead link; default 3×EnquireLink
	ReconnectMin   time.Duration // first wait before binding again; default 1s
	ReconnectMax   time.Duration // backoff cap; default 1m

	// OnReceipt gets final delivery outcomes from deliver_sm receipts. When
	// it fails the receipt is answered with a temporary error, so that the
	// SMSC delivers it again later.
	OnReceipt      DeliveryFunc
	ReceiptTimeout time.Duration // default 5s

	Logger *slog.Logger
}

// SMPP sends over an SMPP 3.4 transceiver bind, kept up by Run. Send
// pipelines up to Window submit_sm on the bind and waits for their
// responses; it fails temporarily while there is no bind.
//
// Concatenated messages are built here, from Encode's segments, rather than
// by gosmpp's splitter, which cuts UCS-2 text every 67 code points and
// would tear Devanagari clusters apart. The window is enforced here too:
// gosmpp's windowed mode drops a PDU when the window is full instead of
// waiting.
type SMPP struct {
	cfg     SMPPConfig
	log     *slog.Logger
	window  chan struct{}
	ref     atomic.Uint32 // concatenation reference, 8 bits used
	aliases *partAliases

	mu      sync.Mutex
	sess    *gosmpp.Session
	up      chan struct{} // closed while bound
	pending map[int32]*pendingSubmit
	runCtx  context.Context
}

type submitResult struct {
	id  string
	err error
}

type pendingSubmit struct {
	ch    chan submitResult // buffered: the reader never blocks on it
	group *partGroup
	part  int
}

// partGroup collects the SMSC ids of one message's parts as their responses
// arrive, so receipts for any part can be traced to the first part's id.
type partGroup struct {
	mu  sync.Mutex
	ids []string
}

// NewSMPP checks cfg and returns a provider; call Run to bind.
func NewSMPP(cfg SMPPConfig) (*SMPP, error) {
	if cfg.Name == "" {
		cfg.Name = "smpp"
	}
	if cfg.Addr == "" || cfg.SystemID == "" {
		return nil, errors.New("sms: smpp: address and system id are required")
	}
	if cfg.Source == nil {
		cfg.Source = &TONNPI{TON: data.GSM_TON_ALPHANUMERIC, NPI: data.GSM_NPI_UNKNOWN}
	}
	if cfg.Dest == nil {
		cfg.Dest = &TONNPI{TON: data.GSM_TON_INTERNATIONAL, NPI: data.GSM_NPI_E164}
		if cfg.DestPrefix == "" {
			cfg.DestPrefix = "91"
		}
	}
	if cfg.EntityIDTag == 0 {
		cfg.EntityIDTag = 0x1400
	}
	if cfg.TemplateIDTag == 0 {
		cfg.TemplateIDTag = 0x1401
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if cfg.Window <= 0 {
		cfg.Window = 10
	}
	def(&cfg.SubmitTimeout, 10*time.Second)
	def(&cfg.ConnectTimeout, 10*time.Second)
	def(&cfg.BindWait, 2*time.Second)
	def(&cfg.EnquireLink, 30*time.Second)
	def(&cfg.ReadTimeout, 3*cfg.EnquireLink)
	def(&cfg.ReconnectMin, time.Second)
	def(&cfg.ReconnectMax, time.Minute)
	def(&cfg.ReceiptTimeout, 5*time.Second)
	if cfg.ReadTimeout <= cfg.EnquireLink {
		// Enquire links are what keep a quiet link readable.
		return nil, errors.New("sms: smpp: read timeout must exceed the enquire link interval")
	}
	if cfg.ReconnectMax < cfg.ReconnectMin {
		cfg.ReconnectMax = cfg.ReconnectMin
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &SMPP{
		cfg:     cfg,
		log:     log.With("provider", cfg.Name),
		window:  make(chan struct{}, cfg.Window),
		aliases: newPartAliases(10000),
		up:      make(chan struct{}),
		pending: make(map[int32]*pendingSubmit),
		runCtx:  context.Background(),
	}, nil
}

// Name implements Provider.
func (s *SMPP) Name() string { return s.cfg.Name }

// Bound reports whether a bind is up.
func (s *SMPP) Bound() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sess != nil
}

// Run binds and keeps the bind up, binding again with exponential backoff
// after failures, until ctx is done. It then unbinds and returns nil.
func (s *SMPP) Run(ctx context.Context) error {
	s.mu.Lock()
	s.runCtx = ctx
	s.mu.Unlock()
	wait := s.cfg.ReconnectMin
	for {
		sess, closed, err := s.bind(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log.WarnContext(ctx, "smpp bind failed", "addr", s.cfg.Addr, "err", err, "retry_in", wait)
			if !sleep(ctx, wait) {
				return nil
			}
			wait = min(2*wait, s.cfg.ReconnectMax)
			continue
		}
		wait = s.cfg.ReconnectMin
		s.setBound(sess)
		s.log.InfoContext(ctx, "smpp bound", "addr", s.cfg.Addr, "system_id", s.cfg.SystemID)

		select {
		case <-ctx.Done():
			s.setUnbound(errors.New("provider stopping"))
			_ = sess.Close() // unbinds
			return nil
		case <-closed:
			s.setUnbound(errors.New("connection lost"))
			_ = sess.Close()
			s.log.WarnContext(ctx, "smpp connection lost", "addr", s.cfg.Addr, "retry_in", wait)
			if !sleep(ctx, wait) {
				return nil
			}
		}
	}
}

// bind dials and binds one session. closed is closed when the session ends
// for any reason.
func (s *SMPP) bind(ctx context.Context) (*gosmpp.Session, <-chan struct{}, error) {
	closed := make(chan struct{})
	var once sync.Once
	var conn atomic.Pointer[net.Conn]
	dial := func(addr string) (net.Conn, error) {
		d := net.Dialer{Timeout: s.cfg.ConnectTimeout}
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			conn.Store(&c)
		}
		return c, err
	}
	// gosmpp waits for bind_resp with no deadline of its own: an SMSC that
	// accepts TCP and never answers would hang Run. Close the connection
	// under it instead.
	guard := time.AfterFunc(s.cfg.ConnectTimeout, func() {
		if c := conn.Load(); c != nil {
			_ = (*c).Close()
		}
	})
	settings := gosmpp.Settings{
		ReadTimeout:  s.cfg.ReadTimeout,
		WriteTimeout: s.cfg.SubmitTimeout,
		EnquireLink:  s.cfg.EnquireLink,
		OnAllPDU:     s.onPDU,
		OnSubmitError: func(p pdu.PDU, err error) {
			if _, ok := p.(*pdu.SubmitSM); ok {
				s.resolve(p.GetSequenceNumber(), "", Temporary(s.Name(), "", fmt.Errorf("writing submit_sm: %w", err)))
			}
		},
		OnReceivingError: func(err error) {
			s.log.Debug("smpp read failed", "err", err)
		},
		OnClosed: func(gosmpp.State) { once.Do(func() { close(closed) }) },
	}
	auth := gosmpp.Auth{SMSC: s.cfg.Addr, SystemID: s.cfg.SystemID, Password: s.cfg.Password, SystemType: s.cfg.SystemType}
	// A rebinding interval of zero turns gosmpp's own fixed-interval rebind
	// off; Run rebinds with backoff instead.
	sess, err := gosmpp.NewSession(gosmpp.TRXConnector(dial, auth), settings, 0)
	if !guard.Stop() && err == nil {
		_ = sess.Close()
		return nil, nil, errors.New("bind timed out")
	}
	if err != nil {
		return nil, nil, err
	}
	return sess, closed, nil
}

func (s *SMPP) setBound(sess *gosmpp.Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sess = sess
	close(s.up)
}

// setUnbound fails every submit still waiting for a response: it will not
// come on a new connection.
func (s *SMPP) setUnbound(cause error) {
	s.mu.Lock()
	s.sess = nil
	s.up = make(chan struct{})
	pend := s.pending
	s.pending = make(map[int32]*pendingSubmit)
	s.mu.Unlock()
	for _, ps := range pend {
		<-s.window
		ps.ch <- submitResult{err: Temporary(s.Name(), "", cause)}
	}
}

func (s *SMPP) waitBound(ctx context.Context) (*gosmpp.Session, error) {
	for {
		s.mu.Lock()
		sess, up := s.sess, s.up
		s.mu.Unlock()
		if sess != nil {
			return sess, nil
		}
		select {
		case <-up:
		case <-ctx.Done():
			return nil, Temporary(s.Name(), "", fmt.Errorf("not bound to %s: %w", s.cfg.Addr, ctx.Err()))
		}
	}
}

// Send implements Provider. The provider id is the SMSC's id for the first
// part; receipts for later parts are reported under it too.
//
// When a later part of a concatenated message fails, the whole message
// fails, and a retry sends the parts that did go a second time: the handset
// shows them twice rather than the citizen missing the message.
func (s *SMPP) Send(ctx context.Context, m Outgoing) (string, error) {
	if err := checkOutgoing(s.Name(), m); err != nil {
		return "", err
	}
	coding, segs := Encode(m.Text)
	if len(segs) > 255 {
		return "", Permanent(s.Name(), "", fmt.Errorf("message needs %d parts; 255 is the most", len(segs)))
	}
	pdus, err := s.build(m, coding, segs)
	if err != nil {
		return "", Permanent(s.Name(), "", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.SubmitTimeout)
	defer cancel()
	// While the bind is down, fail soon: the outbox will retry, and a batch
	// should not spend the whole submit timeout on every message.
	bctx, bcancel := context.WithTimeout(ctx, s.cfg.BindWait)
	sess, err := s.waitBound(bctx)
	bcancel()
	if err != nil {
		return "", err
	}

	group := &partGroup{ids: make([]string, len(pdus))}
	waits := make([]*pendingSubmit, 0, len(pdus))
	seqs := make([]int32, 0, len(pdus))
	defer func() {
		// Whatever did not get a response gives its window slot back.
		for _, seq := range seqs {
			if s.take(seq) != nil {
				<-s.window
			}
		}
	}()
	for i, p := range pdus {
		select {
		case s.window <- struct{}{}:
		case <-ctx.Done():
			return "", Temporary(s.Name(), "", fmt.Errorf("window full: %w", ctx.Err()))
		}
		ps := &pendingSubmit{ch: make(chan submitResult, 1), group: group, part: i}
		seq := p.GetSequenceNumber()
		s.mu.Lock()
		s.pending[seq] = ps
		s.mu.Unlock()
		seqs = append(seqs, seq)
		waits = append(waits, ps)
		if err := sess.Transceiver().Submit(p); err != nil {
			return "", Temporary(s.Name(), "", fmt.Errorf("submit_sm: %w", err))
		}
	}
	for _, ps := range waits {
		select {
		case r := <-ps.ch:
			if r.err != nil {
				return "", r.err
			}
		case <-ctx.Done():
			return "", Temporary(s.Name(), "", fmt.Errorf("no submit_sm_resp: %w", ctx.Err()))
		}
	}
	group.mu.Lock()
	defer group.mu.Unlock()
	return group.ids[0], nil
}

// build makes one submit_sm per segment. Parts of a long message carry a
// concatenation UDH (IEI 0x00, 8-bit reference) and the UDHI bit.
func (s *SMPP) build(m Outgoing, coding DataCoding, segs []Segment) ([]*pdu.SubmitSM, error) {
	enc := data.GSM7BIT
	if coding == CodingUCS2 {
		enc = data.UCS2
	}
	ref := byte(s.ref.Add(1))
	out := make([]*pdu.SubmitSM, 0, len(segs))
	for i, seg := range segs {
		payload, err := enc.Encode(seg.Text)
		if err != nil {
			return nil, fmt.Errorf("encoding part %d: %w", i+1, err)
		}
		p := pdu.NewSubmitSM().(*pdu.SubmitSM)
		p.SourceAddr = pdu.NewAddressWithTonNpi(s.cfg.Source.TON, s.cfg.Source.NPI)
		if err := p.SourceAddr.SetAddress(m.Header); err != nil {
			return nil, err
		}
		p.DestAddr = pdu.NewAddressWithTonNpi(s.cfg.Dest.TON, s.cfg.Dest.NPI)
		if err := p.DestAddr.SetAddress(s.cfg.DestPrefix + m.To); err != nil {
			return nil, err
		}
		p.RegisteredDelivery = data.SM_SMSC_RECEIPT_REQUESTED
		sm, err := pdu.NewBinaryShortMessageWithEncoding(payload, enc)
		if err != nil {
			return nil, fmt.Errorf("part %d: %w", i+1, err)
		}
		if len(segs) > 1 {
			sm.SetUDH(pdu.UDH{pdu.NewIEConcatMessage(byte(len(segs)), byte(i+1), ref)})
			p.EsmClass |= data.SM_UDH_GSM
		}
		p.Message = sm
		if m.EntityID != "" {
			p.RegisterOptionalParam(pdu.Field{Tag: pdu.Tag(s.cfg.EntityIDTag), Data: s.tlv(m.EntityID)})
		}
		if m.DLTTemplateID != "" {
			p.RegisterOptionalParam(pdu.Field{Tag: pdu.Tag(s.cfg.TemplateIDTag), Data: s.tlv(m.DLTTemplateID)})
		}
		out = append(out, p)
	}
	return out, nil
}

func (s *SMPP) tlv(v string) []byte {
	b := []byte(v)
	if s.cfg.TLVNullTerminated {
		b = append(b, 0)
	}
	return b
}

// take removes and returns the pending submit for seq; whoever takes it
// owns its window slot.
func (s *SMPP) take(seq int32) *pendingSubmit {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, ok := s.pending[seq]
	if !ok {
		return nil
	}
	delete(s.pending, seq)
	return ps
}

// resolve hands a submit_sm's outcome to its Send.
func (s *SMPP) resolve(seq int32, id string, err error) {
	ps := s.take(seq)
	if ps == nil {
		return // Send gave up on it already
	}
	<-s.window
	if err == nil {
		g := ps.group
		g.mu.Lock()
		g.ids[ps.part] = id
		if first := g.ids[0]; first != "" {
			for _, part := range g.ids[1:] {
				s.aliases.add(part, first)
			}
		}
		g.mu.Unlock()
	}
	ps.ch <- submitResult{id: id, err: err}
}

// onPDU handles every PDU the SMSC sends; it runs on gosmpp's reader and
// returns the response to send, if any, and whether to close the bind.
func (s *SMPP) onPDU(p pdu.PDU) (pdu.PDU, bool) {
	switch pd := p.(type) {
	case *pdu.SubmitSMResp:
		if pd.IsOk() {
			s.resolve(pd.SequenceNumber, pd.MessageID, nil)
		} else {
			s.resolve(pd.SequenceNumber, "", s.statusError(pd.CommandStatus))
		}
	case *pdu.GenericNack:
		s.resolve(pd.SequenceNumber, "", s.statusError(pd.CommandStatus))
	case *pdu.EnquireLink:
		return pd.GetResponse(), false
	case *pdu.Unbind:
		return pd.GetResponse(), true
	case *pdu.DeliverSM:
		return s.onDeliver(pd), false
	case *pdu.EnquireLinkResp, *pdu.UnbindResp:
	default:
		if p.CanResponse() {
			return p.GetResponse(), false
		}
	}
	return nil, false
}

func (s *SMPP) statusError(st data.CommandStatusType) error {
	code := "0x" + strconv.FormatUint(uint64(uint32(st)), 16)
	err := fmt.Errorf("SMSC refused submit_sm: %s", st.Desc())
	if temporaryStatus(st) {
		return Temporary(s.Name(), code, err)
	}
	return Permanent(s.Name(), code, err)
}

// onDeliver answers a deliver_sm. Receipts go to OnReceipt under the
// message's provider id; other deliver_sm (replies from citizens) are
// acknowledged and dropped, as nivaran takes no SMS input.
func (s *SMPP) onDeliver(d *pdu.DeliverSM) pdu.PDU {
	resp := d.GetResponse().(*pdu.DeliverSMResp)
	if d.EsmClass&data.SM_SMSC_DLV_RCPT_TYPE == 0 {
		s.log.Debug("smpp mobile-originated message ignored")
		return resp
	}
	text, _ := d.Message.GetMessageData()
	rc, ok := ParseReceipt(string(text))
	// The TLVs, when an SMSC sends them, are more reliable than the text.
	if f, has := d.OptionalParameters[pdu.TagReceiptedMessageID]; has {
		if id := f.String(); id != "" {
			rc.ID, ok = id, true
		}
	}
	if f, has := d.OptionalParameters[pdu.TagMessageStateOption]; has && len(f.Data) == 1 {
		rc.Stat = messageStateStat(f.Data[0])
	}
	if !ok || rc.ID == "" {
		s.log.Warn("smpp receipt unreadable", "text", string(text))
		return resp
	}
	delivered, final := receiptOutcome(rc.Stat)
	if !final || s.cfg.OnReceipt == nil {
		return resp
	}
	id := s.aliases.resolve(rc.ID)
	s.mu.Lock()
	base := s.runCtx
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(base, s.cfg.ReceiptTimeout)
	defer cancel()
	if err := s.cfg.OnReceipt(ctx, id, delivered); err != nil {
		s.log.Warn("smpp receipt not recorded; SMSC asked to retry",
			"provider_id", id, "stat", rc.Stat, "err", err)
		resp.CommandStatus = data.ESME_RX_T_APPN
	}
	return resp
}

// sleep waits d or until ctx is done, and reports whether the wait ran out.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
