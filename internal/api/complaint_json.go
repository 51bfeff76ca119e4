package api

import (
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

var istZone = workflow.IST

type nameRef struct {
	ID     int64  `json:"id"`
	Code   string `json:"code,omitempty"`
	NameEn string `json:"name_en"`
	NameHi string `json:"name_hi"`
}

type postRef struct {
	ID          int64  `json:"id"`
	TitleEn     string `json:"title_en"`
	TitleHi     string `json:"title_hi"`
	Designation string `json:"designation"`
}

type complainantJSON struct {
	Name     *string `json:"name"`
	Mobile   *string `json:"mobile"`
	Address  string  `json:"address"`
	Language string  `json:"language"`
}

type actorJSON struct {
	UserID *int64 `json:"user_id"`
	Name   string `json:"name"`
	PostID *int64 `json:"post_id,omitempty"`
}

type eventJSON struct {
	At         time.Time      `json:"at"`
	Kind       string         `json:"kind"`
	Actor      actorJSON      `json:"actor"`
	Level      int            `json:"level"`
	FromLevel  *int           `json:"from_level,omitempty"`
	ToLevel    *int           `json:"to_level,omitempty"`
	FromPostID *int64         `json:"from_post_id"`
	ToPostID   *int64         `json:"to_post_id"`
	Note       string         `json:"note"`
	Payload    map[string]any `json:"payload,omitempty"`
}

type reportJSON struct {
	Text        string    `json:"text"`
	OfficerName string    `json:"officer_name"`
	PostID      int64     `json:"post_id"`
	At          time.Time `json:"at"`
	Attachments []int64   `json:"attachment_ids"`
	Special     bool      `json:"special_closure"`
}

type complaintJSON struct {
	Ref                string          `json:"ref"`
	Status             string          `json:"status"`
	ClosureReason      *string         `json:"closure_reason"`
	Level              int             `json:"level"`
	Channel            string          `json:"channel"`
	Category           nameRef         `json:"category"`
	Area               nameRef         `json:"area"`
	AccountablePost    *postRef        `json:"accountable_post"`
	MarkedPost         *postRef        `json:"marked_post"`
	DueAt              time.Time       `json:"due_at"`
	Overdue            bool            `json:"overdue"`
	RegisteredAt       time.Time       `json:"registered_at"`
	ClosedAt           *time.Time      `json:"closed_at"`
	ReportedAt         *time.Time      `json:"reported_at"`
	ReopenCount        int             `json:"reopen_count"`
	FeedbackAttempts   int             `json:"feedback_attempts"`
	ReturnCount        int             `json:"return_count"`
	SpecialClosure     bool            `json:"special_closure"`
	SpecialClosureCode string          `json:"special_closure_code,omitempty"`
	Complainant        complainantJSON `json:"complainant"`
	Description        string          `json:"description"`
	Events             []eventJSON     `json:"events,omitempty"`
	Report             *reportJSON     `json:"report,omitempty"`
	PossibleDuplicates []complaintJSON `json:"possible_duplicates,omitempty"`
}

// complaintOut renders a complaint for p: officers do not see the
// complainant's name and mobile.
func complaintOut(r store.ComplaintRow, p *auth.Principal, now time.Time) complaintJSON {
	c := r.Complaint
	out := complaintJSON{Ref: c.Ref, Status: string(c.Status), Level: c.Level, Channel: c.Channel,
		Category: nameRef{ID: c.CategoryID, Code: r.CategoryCode, NameEn: r.CategoryEn, NameHi: r.CategoryHi},
		Area:     nameRef{ID: c.AreaID, NameEn: r.AreaEn, NameHi: r.AreaHi},
		DueAt:    ist(c.DueAt), RegisteredAt: ist(c.RegisteredAt), ClosedAt: istPtr(c.ClosedAt), ReportedAt: istPtr(c.ReportedAt),
		Overdue:     (c.Status == model.StatusOpen || c.Status == model.StatusSpecialClosurePending) && now.After(c.DueAt),
		ReopenCount: c.ReopenCount, FeedbackAttempts: c.FeedbackAttempts, ReturnCount: c.ReturnCount,
		SpecialClosure: c.SpecialClosure, SpecialClosureCode: c.SpecialClosureCode, Description: c.Description,
		Complainant: complainantJSON{Address: c.Complainant.Address, Language: c.Complainant.Language},
	}
	if c.ClosureReason != "" {
		s := string(c.ClosureReason)
		out.ClosureReason = &s
	}
	if c.AccountablePostID != 0 {
		out.AccountablePost = &postRef{ID: c.AccountablePostID, TitleEn: r.AccTitleEn, TitleHi: r.AccTitleHi, Designation: r.AccDesig}
	}
	if c.MarkedPostID != nil {
		out.MarkedPost = &postRef{ID: *c.MarkedPostID, TitleEn: r.MarkTitleEn, TitleHi: r.MarkTitleHi, Designation: r.MarkDesig}
	}
	if p.SeesIdentity() {
		name, mobile := c.Complainant.Name, c.Complainant.Mobile
		out.Complainant.Name, out.Complainant.Mobile = &name, &mobile
	}
	return out
}

func complaintsOut(rows []store.ComplaintRow, p *auth.Principal, now time.Time) []complaintJSON {
	out := make([]complaintJSON, len(rows))
	for i, r := range rows {
		out[i] = complaintOut(r, p, now)
	}
	return out
}

func detailOut(d service.ComplaintDetail, p *auth.Principal, now time.Time) complaintJSON {
	out := complaintOut(d.ComplaintRow, p, now)
	out.Events = make([]eventJSON, len(d.Events))
	// A citizen sees which post acted, never the names of officers or agents.
	citizen := p.CitizenOnly()
	for i, e := range d.Events {
		name, uid := e.ActorName, e.ActorUserID
		if citizen {
			name, uid = "", nil
		}
		out.Events[i] = eventJSON{At: ist(e.At), Kind: string(e.Kind), Actor: actorJSON{UserID: uid, Name: name, PostID: e.ActorPostID},
			Level: e.Level, FromLevel: e.FromLevel, ToLevel: e.ToLevel, FromPostID: e.FromPostID, ToPostID: e.ToPostID, Note: e.Note, Payload: e.Payload}
	}
	if d.Report != nil {
		att := d.Report.Attachments
		if att == nil {
			att = []int64{}
		}
		out.Report = &reportJSON{Text: d.Report.Text, OfficerName: d.Report.OfficerName, PostID: d.Report.PostID, At: ist(d.Report.At),
			Attachments: att, Special: d.Report.Special}
		if citizen {
			out.Report.OfficerName = ""
		}
	}
	return out
}
