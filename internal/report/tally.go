package report

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"

	"github.com/nivaran/nivaran/internal/model"
)

// Measure names a monthly tally: a count of one kind of event, attributed to
// a district, a department and a post.
type Measure string

// The measures. Each is counted in the IST month of the event.
const (
	// MRegistered: complaints registered (no post: district and department only).
	MRegistered Measure = "registered"
	// MReceived: complaints a post received — routed or re-routed to it,
	// escalated to it, reopened to it. Each is a deadline window opening.
	MReceived Measure = "received"
	// MDisposed: disposal acts by the accountable post — action-taken reports
	// and special-closure requests.
	MDisposed Measure = "disposed"
	// MDisposedInTime: disposal acts made before the deadline in force had
	// passed (a complaint reported after it sat overdue at the top of the
	// ladder is late; below the top a missed deadline escalates instead).
	MDisposedInTime Measure = "disposed_in_time"
	// MDefaulted: deadlines a post let pass — escalations it caused (the
	// escalated event's from_post_id) and overdue_at_top.
	MDefaulted Measure = "defaulted"
	// MSCRequested, MSCApproved, MSCRejected: special-closure requests by the
	// accountable post, and the supervisor's decisions on them.
	MSCRequested Measure = "sc_requested"
	MSCApproved  Measure = "sc_approved"
	MSCRejected  Measure = "sc_rejected"
	// MReturned: complaints returned by a post as not its business.
	MReturned Measure = "returned"
	// Feedback calls about a post's report, by outcome.
	MFbSatisfied    Measure = "fb_satisfied"
	MFbNotSatisfied Measure = "fb_not_satisfied"
	MFbUnreachable  Measure = "fb_unreachable"
	// Closures by reason, at the accountable post.
	MClosedSatisfied   Measure = "closed_satisfied"
	MClosedUnreachable Measure = "closed_unreachable"
	MClosedSpecial     Measure = "closed_special_closure"
	MClosedFalse       Measure = "closed_false" // false complaints and duplicates
	// MReopened: reports sent back — a dissatisfied citizen or a verification
	// mismatch reopened the complaint (the reopened event's from_post_id).
	MReopened Measure = "reopened"
	// MVerified, MVerifyMismatch: second calls of the verification sample
	// about a post's closures, and those that found the closure false.
	MVerified       Measure = "verified"
	MVerifyMismatch Measure = "verify_mismatch"
)

// Measures lists every measure, in a stable order.
var Measures = []Measure{MRegistered, MReceived, MDisposed, MDisposedInTime, MDefaulted, MSCRequested, MSCApproved,
	MSCRejected, MReturned, MFbSatisfied, MFbNotSatisfied, MFbUnreachable, MClosedSatisfied, MClosedUnreachable,
	MClosedSpecial, MClosedFalse, MReopened, MVerified, MVerifyMismatch}

// Known reports whether m is a measure.
func (m Measure) Known() bool { return slices.Contains(Measures, m) }

// Counts holds measures of one unit (or one month).
type Counts map[Measure]int64

// Add adds o into c.
func (c Counts) Add(o Counts) {
	for k, v := range o {
		c[k] += v
	}
}

// SatisfiedShare is the share of feedback answers that were "satisfied" (0
// when there were none), rounded to 4 places.
func (c Counts) SatisfiedShare() float64 {
	return share(c[MFbSatisfied], c[MFbSatisfied]+c[MFbNotSatisfied])
}

// InTimeShare is the share of deadline windows that ended in a disposal in
// time rather than in an escalation (0 when none ended), rounded to 4 places.
func (c Counts) InTimeShare() float64 {
	return share(c[MDisposedInTime], c[MDisposed]+c[MDefaulted])
}

func share(num, den int64) float64 {
	if den == 0 {
		return 0
	}
	return round4(float64(num) / float64(den))
}

// TallyKey addresses one monthly tally.
type TallyKey struct {
	Month        int // YYYYMM, IST
	DistrictID   int64
	DepartmentID int64
	PostID       int64
	Measure      Measure
}

// Compare orders keys (for a fixed lock order).
func (k TallyKey) Compare(o TallyKey) int {
	return cmp.Or(cmp.Compare(k.Month, o.Month), cmp.Compare(k.DistrictID, o.DistrictID),
		cmp.Compare(k.DepartmentID, o.DepartmentID), cmp.Compare(k.PostID, o.PostID), strings.Compare(string(k.Measure), string(o.Measure)))
}

// TallyDelta is a change of one tally.
type TallyDelta struct {
	Key TallyKey
	N   int64
}

// Tracker follows the two facts of a complaint's state that attribute its
// events to a post: the accountable post, and whether the deadline in force
// has passed at the top of the ladder. The hook starts one from the complaint
// as loaded; the recount starts one from nothing and replays the history. Both
// then read the same events the same way, which is why the maintained tallies
// and a recount agree.
type Tracker struct {
	Post         int64
	OverdueAtTop bool
}

// TrackerOf starts a tracker from a complaint as it was before a change (nil:
// a new complaint).
func TrackerOf(c *model.Complaint) Tracker {
	if c == nil {
		return Tracker{}
	}
	return Tracker{Post: c.AccountablePostID, OverdueAtTop: c.OverdueAtTop}
}

// Tally calls add for each tally event e adds, attributed to the district and
// department the complaint belongs to once e has happened, and advances the
// tracker past e.
func (t *Tracker) Tally(e model.Event, district, department int64, add func(TallyKey, int64)) {
	month := MonthOf(e.At).Key()
	at := func(post int64, m Measure) {
		add(TallyKey{Month: month, DistrictID: district, DepartmentID: department, PostID: post, Measure: m}, 1)
	}
	receive := func() {
		if e.ToPostID != nil {
			t.Post = *e.ToPostID
			at(t.Post, MReceived)
		}
		t.OverdueAtTop = false
	}
	switch e.Kind {
	case model.EventRegistered:
		at(0, MRegistered)
	case model.EventRouted, model.EventRerouted:
		receive()
	case model.EventEscalated:
		if e.FromPostID != nil {
			at(*e.FromPostID, MDefaulted)
		}
		receive()
	case model.EventReopened:
		if e.FromPostID != nil {
			at(*e.FromPostID, MReopened)
		}
		receive()
	case model.EventOverdueAtTop:
		if e.FromPostID != nil {
			at(*e.FromPostID, MDefaulted)
		}
		t.OverdueAtTop = true
	case model.EventReported, model.EventSpecialClosureRequested:
		at(t.Post, MDisposed)
		if !t.OverdueAtTop {
			at(t.Post, MDisposedInTime)
		}
		if e.Kind == model.EventSpecialClosureRequested {
			at(t.Post, MSCRequested)
		}
	case model.EventSpecialClosureApproved:
		at(t.Post, MSCApproved)
	case model.EventSpecialClosureRejected:
		at(t.Post, MSCRejected)
	case model.EventReturned:
		if e.FromPostID != nil {
			at(*e.FromPostID, MReturned)
		}
	case model.EventFeedback:
		switch payloadString(e.Payload, "outcome") {
		case "satisfied":
			at(t.Post, MFbSatisfied)
		case "not_satisfied":
			at(t.Post, MFbNotSatisfied)
		case "unreachable":
			at(t.Post, MFbUnreachable)
		}
	case model.EventClosed:
		switch model.ClosureReason(payloadString(e.Payload, "closure_reason")) {
		case model.ClosedSatisfied:
			at(t.Post, MClosedSatisfied)
		case model.ClosedUnreachable:
			at(t.Post, MClosedUnreachable)
		case model.ClosedSpecialClosure:
			at(t.Post, MClosedSpecial)
		case model.ClosedFalse, model.ClosedDuplicate:
			at(t.Post, MClosedFalse)
		}
	case model.EventVerification:
		at(t.Post, MVerified)
		if payloadString(e.Payload, "outcome") == "mismatch" {
			at(t.Post, MVerifyMismatch)
		}
	}
}

// TalliesOf is the hook side: the tallies one saved complaint change adds,
// summed per key and in key order. The change's events are attributed to the
// complaint's district and department after the change (a re-route, which
// changes them, is the first event of its change).
func TalliesOf(before *model.Complaint, after model.Complaint, events []model.Event) []TallyDelta {
	t := TrackerOf(before)
	sum := map[TallyKey]int64{}
	for _, e := range events {
		t.Tally(e, after.DistrictID, after.DepartmentID, func(k TallyKey, n int64) { sum[k] += n })
	}
	return sortedDeltas(sum)
}

func sortedDeltas(sum map[TallyKey]int64) []TallyDelta {
	out := make([]TallyDelta, 0, len(sum))
	for k, n := range sum {
		if n != 0 {
			out = append(out, TallyDelta{Key: k, N: n})
		}
	}
	slices.SortFunc(out, func(a, b TallyDelta) int { return a.Key.Compare(b.Key) })
	return out
}

// Places maps what the recount needs to attribute events of re-routed
// complaints: a category's department and an area's district.
type Places struct {
	CategoryDepartment map[int64]int64
	AreaDistrict       map[int64]int64 // 0 or missing: above any district
}

// Replay is the recount side: it tallies the history of one complaint, events
// oldest first, whose district and department are now district and
// department. Walking back over re-routes recovers where the complaint
// belonged when each earlier event happened.
func Replay(events []model.Event, district, department int64, places Places, add func(TallyKey, int64)) {
	type owner struct{ district, department int64 }
	owners := make([]owner, len(events))
	cur := owner{district, department}
	for i := len(events) - 1; i >= 0; i-- {
		owners[i] = cur
		if e := events[i]; e.Kind == model.EventRerouted {
			if a, ok := payloadInt(e.Payload, "from_area_id"); ok {
				cur.district = places.AreaDistrict[a]
			}
			if c, ok := payloadInt(e.Payload, "from_category_id"); ok {
				if d, ok := places.CategoryDepartment[c]; ok {
					cur.department = d
				}
			}
		}
	}
	var t Tracker
	for i, e := range events {
		t.Tally(e, owners[i].district, owners[i].department, add)
	}
}

// ReplayKinds are the event kinds Replay reads; the recount loads only these.
var ReplayKinds = []model.EventKind{model.EventRegistered, model.EventRouted, model.EventRerouted, model.EventEscalated,
	model.EventReopened, model.EventOverdueAtTop, model.EventReported, model.EventSpecialClosureRequested,
	model.EventSpecialClosureApproved, model.EventSpecialClosureRejected, model.EventReturned, model.EventFeedback,
	model.EventClosed, model.EventVerification}

func payloadString(p map[string]any, k string) string {
	s, _ := p[k].(string)
	return s
}

func payloadInt(p map[string]any, k string) (int64, bool) {
	switch v := p[k].(type) {
	case int64:
		return v, true
	case int:
		return int64(v), true
	case float64:
		return int64(v), true
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	}
	return 0, false
}
