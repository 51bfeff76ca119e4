// Package smsctest is a fake SMSC for tests: an SMPP 3.4 server on
// 127.0.0.1 that accepts binds, answers submit_sm with message ids, answers
// enquire_link and unbind, records every submit_sm byte for byte, and can
// send delivery receipts back as deliver_sm.
//
// It reads PDUs off the wire itself, so a test sees exactly what the client
// wrote (data coding, the short_message octets with their UDH, the TLVs),
// and uses gosmpp's pdu package to parse requests and build answers.
package smsctest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

// Options configure a Server.
type Options struct {
	// SystemID and Password, when set, are required of binds; a bind with
	// others gets ESME_RINVPASWD.
	SystemID string
	Password string
}

// Submit is one submit_sm as it arrived.
type Submit struct {
	Seq                int32
	Raw                []byte // the whole PDU
	ServiceType        string
	SourceTON          byte
	SourceNPI          byte
	Source             string
	DestTON            byte
	DestNPI            byte
	Dest               string
	EsmClass           byte
	RegisteredDelivery byte
	DataCoding         byte
	ShortMessage       []byte // the short_message field as sent, UDH included
	UDH                []byte // the UDH with its length octet, when esm_class has UDHI
	Payload            []byte // short_message after the UDH
	TLVs               map[uint16][]byte
	MessageID          string // the id the server answered with; "" when refused
	Status             uint32 // the command status it answered with
}

// Concat returns the concatenation reference, total parts and part number
// of a part of a long message (IEI 0x00).
func (s Submit) Concat() (ref, total, seq byte, ok bool) {
	u := s.UDH
	if len(u) < 1 {
		return 0, 0, 0, false
	}
	for i := 1; i+1 < len(u); {
		iei, l := u[i], int(u[i+1])
		if i+2+l > len(u) {
			break
		}
		if iei == 0x00 && l == 3 {
			return u[i+2], u[i+3], u[i+4], true
		}
		i += 2 + l
	}
	return 0, 0, 0, false
}

// Server is a running fake SMSC.
type Server struct {
	opts Options
	ln   net.Listener
	wg   sync.WaitGroup

	mu           sync.Mutex
	conns        []*conn
	submits      []Submit
	notify       chan struct{} // closed and replaced on every submit
	binds        int
	enquireLinks int
	nextID       int
	failNext     []data.CommandStatusType
	hold         bool
	closed       bool
}

type conn struct {
	c     net.Conn
	wmu   sync.Mutex
	bound bool

	rmu     sync.Mutex
	waiting map[int32]chan data.CommandStatusType // deliver_sm awaiting deliver_sm_resp
}

// Start listens on 127.0.0.1 on a free port and serves until Close.
func Start(opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, ln: ln, notify: make(chan struct{}), nextID: 1000}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is the host:port to bind to.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server and drops every connection.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	err := s.ln.Close()
	s.DropConnections()
	s.wg.Wait()
	return err
}

// DropConnections closes every client connection, as a network failure or
// an SMSC restart would.
func (s *Server) DropConnections() {
	s.mu.Lock()
	cs := s.conns
	s.conns = nil
	s.mu.Unlock()
	for _, c := range cs {
		_ = c.c.Close()
	}
}

// Submits returns every submit_sm received so far, in order.
func (s *Server) Submits() []Submit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Submit(nil), s.submits...)
}

// WaitSubmits waits until at least n submit_sm have arrived.
func (s *Server) WaitSubmits(n int, timeout time.Duration) ([]Submit, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, ch := len(s.submits), s.notify
		s.mu.Unlock()
		if got >= n {
			return s.Submits(), nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			return s.Submits(), fmt.Errorf("smsctest: %d submit_sm after %v, want %d", got, timeout, n)
		}
	}
}

// Binds counts successful binds.
func (s *Server) Binds() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.binds
}

// EnquireLinks counts enquire_link requests answered.
func (s *Server) EnquireLinks() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enquireLinks
}

// FailNext makes the server refuse the next submit_sm, one per status given.
func (s *Server) FailNext(status ...data.CommandStatusType) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = append(s.failNext, status...)
}

// Hold makes the server record submit_sm without answering them, to test a
// client's timeouts.
func (s *Server) Hold(hold bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = hold
}

// SendReceipt sends a delivery receipt for messageID with stat (DELIVRD,
// UNDELIV…) on the most recent bound connection and returns the status of
// the client's deliver_sm_resp.
func (s *Server) SendReceipt(messageID, stat string, timeout time.Duration) (data.CommandStatusType, error) {
	d := pdu.NewDeliverSM().(*pdu.DeliverSM)
	d.EsmClass = data.SM_SMSC_DLV_RCPT_TYPE
	text := "id:" + messageID + " sub:001 dlvrd:001 submit date:2601011200 done date:2601011201 stat:" +
		stat + " err:000 text:"
	msg, err := pdu.NewShortMessage(text)
	if err != nil {
		return 0, err
	}
	d.Message = msg
	return s.SendDeliverSM(d, timeout)
}

// SendDeliverSM sends d on the most recent bound connection and returns the
// status of the client's response.
func (s *Server) SendDeliverSM(d *pdu.DeliverSM, timeout time.Duration) (data.CommandStatusType, error) {
	s.mu.Lock()
	var c *conn
	for i := len(s.conns) - 1; i >= 0; i-- {
		if s.conns[i].bound {
			c = s.conns[i]
			break
		}
	}
	s.mu.Unlock()
	if c == nil {
		return 0, errors.New("smsctest: no bound connection")
	}
	ch := make(chan data.CommandStatusType, 1)
	seq := d.GetSequenceNumber()
	c.rmu.Lock()
	c.waiting[seq] = ch
	c.rmu.Unlock()
	if err := c.write(d); err != nil {
		return 0, err
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case st := <-ch:
		return st, nil
	case <-t.C:
		return 0, errors.New("smsctest: no deliver_sm_resp")
	}
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		c := &conn{c: nc, waiting: make(map[int32]chan data.CommandStatusType)}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = nc.Close()
			return
		}
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer nc.Close()
			s.serve(c)
		}()
	}
}

func (s *Server) serve(c *conn) {
	r := bufio.NewReader(c.c)
	for {
		raw, err := readPDU(r)
		if err != nil {
			return
		}
		p, err := pdu.Parse(bytes.NewReader(raw))
		if err != nil {
			nack := pdu.NewGenericNack()
			nack.SetSequenceNumber(int32(binary.BigEndian.Uint32(raw[12:16])))
			_ = c.write(nack)
			continue
		}
		switch pd := p.(type) {
		case *pdu.BindRequest:
			resp := pd.GetResponse().(*pdu.BindResp)
			resp.SystemID = "smsctest"
			if (s.opts.SystemID != "" && pd.SystemID != s.opts.SystemID) ||
				(s.opts.Password != "" && pd.Password != s.opts.Password) {
				resp.CommandStatus = data.ESME_RINVPASWD
				_ = c.write(resp)
				return
			}
			s.mu.Lock()
			c.bound = true
			s.binds++
			s.mu.Unlock()
			_ = c.write(resp)
		case *pdu.EnquireLink:
			s.mu.Lock()
			s.enquireLinks++
			s.mu.Unlock()
			_ = c.write(pd.GetResponse())
		case *pdu.Unbind:
			_ = c.write(pd.GetResponse())
			return
		case *pdu.SubmitSM:
			if resp := s.submit(raw, pd); resp != nil {
				_ = c.write(resp)
			}
		case *pdu.DeliverSMResp:
			c.rmu.Lock()
			ch, ok := c.waiting[pd.SequenceNumber]
			delete(c.waiting, pd.SequenceNumber)
			c.rmu.Unlock()
			if ok {
				ch <- pd.CommandStatus
			}
		default:
			if p.CanResponse() {
				_ = c.write(p.GetResponse())
			}
		}
	}
}

// submit records a submit_sm and returns the answer, or nil when holding.
func (s *Server) submit(raw []byte, p *pdu.SubmitSM) pdu.PDU {
	sub, err := decodeSubmit(raw)
	if err != nil {
		nack := pdu.NewGenericNack()
		nack.SetSequenceNumber(p.SequenceNumber)
		return nack
	}
	resp := p.GetResponse().(*pdu.SubmitSMResp)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case len(s.failNext) > 0:
		resp.CommandStatus = s.failNext[0]
		s.failNext = s.failNext[1:]
	default:
		s.nextID++
		resp.MessageID = strconv.Itoa(s.nextID)
		sub.MessageID = resp.MessageID
	}
	sub.Status = uint32(resp.CommandStatus)
	hold := s.hold
	s.submits = append(s.submits, sub)
	close(s.notify)
	s.notify = make(chan struct{})
	if hold {
		return nil
	}
	return resp
}

func (c *conn) write(p pdu.PDU) error {
	b := pdu.NewBuffer(make([]byte, 0, 64))
	p.Marshal(b)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.c.Write(b.Bytes())
	return err
}

func readPDU(r io.Reader) ([]byte, error) {
	var h [16]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(h[:4])
	if n < 16 || n > 64<<10 {
		return nil, fmt.Errorf("smsctest: command_length %d", n)
	}
	raw := make([]byte, n)
	copy(raw, h[:])
	if _, err := io.ReadFull(r, raw[16:]); err != nil {
		return nil, err
	}
	return raw, nil
}

// decodeSubmit walks a submit_sm body by the SMPP 3.4 layout (§4.4.1),
// independently of gosmpp's parser, so tests check the octets themselves.
func decodeSubmit(raw []byte) (Submit, error) {
	s := Submit{Seq: int32(binary.BigEndian.Uint32(raw[12:16])), Raw: raw, TLVs: map[uint16][]byte{}}
	b := raw[16:]
	var err error
	cstr := func() string {
		if err != nil {
			return ""
		}
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			err = errors.New("unterminated C-octet string")
			return ""
		}
		v := string(b[:i])
		b = b[i+1:]
		return v
	}
	octet := func() byte {
		if err != nil {
			return 0
		}
		if len(b) < 1 {
			err = errors.New("short PDU")
			return 0
		}
		v := b[0]
		b = b[1:]
		return v
	}
	s.ServiceType = cstr()
	s.SourceTON, s.SourceNPI, s.Source = octet(), octet(), cstr()
	s.DestTON, s.DestNPI, s.Dest = octet(), octet(), cstr()
	s.EsmClass = octet()
	_ = octet() // protocol_id
	_ = octet() // priority_flag
	_ = cstr()  // schedule_delivery_time
	_ = cstr()  // validity_period
	s.RegisteredDelivery = octet()
	_ = octet() // replace_if_present_flag
	s.DataCoding = octet()
	_ = octet() // sm_default_msg_id
	n := int(octet())
	if err != nil {
		return s, err
	}
	if len(b) < n {
		return s, errors.New("short_message longer than the PDU")
	}
	s.ShortMessage, b = b[:n], b[n:]
	s.Payload = s.ShortMessage
	if s.EsmClass&data.SM_UDH_GSM != 0 && n > 0 {
		l := int(s.ShortMessage[0]) + 1
		if l > n {
			return s, errors.New("UDH longer than short_message")
		}
		s.UDH, s.Payload = s.ShortMessage[:l], s.ShortMessage[l:]
	}
	for len(b) > 0 {
		if len(b) < 4 {
			return s, errors.New("truncated TLV")
		}
		tag, l := binary.BigEndian.Uint16(b), int(binary.BigEndian.Uint16(b[2:]))
		if len(b) < 4+l {
			return s, errors.New("TLV longer than the PDU")
		}
		s.TLVs[tag] = b[4 : 4+l]
		b = b[4+l:]
	}
	return s, nil
}
