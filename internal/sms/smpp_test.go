package sms

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf16"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"

	"github.com/nivaran/nivaran/internal/sms/smsctest"
)

const (
	entityID   = "1201160000000012345"
	templateID = "1107160000000000011"
)

type receiptLog struct {
	mu   sync.Mutex
	got  []receipt
	fail bool
	seen chan struct{}
}

func (r *receiptLog) deliver(_ context.Context, id string, delivered bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errors.New("store down")
	}
	r.got = append(r.got, receipt{id, delivered})
	select {
	case r.seen <- struct{}{}:
	default:
	}
	return nil
}

func (r *receiptLog) all() []receipt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]receipt(nil), r.got...)
}

func startSMSC(t *testing.T) *smsctest.Server {
	t.Helper()
	srv, err := smsctest.Start(smsctest.Options{SystemID: "nivaran", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// startSMPP runs a provider against addr until the test ends.
func startSMPP(t *testing.T, addr string, mutate func(*SMPPConfig)) (*SMPP, *receiptLog) {
	t.Helper()
	rl := &receiptLog{seen: make(chan struct{}, 16)}
	cfg := SMPPConfig{
		Addr: addr, SystemID: "nivaran", Password: "pw", SystemType: "NIVARAN",
		EnquireLink: 100 * time.Millisecond, ReadTimeout: time.Second,
		SubmitTimeout: 2 * time.Second, ConnectTimeout: time.Second,
		ReconnectMin: 20 * time.Millisecond, ReconnectMax: 100 * time.Millisecond,
		OnReceipt: rl.deliver,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	p, err := NewSMPP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := p.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return p, rl
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 300 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func dltMessage(text string) Outgoing {
	return Outgoing{To: "9876543210", Rendered: Rendered{Key: "test", Language: "hi", Text: text,
		Header: "UPCMHL", DLTTemplateID: templateID, EntityID: entityID}}
}

func utf16be(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}

func decodeUTF16BE(t *testing.T, b []byte) string {
	t.Helper()
	if len(b)%2 != 0 {
		t.Fatalf("odd UCS-2 payload of %d bytes", len(b))
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}

func TestSMPPHindiSingleSMS(t *testing.T) {
	srv := startSMSC(t)
	p, _ := startSMPP(t, srv.Addr(), nil)
	text := "आपकी शिकायत 107600123456 दर्ज हो गई है। -मुख्यमंत्री हेल्पलाइन 1076"
	if n := units16(text); n > UCS2Single {
		t.Fatalf("test text has %d units", n)
	}
	id, err := p.Send(context.Background(), dltMessage(text))
	if err != nil {
		t.Fatal(err)
	}
	subs := srv.Submits()
	if len(subs) != 1 {
		t.Fatalf("%d submit_sm", len(subs))
	}
	s := subs[0]
	if id == "" || id != s.MessageID {
		t.Errorf("provider id %q, SMSC answered %q", id, s.MessageID)
	}
	if s.DataCoding != 0x08 {
		t.Errorf("data_coding %#x, want 0x08", s.DataCoding)
	}
	if !bytes.Equal(s.ShortMessage, utf16be(text)) {
		t.Errorf("short_message is not the UTF-16BE of the text:\n got % x\nwant % x", s.ShortMessage, utf16be(text))
	}
	if s.EsmClass&0x40 != 0 || s.UDH != nil {
		t.Errorf("single SMS has UDHI (esm_class %#x)", s.EsmClass)
	}
	if s.RegisteredDelivery&0x03 != 1 {
		t.Errorf("registered_delivery %#x, want a receipt requested", s.RegisteredDelivery)
	}
	if s.Source != "UPCMHL" || s.SourceTON != 5 || s.SourceNPI != 0 {
		t.Errorf("source %q TON %d NPI %d", s.Source, s.SourceTON, s.SourceNPI)
	}
	if s.Dest != "919876543210" || s.DestTON != 1 || s.DestNPI != 1 {
		t.Errorf("dest %q TON %d NPI %d", s.Dest, s.DestTON, s.DestNPI)
	}
	if string(s.TLVs[0x1400]) != entityID || string(s.TLVs[0x1401]) != templateID {
		t.Errorf("DLT TLVs %q / %q", s.TLVs[0x1400], s.TLVs[0x1401])
	}
}

func TestSMPPLongHindiIsConcatenatedAtClusters(t *testing.T) {
	srv := startSMSC(t)
	p, _ := startSMPP(t, srv.Addr(), nil)
	text := "श्रीमान्, विद्युत वितरण खण्ड द्वितीय के अन्तर्गत ट्रांसफ़ॉर्मर क्षतिग्रस्त होने से मोहल्ले की बिजली " +
		"आपूर्ति बाधित है; कृपया प्राथमिकता पर कार्यवाही करें। शिकायत 107600123456 -मुख्यमंत्री हेल्पलाइन 1076"
	_, segs := Encode(text)
	n := len(segs)
	if n < 3 {
		t.Fatalf("test text makes %d segments", n)
	}
	for range 2 { // two messages, to see the references differ
		if _, err := p.Send(context.Background(), dltMessage(text)); err != nil {
			t.Fatal(err)
		}
	}
	subs := srv.Submits()
	if len(subs) != 2*n {
		t.Fatalf("%d submit_sm, want %d", len(subs), 2*n)
	}
	refs := map[byte]bool{}
	for m := range 2 {
		parts := subs[n*m : n*m+n]
		var joined strings.Builder
		ref0, _, _, _ := parts[0].Concat()
		refs[ref0] = true
		for i, s := range parts {
			if s.DataCoding != 0x08 || s.EsmClass&0x40 == 0 {
				t.Errorf("part %d: data_coding %#x esm_class %#x", i+1, s.DataCoding, s.EsmClass)
			}
			if !bytes.Equal(s.UDH, []byte{0x05, 0x00, 0x03, ref0, byte(n), byte(i + 1)}) {
				t.Errorf("part %d UDH % x, want 05 00 03 %02x %02x %02x", i+1, s.UDH, ref0, n, i+1)
			}
			if len(s.Payload) > 2*UCS2Part {
				t.Errorf("part %d carries %d octets", i+1, len(s.Payload))
			}
			part := decodeUTF16BE(t, s.Payload)
			if part != segs[i].Text {
				t.Errorf("part %d is not segment %d", i+1, i+1)
			}
			if i > 0 {
				if r := []rune(part)[0]; unicode.In(r, unicode.Mn, unicode.Mc) {
					t.Errorf("part %d starts with combining mark %U", i+1, r)
				}
			}
			if string(s.TLVs[0x1400]) != entityID || string(s.TLVs[0x1401]) != templateID {
				t.Errorf("part %d DLT TLVs %q / %q", i+1, s.TLVs[0x1400], s.TLVs[0x1401])
			}
			joined.WriteString(part)
		}
		if joined.String() != text {
			t.Errorf("parts reassemble to\n%s\nwant\n%s", joined.String(), text)
		}
	}
	if len(refs) != 2 {
		t.Error("two messages share a concatenation reference")
	}
}

func TestSMPPEnglishIsGSM7(t *testing.T) {
	srv := startSMSC(t)
	p, _ := startSMPP(t, srv.Addr(), nil)
	text := "Your complaint 107600123456 has been disposed of and closed. Thank you. -UP CM Helpline 1076"
	if _, err := p.Send(context.Background(), dltMessage(text)); err != nil {
		t.Fatal(err)
	}
	s := srv.Submits()[0]
	if s.DataCoding != 0x00 || !bytes.Equal(s.ShortMessage, []byte(text)) {
		t.Errorf("data_coding %#x, short_message %q", s.DataCoding, s.ShortMessage)
	}
}

func TestSMPPConfiguredTLVTags(t *testing.T) {
	srv := startSMSC(t)
	p, _ := startSMPP(t, srv.Addr(), func(c *SMPPConfig) {
		c.EntityIDTag, c.TemplateIDTag, c.TLVNullTerminated = 0x1500, 0x1501, true
	})
	if _, err := p.Send(context.Background(), dltMessage("नमस्ते")); err != nil {
		t.Fatal(err)
	}
	s := srv.Submits()[0]
	if string(s.TLVs[0x1500]) != entityID+"\x00" || string(s.TLVs[0x1501]) != templateID+"\x00" {
		t.Errorf("TLVs %v", s.TLVs)
	}
	if _, ok := s.TLVs[0x1400]; ok {
		t.Error("default tag sent as well")
	}
}

func TestSMPPReceipts(t *testing.T) {
	srv := startSMSC(t)
	p, rl := startSMPP(t, srv.Addr(), nil)
	ctx := context.Background()
	id, err := p.Send(ctx, dltMessage("नमस्ते"))
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("क्ष", 30) // 90 units: two parts
	longID, err := p.Send(ctx, dltMessage(long))
	if err != nil {
		t.Fatal(err)
	}
	subs := srv.Submits()
	secondPart := subs[len(subs)-1].MessageID
	if secondPart == longID {
		t.Fatal("both parts have one id")
	}

	for _, tc := range []struct {
		id, stat string
		status   data.CommandStatusType
	}{
		{id, "DELIVRD", data.ESME_ROK},
		{secondPart, "UNDELIV", data.ESME_ROK},
		{id, "ENROUTE", data.ESME_ROK}, // not final: no callback
	} {
		st, err := srv.SendReceipt(tc.id, tc.stat, 2*time.Second)
		if err != nil || st != tc.status {
			t.Fatalf("receipt %s %s: status %v err %v", tc.id, tc.stat, st, err)
		}
	}
	want := []receipt{{id, true}, {longID, false}}
	got := rl.all()
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("receipts %v, want %v (later parts reported under the first part's id)", got, want)
	}

	// When the store cannot record it, the SMSC is asked to try again.
	rl.mu.Lock()
	rl.fail = true
	rl.mu.Unlock()
	if st, err := srv.SendReceipt(id, "DELIVRD", 2*time.Second); err != nil || st != data.ESME_RX_T_APPN {
		t.Errorf("failed callback: status %v err %v, want ESME_RX_T_APPN", st, err)
	}
	rl.mu.Lock()
	rl.fail = false
	rl.mu.Unlock()

	// The TLVs win over the text when the SMSC sends both.
	d := pdu.NewDeliverSM().(*pdu.DeliverSM)
	d.EsmClass = data.SM_SMSC_DLV_RCPT_TYPE
	d.Message, _ = pdu.NewShortMessage("id:garbage stat:UNKNOWN")
	d.RegisterOptionalParam(pdu.Field{Tag: pdu.TagReceiptedMessageID, Data: append([]byte(id), 0)})
	d.RegisterOptionalParam(pdu.Field{Tag: pdu.TagMessageStateOption, Data: []byte{2}})
	if st, err := srv.SendDeliverSM(d, 2*time.Second); err != nil || st != data.ESME_ROK {
		t.Fatalf("TLV receipt: %v %v", st, err)
	}
	if got := rl.all(); len(got) != 3 || got[2] != (receipt{id, true}) {
		t.Errorf("TLV receipt recorded as %v", got)
	}
}

func TestSMPPEnquireLink(t *testing.T) {
	srv := startSMSC(t)
	startSMPP(t, srv.Addr(), nil)
	waitFor(t, "enquire_link", func() bool { return srv.EnquireLinks() >= 2 })
}

func TestSMPPRefusals(t *testing.T) {
	srv := startSMSC(t)
	p, _ := startSMPP(t, srv.Addr(), nil)
	ctx := context.Background()
	srv.FailNext(data.ESME_RTHROTTLED)
	_, err := p.Send(ctx, dltMessage("नमस्ते"))
	if se, ok := errors.AsType[*SendError](err); !ok || !se.Temporary || se.Code != "0x58" {
		t.Errorf("throttled: %v, want temporary 0x58", err)
	}
	srv.FailNext(data.ESME_RINVDSTADR)
	if _, err := p.Send(ctx, dltMessage("नमस्ते")); err == nil || IsTemporary(err) {
		t.Errorf("invalid destination: %v, want permanent", err)
	}
	// A refused later part fails the message.
	srv.FailNext(data.ESME_ROK, data.ESME_RMSGQFUL)
	if _, err := p.Send(ctx, dltMessage(strings.Repeat("क्ष", 30))); !IsTemporary(err) {
		t.Errorf("second part refused: %v, want temporary", err)
	}
	if _, err := p.Send(ctx, dltMessage("नमस्ते")); err != nil {
		t.Errorf("after refusals: %v", err)
	}
	if _, err := p.Send(ctx, Outgoing{To: "12345", Rendered: dltMessage("x").Rendered}); !errors.Is(err, ErrBadRecipient) {
		t.Errorf("bad recipient: %v", err)
	}
}

func TestSMPPReconnects(t *testing.T) {
	srv := startSMSC(t)
	p, _ := startSMPP(t, srv.Addr(), nil)
	ctx := context.Background()
	waitFor(t, "bind", p.Bound)
	if _, err := p.Send(ctx, dltMessage("एक")); err != nil {
		t.Fatal(err)
	}
	srv.DropConnections()
	waitFor(t, "rebind", func() bool { return srv.Binds() >= 2 && p.Bound() })
	if _, err := p.Send(ctx, dltMessage("दो")); err != nil {
		t.Fatalf("after reconnect: %v", err)
	}
}

func TestSMPPNotBound(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens here now
	p, _ := startSMPP(t, addr, func(c *SMPPConfig) { c.SubmitTimeout = 200 * time.Millisecond })
	_, err = p.Send(context.Background(), dltMessage("नमस्ते"))
	if !IsTemporary(err) || !strings.Contains(err.Error(), "not bound") {
		t.Errorf("err %v, want temporary not bound", err)
	}
}

func TestSMPPSilentSMSC(t *testing.T) {
	// An SMSC that takes the TCP connection and never answers the bind.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted sync.WaitGroup
	accepted.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go io.Copy(io.Discard, c)
		}
	})
	p, _ := startSMPP(t, ln.Addr().String(), func(c *SMPPConfig) {
		c.ConnectTimeout = 100 * time.Millisecond
		c.SubmitTimeout = 500 * time.Millisecond
	})
	if _, err := p.Send(context.Background(), dltMessage("नमस्ते")); !IsTemporary(err) {
		t.Errorf("err %v, want temporary", err)
	}
	if p.Bound() {
		t.Error("bound to a silent SMSC")
	}
	ln.Close()
	accepted.Wait()
}

func TestSMPPWrongPassword(t *testing.T) {
	srv := startSMSC(t)
	p, _ := startSMPP(t, srv.Addr(), func(c *SMPPConfig) {
		c.Password = "wrong"
		c.SubmitTimeout = 300 * time.Millisecond
	})
	if _, err := p.Send(context.Background(), dltMessage("नमस्ते")); !IsTemporary(err) {
		t.Errorf("err %v, want temporary", err)
	}
	if srv.Binds() != 0 || p.Bound() {
		t.Error("bound with a wrong password")
	}
}

func TestSMPPTimeoutAndWindow(t *testing.T) {
	srv := startSMSC(t)
	p, _ := startSMPP(t, srv.Addr(), func(c *SMPPConfig) {
		c.Window = 2
		c.SubmitTimeout = time.Second
	})
	waitFor(t, "bind", p.Bound)
	srv.Hold(true)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() { _, errs[i] = p.Send(context.Background(), dltMessage("नमस्ते")) })
	}
	if _, err := srv.WaitSubmits(2, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	// Two submit_sm await their responses: a third must wait for a slot.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	_, err := p.Send(ctx, dltMessage("नमस्ते"))
	cancel()
	if !IsTemporary(err) || !strings.Contains(err.Error(), "window full") {
		t.Errorf("third send: %v, want temporary window full", err)
	}
	if n := len(srv.Submits()); n != 2 {
		t.Errorf("SMSC got %d submit_sm with a window of 2", n)
	}
	wg.Wait()
	for i, err := range errs {
		if !IsTemporary(err) || !strings.Contains(err.Error(), "no submit_sm_resp") {
			t.Errorf("held send %d: %v, want temporary timeout", i, err)
		}
	}
	// The timed-out submits gave their window slots back.
	srv.Hold(false)
	for range 3 {
		if _, err := p.Send(context.Background(), dltMessage("नमस्ते")); err != nil {
			t.Fatalf("after timeouts: %v", err)
		}
	}
}

func TestParseReceipt(t *testing.T) {
	cases := []struct {
		text string
		want Receipt
		ok   bool
	}{
		{"id:1234567890 sub:001 dlvrd:001 submit date:2601011200 done date:2601011201 stat:DELIVRD err:000 text:Hello",
			Receipt{ID: "1234567890", Stat: "DELIVRD", Err: "000", Sub: "001", Dlvrd: "001"}, true},
		{"id:ab12 sub:001 dlvrd:000 submit date:2601011200 done date:2601011201 stat:UNDELIV err:032 Text:stat:DELIVRD",
			Receipt{ID: "ab12", Stat: "UNDELIV", Err: "032", Sub: "001", Dlvrd: "000"}, true},
		{"ID:77 STAT:expired", Receipt{ID: "77", Stat: "EXPIRED"}, true},
		{"hello, a reply from a citizen", Receipt{}, false},
	}
	for _, tc := range cases {
		got, ok := ParseReceipt(tc.text)
		if ok != tc.ok || got != tc.want {
			t.Errorf("ParseReceipt(%q) = %+v, %v; want %+v, %v", tc.text, got, ok, tc.want, tc.ok)
		}
	}
}
