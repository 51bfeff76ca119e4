package sms

import (
	"regexp"
	"strings"
	"sync"

	"github.com/linxGnu/gosmpp/data"
)

// Receipt is an SMSC delivery receipt, as carried in the text of a
// deliver_sm (SMPP 3.4 appendix B): "id:… sub:… dlvrd:… submit date:… done
// date:… stat:DELIVRD err:… text:…".
type Receipt struct {
	ID    string
	Stat  string
	Err   string
	Sub   string
	Dlvrd string
}

// receiptField matches one "key:value" of a receipt; keys are matched
// case-insensitively because SMSCs disagree on case ("Text:" vs "text:").
var receiptField = regexp.MustCompile(`(?i)(?:^|\s)(id|sub|dlvrd|stat|err):(\S*)`)

// ParseReceipt reads the fields of a delivery receipt's text. It reports
// false when there is no id or no stat.
func ParseReceipt(text string) (Receipt, bool) {
	var r Receipt
	// Everything after "text:" is the start of the message itself, which
	// may contain anything, including "stat:"; cut it off first.
	if i := strings.Index(strings.ToLower(text), " text:"); i >= 0 {
		text = text[:i]
	}
	for _, m := range receiptField.FindAllStringSubmatch(text, -1) {
		switch strings.ToLower(m[1]) {
		case "id":
			r.ID = m[2]
		case "sub":
			r.Sub = m[2]
		case "dlvrd":
			r.Dlvrd = m[2]
		case "stat":
			r.Stat = strings.ToUpper(m[2])
		case "err":
			r.Err = m[2]
		}
	}
	return r, r.ID != "" && r.Stat != ""
}

// receiptOutcome maps a receipt's stat to delivered, and whether it is final
// at all: ENROUTE and ACCEPTD are on the way, and recording them as failures
// would be wrong.
func receiptOutcome(stat string) (delivered, final bool) {
	switch strings.ToUpper(stat) {
	case "DELIVRD", "DELIVERED":
		return true, true
	case "ENROUTE", "ACCEPTD", "ACCEPTED", "SCHEDULED", "BUFFRED", "":
		return false, false
	}
	return false, true // UNDELIV, EXPIRED, REJECTD, DELETED, UNKNOWN, …
}

// messageStateStat maps the message_state TLV (SMPP 3.4 §5.2.28) to the
// receipt stat words.
func messageStateStat(b byte) string {
	switch b {
	case 1:
		return "ENROUTE"
	case 2:
		return "DELIVRD"
	case 3:
		return "EXPIRED"
	case 4:
		return "DELETED"
	case 5:
		return "UNDELIV"
	case 6:
		return "ACCEPTD"
	case 8:
		return "REJECTD"
	}
	return "UNKNOWN"
}

// temporaryStatus reports whether an SMSC's refusal of a submit_sm may pass
// later. Only statuses that say the message itself is wrong are permanent;
// throttling, full queues, system errors and unknown codes are retried.
func temporaryStatus(s data.CommandStatusType) bool {
	switch s {
	case data.ESME_RINVMSGLEN, data.ESME_RINVCMDLEN, data.ESME_RINVCMDID,
		data.ESME_RINVPRTFLG, data.ESME_RINVREGDLVFLG,
		data.ESME_RINVSRCADR, data.ESME_RINVDSTADR, data.ESME_RINVSERTYP,
		data.ESME_RINVESMCLASS, data.ESME_RINVSRCTON, data.ESME_RINVSRCNPI,
		data.ESME_RINVDSTTON, data.ESME_RINVDSTNPI, data.ESME_RINVSYSTYP,
		data.ESME_RINVREPFLAG, data.ESME_RINVSCHED, data.ESME_RINVEXPIRY,
		data.ESME_RINVDFTMSGID, data.ESME_RX_P_APPN, data.ESME_RX_R_APPN,
		data.ESME_RINVPARAM, data.ESME_RINVOPTPARSTREAM, data.ESME_ROPTPARNOTALLWD,
		data.ESME_RINVPARLEN, data.ESME_RMISSINGOPTPARAM, data.ESME_RINVOPTPARAMVAL,
		data.ESME_RINVOPTPARLEN:
		return false
	}
	return true
}

// partAliases maps the SMSC ids of the second and later parts of a
// concatenated message to the id of its first part, which is the message's
// provider id: receipts come per part. It forgets the oldest entries past
// its capacity; a receipt that comes later than that is passed on with its
// own id.
type partAliases struct {
	mu    sync.Mutex
	to    map[string]string
	order []string
	next  int
}

func newPartAliases(capacity int) *partAliases {
	return &partAliases{to: make(map[string]string), order: make([]string, 0, capacity)}
}

func (a *partAliases) add(partID, firstID string) {
	if partID == "" || firstID == "" || partID == firstID {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.to[partID]; ok {
		a.to[partID] = firstID
		return
	}
	if len(a.order) < cap(a.order) {
		a.order = append(a.order, partID)
	} else {
		delete(a.to, a.order[a.next])
		a.order[a.next] = partID
		a.next = (a.next + 1) % len(a.order)
	}
	a.to[partID] = firstID
}

func (a *partAliases) resolve(id string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if first, ok := a.to[id]; ok {
		return first
	}
	return id
}
