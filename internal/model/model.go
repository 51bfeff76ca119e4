// Package model holds the plain domain types that every layer shares: areas,
// departments, posts, officers, categories, complaints, events and outbox
// messages. The types carry no behaviour beyond small helpers; the rules live in
// package workflow and the SQL in package store.
package model

import "time"

// Role is what a user may do. A user may hold several.
type Role string

// The roles of the public API.
const (
	RoleAgent      Role = "agent"
	RoleSupervisor Role = "supervisor"
	RoleOfficer    Role = "officer"
	RoleMonitor    Role = "monitor"
	RoleAdmin      Role = "admin"
	RoleCitizen    Role = "citizen"
)

// Roles lists every role, in a stable order.
var Roles = []Role{RoleAgent, RoleSupervisor, RoleOfficer, RoleMonitor, RoleAdmin, RoleCitizen}

// Area kinds of the administrative tree.
const (
	AreaState    = "state"
	AreaDivision = "division"
	AreaDistrict = "district"
	AreaTehsil   = "tehsil"
	AreaBlock    = "block"
	AreaVillage  = "village"
	AreaCity     = "city"
	AreaWard     = "ward"
	AreaCircle   = "police_circle"
	AreaThana    = "thana"
)

// AreaKinds lists every area kind.
var AreaKinds = []string{AreaState, AreaDivision, AreaDistrict, AreaTehsil, AreaBlock,
	AreaVillage, AreaCity, AreaWard, AreaCircle, AreaThana}

// Area is one node of the administrative tree.
type Area struct {
	ID       int64  `json:"id"`
	Kind     string `json:"kind"`
	Code     string `json:"code"`
	NameEn   string `json:"name_en"`
	NameHi   string `json:"name_hi"`
	ParentID *int64 `json:"parent_id"`
}

// Department is a government department.
type Department struct {
	ID     int64  `json:"id"`
	Code   string `json:"code"`
	NameEn string `json:"name_en"`
	NameHi string `json:"name_hi"`
}

// Designation is a kind of post within a department, sitting at one area kind.
type Designation struct {
	ID           int64  `json:"id"`
	DepartmentID int64  `json:"department_id"`
	Code         string `json:"code"`
	NameEn       string `json:"name_en"`
	NameHi       string `json:"name_hi"`
	AreaKind     string `json:"area_kind"`
	// Nodal marks the designation whose posts take a department's complaints that
	// no post of the handling designation covers (DESIGN §3.2).
	Nodal bool `json:"nodal"`
}

// Post is one seat: a designation over a jurisdiction, with a supervisor. The
// supervisor chain is the escalation ladder.
type Post struct {
	ID               int64  `json:"id"`
	DepartmentID     int64  `json:"department_id"`
	DesignationID    int64  `json:"designation_id"`
	Designation      string `json:"designation"` // designation code
	AreaID           int64  `json:"area_id"`
	TitleEn          string `json:"title_en"`
	TitleHi          string `json:"title_hi"`
	SupervisorPostID *int64 `json:"supervisor_post_id"`
	Nodal            bool   `json:"nodal"`
}

// Officer is a person who may hold posts.
type Officer struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Mobile   string `json:"mobile"`
	Username string `json:"username"`
	UserID   int64  `json:"user_id"`
}

// Posting is an officer holding a post from a time until a time (nil: now).
type Posting struct {
	ID        int64      `json:"id"`
	OfficerID int64      `json:"officer_id"`
	PostID    int64      `json:"post_id"`
	From      time.Time  `json:"from"`
	To        *time.Time `json:"to"`
}

// LevelCount is the number of escalation levels above L0; levels run 0..MaxLevel.
const MaxLevel = 4

// DefaultSLA is the default days allowed at L0..L4.
var DefaultSLA = [MaxLevel + 1]int{15, 7, 7, 7, 7}

// Category is a complaint type.
type Category struct {
	ID                    int64             `json:"id"`
	Code                  string            `json:"code"`
	DepartmentID          int64             `json:"department_id"`
	NameEn                string            `json:"name_en"`
	NameHi                string            `json:"name_hi"`
	Keywords              []string          `json:"keywords"`
	DesignationID         int64             `json:"designation_id"`
	Designation           string            `json:"designation"` // designation code
	SLADays               [MaxLevel + 1]int `json:"sla_days"`
	SpecialClosureAllowed bool              `json:"special_closure_allowed"`
}

// Status is a complaint's place in the workflow.
type Status string

// Complaint statuses.
const (
	StatusOpen                  Status = "open"
	StatusReported              Status = "reported"
	StatusSpecialClosurePending Status = "special_closure_pending"
	StatusReturned              Status = "returned"
	StatusClosed                Status = "closed"
)

// ClosureReason says why a closed complaint was closed.
type ClosureReason string

// Closure reasons.
const (
	ClosedSatisfied      ClosureReason = "satisfied"
	ClosedUnreachable    ClosureReason = "unreachable"
	ClosedSpecialClosure ClosureReason = "special_closure"
	ClosedFalse          ClosureReason = "false_complaint"
	ClosedDuplicate      ClosureReason = "duplicate"
)

// Channels through which a complaint may arrive.
var Channels = []string{"phone", "portal", "app", "walk_in", "cpgrams", "open311", "email", "whatsapp"}

// SpecialClosureReasons are the default prohibited-subject codes.
var SpecialClosureReasons = []string{"sub_judice", "rti_matter", "service_matter",
	"policy_decision", "personal_dispute", "suggestion", "outside_state_jurisdiction"}

// Complainant is the citizen behind a complaint.
type Complainant struct {
	Name     string `json:"name"`
	Mobile   string `json:"mobile"`
	Address  string `json:"address"`
	Language string `json:"language"` // "hi" or "en"
}

// Complaint is the state of one grievance.
type Complaint struct {
	ID           int64
	Ref          string
	Channel      string
	Complainant  Complainant
	CategoryID   int64
	DepartmentID int64
	AreaID       int64
	// DistrictID is the district the area lies in (0 above districts).
	DistrictID        int64
	Description       string
	Status            Status
	ClosureReason     ClosureReason // "" while not closed
	Level             int
	AccountablePostID int64
	MarkedPostID      *int64
	DueAt             time.Time
	RegisteredAt      time.Time
	ClosedAt          *time.Time
	ReportedAt        *time.Time
	ReopenCount       int
	FeedbackAttempts  int
	ReturnCount       int
	// SpecialClosure is set while a report stands by an approved special closure.
	SpecialClosure bool
	// SpecialClosureCode is the prohibited-subject code of the pending or approved request.
	SpecialClosureCode string
	// ReportHashes holds the content hashes of every report filed on the complaint,
	// so that an identical re-upload after a reopen can be refused.
	ReportHashes []string
	// VerificationSample marks a special closure the citizen disputed.
	VerificationSample bool
	// OverdueAtTop is set once the overdue_at_top event has been written for the
	// current due date at L4; a reopen with a fresh window clears it.
	OverdueAtTop bool
	UpdatedAt    time.Time
	// Version counts saved changes; every update is conditional on it, so two
	// nodes can never both apply a change to the same state.
	Version int64
	// RegisteredBy is the user who registered the complaint (0: none).
	RegisteredBy int64
}

// EventKind names what happened to a complaint.
type EventKind string

// Event kinds of the public API.
const (
	EventRegistered              EventKind = "registered"
	EventRouted                  EventKind = "routed"
	EventMarked                  EventKind = "marked"
	EventCommented               EventKind = "commented"
	EventReported                EventKind = "reported"
	EventSpecialClosureRequested EventKind = "special_closure_requested"
	EventSpecialClosureApproved  EventKind = "special_closure_approved"
	EventSpecialClosureRejected  EventKind = "special_closure_rejected"
	EventReturned                EventKind = "returned"
	EventRerouted                EventKind = "rerouted"
	EventReturnRejected          EventKind = "return_rejected"
	EventFeedback                EventKind = "feedback"
	EventReopened                EventKind = "reopened"
	EventEscalated               EventKind = "escalated"
	EventOverdueAtTop            EventKind = "overdue_at_top"
	EventReminder                EventKind = "reminder"
	EventFollowup                EventKind = "followup"
	EventClosed                  EventKind = "closed"
	EventCallerBlocked           EventKind = "caller_blocked"
	EventSMSQueued               EventKind = "sms_queued"
)

// Event is one append-only entry of a complaint's history.
type Event struct {
	ID          int64
	ComplaintID int64
	At          time.Time
	Kind        EventKind
	ActorUserID *int64
	ActorName   string
	ActorPostID *int64
	Level       int
	FromLevel   *int
	ToLevel     *int
	FromPostID  *int64
	ToPostID    *int64
	Note        string
	Payload     map[string]any
}

// Recipient says who an outbox message goes to: a citizen's mobile, or whoever
// holds a post when the message is queued.
type Recipient struct {
	Mobile string // set for citizens
	PostID int64  // set for officers; the service resolves the holder's mobile
}

// Message is an SMS to queue in the outbox.
type Message struct {
	ID        int64
	To        Recipient
	Mobile    string // resolved recipient mobile
	Template  string
	Language  string
	Vars      map[string]string
	DedupeKey string
	Status    string
	Attempts  int
	NextAt    time.Time
	CreatedAt time.Time
}

// SMS template keys.
const (
	TmplRegistered  = "complaint_registered"
	TmplAssigned    = "complaint_assigned"
	TmplEscalated   = "complaint_escalated"
	TmplDefaulter   = "escalation_defaulter"
	TmplReportFiled = "report_filed"
	TmplClosed      = "complaint_closed"
	TmplReopened    = "complaint_reopened"
	TmplTransferred = "post_transferred"
	TmplOTP         = "otp"
	TmplFollowupDue = "followup_due"
)

// User is someone who signs in.
type User struct {
	ID        int64  `json:"id"`
	Username  string `json:"username"`
	Name      string `json:"name"`
	Roles     []Role `json:"roles"`
	OfficerID *int64 `json:"officer_id,omitempty"`
	// AreaID scopes a monitor (and optionally other roles) to an area subtree.
	AreaID   *int64 `json:"area_id,omitempty"`
	Mobile   string `json:"mobile,omitempty"`
	Language string `json:"language,omitempty"`
	Demo     bool   `json:"-"`
}

// HasRole reports whether u holds r.
func (u *User) HasRole(r Role) bool {
	for _, x := range u.Roles {
		if x == r {
			return true
		}
	}
	return false
}
