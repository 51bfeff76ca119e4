package workflow

import (
	"slices"
	"testing"

	"github.com/nivaran/nivaran/internal/model"
)

var now5 = t0.AddDate(0, 0, 5)

func TestMark(t *testing.T) {
	c := registered(t)
	res := okAt(t, now5)(Mark(c, officerL0, postLekhpal, true, "verify on site", now5))
	got := res.Complaint
	if deref(got.MarkedPostID) != postLekhpal || got.AccountablePostID != postL0 || !got.DueAt.Equal(c.DueAt) ||
		got.Status != model.StatusOpen || got.Level != 0 {
		t.Fatalf("complaint %+v", got)
	}
	e := eventOf(t, res, model.EventMarked)
	if deref(e.ToPostID) != postLekhpal || deref(e.ActorPostID) != postL0 || e.Note != "verify on site" ||
		deref(e.ActorUserID) != officerL0.UserID {
		t.Fatalf("marked event %+v", e)
	}
	if len(res.Events) != 1 || len(res.Messages) != 0 {
		t.Fatalf("events %v messages %v", kinds(res), messages(res))
	}
}

func TestMarkRefusals(t *testing.T) {
	tests := []struct {
		name        string
		c           func(*testing.T) model.Complaint
		actor       Actor
		post        int64
		subordinate bool
		kind        error
		field       string
	}{
		{"officer of another post", registered, outsider, postLekhpal, true, ErrForbidden, ""},
		{"supervisor officer is not accountable", registered, officerL1, postLekhpal, true, ErrForbidden, ""},
		{"agent", registered, agent, postLekhpal, true, ErrForbidden, ""},
		{"admin role is not a post", registered, admin, postLekhpal, true, ErrForbidden, ""},
		{"reported", func(t *testing.T) model.Complaint { return withStatus(registered(t), model.StatusReported) },
			officerL0, postLekhpal, true, ErrInvalidTransition, ""},
		{"closed", func(t *testing.T) model.Complaint { return withStatus(registered(t), model.StatusClosed) },
			officerL0, postLekhpal, true, ErrInvalidTransition, ""},
		{"not a subordinate", registered, officerL0, postOther, false, ErrValidation, "post_id"},
		{"no post", registered, officerL0, 0, true, ErrValidation, "post_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Mark(tt.c(t), tt.actor, tt.post, tt.subordinate, "", now5)
			wantRefusal(t, err, tt.kind, tt.field)
		})
	}
}

func TestComment(t *testing.T) {
	marked := registered(t)
	marked.MarkedPostID = postPtr(postLekhpal)
	tests := []struct {
		name     string
		c        model.Complaint
		actor    Actor
		wantPost any
	}{
		{"accountable officer", marked, officerL0, postL0},
		{"marked officer", marked, lekhpal, postLekhpal},
		{"supervisor", marked, supervisor, nil},
		{"admin", marked, admin, nil},
		{"on a reported complaint", withStatus(marked, model.StatusReported), lekhpal, postLekhpal},
		{"on a returned complaint", withStatus(marked, model.StatusReturned), supervisor, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := okAt(t, now5)(Comment(tt.c, tt.actor, "Site visited; stones found moved", now5))
			e := eventOf(t, res, model.EventCommented)
			if deref(e.ActorPostID) != tt.wantPost || e.Note != "Site visited; stones found moved" {
				t.Fatalf("event %+v", e)
			}
			if res.Complaint.Status != tt.c.Status || len(res.Events) != 1 {
				t.Fatalf("comment changed status or wrote %v", kinds(res))
			}
		})
	}
}

func TestCommentRefusals(t *testing.T) {
	marked := registered(t)
	marked.MarkedPostID = postPtr(postLekhpal)
	tests := []struct {
		name  string
		c     model.Complaint
		actor Actor
		text  string
		kind  error
		field string
	}{
		{"officer of another post", marked, outsider, "x", ErrForbidden, ""},
		{"marked officer once unmarked", registered(t), lekhpal, "x", ErrForbidden, ""},
		{"agent", marked, agent, "x", ErrForbidden, ""},
		{"citizen", marked, citizen, "x", ErrForbidden, ""},
		{"closed", withStatus(marked, model.StatusClosed), officerL0, "x", ErrInvalidTransition, ""},
		{"empty text", marked, officerL0, "", ErrValidation, "text"},
		{"blank text", marked, supervisor, " \n ", ErrValidation, "text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Comment(tt.c, tt.actor, tt.text, now5)
			wantRefusal(t, err, tt.kind, tt.field)
		})
	}
}

func TestReport(t *testing.T) {
	c := registered(t)
	c.MarkedPostID = postPtr(postLekhpal)
	c.FeedbackAttempts = 2
	res := okAt(t, now5)(Report(c, officerL0, "Stones restored", "h1", now5))
	got := res.Complaint
	if got.Status != model.StatusReported || got.ReportedAt == nil || !got.ReportedAt.Equal(now5) ||
		got.FeedbackAttempts != 0 || !slices.Equal(got.ReportHashes, []string{"h1"}) ||
		deref(got.MarkedPostID) != postLekhpal || !got.DueAt.Equal(c.DueAt) {
		t.Fatalf("complaint %+v", got)
	}
	e := eventOf(t, res, model.EventReported)
	if e.Payload["hash"] != "h1" || deref(e.ActorPostID) != postL0 {
		t.Fatalf("reported event %+v", e)
	}
	if m := messages(res); !slices.Equal(m, []string{"report_filed→citizen"}) {
		t.Fatalf("messages %v", m)
	}
	if k := res.Messages[0].DedupeKey; k != c.Ref+":report:1" {
		t.Fatalf("key %q", k)
	}
}

func TestReportAfterReopenNeedsNewContent(t *testing.T) {
	c := registered(t)
	c.ReportHashes = make([]string, 1, 8) // spare capacity must not be shared
	c.ReportHashes[0] = "h1"
	_, err := Report(c, officerL0, "Stones restored", "h1", now5)
	wantRefusal(t, err, ErrDuplicateReport, "")

	a := okAt(t, now5)(Report(c, officerL0, "Stones restored, photos attached", "h2", now5))
	b := okAt(t, now5)(Report(c, officerL0, "Boundary re-measured", "h3", now5))
	if !slices.Equal(a.Complaint.ReportHashes, []string{"h1", "h2"}) || !slices.Equal(b.Complaint.ReportHashes, []string{"h1", "h3"}) {
		t.Fatalf("hashes %v and %v: results share the input's array", a.Complaint.ReportHashes, b.Complaint.ReportHashes)
	}
	if len(c.ReportHashes) != 1 {
		t.Fatalf("input hashes changed: %v", c.ReportHashes)
	}
	if a.Messages[0].DedupeKey != c.Ref+":report:2" {
		t.Fatalf("second report key %q", a.Messages[0].DedupeKey)
	}
}

func TestReportRefusals(t *testing.T) {
	tests := []struct {
		name       string
		c          func(*testing.T) model.Complaint
		actor      Actor
		text, hash string
		kind       error
		field      string
	}{
		{"marked officer may not report", func(t *testing.T) model.Complaint {
			c := registered(t)
			c.MarkedPostID = postPtr(postLekhpal)
			return c
		}, lekhpal, "x", "h", ErrForbidden, ""},
		{"supervisor role", registered, supervisor, "x", "h", ErrForbidden, ""},
		{"officer of another post", registered, outsider, "x", "h", ErrForbidden, ""},
		{"already reported", reported, officerL0, "x", "h9", ErrInvalidTransition, ""},
		{"special closure pending", func(t *testing.T) model.Complaint {
			return withStatus(registered(t), model.StatusSpecialClosurePending)
		}, officerL0, "x", "h", ErrInvalidTransition, ""},
		{"returned", func(t *testing.T) model.Complaint { return withStatus(registered(t), model.StatusReturned) },
			officerL0, "x", "h", ErrInvalidTransition, ""},
		{"empty text", registered, officerL0, "", "h", ErrValidation, "text"},
		{"no hash", registered, officerL0, "x", "", ErrValidation, "hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Report(tt.c(t), tt.actor, tt.text, tt.hash, now5)
			wantRefusal(t, err, tt.kind, tt.field)
		})
	}
}

func TestCitizenMessageLanguage(t *testing.T) {
	for _, tt := range []struct{ stored, want string }{{"", "hi"}, {"en", "en"}, {"hi", "hi"}} {
		c := registered(t)
		c.Complainant.Language = tt.stored // as loaded from an older row
		res := okAt(t, now5)(Report(c, officerL0, "done", "h", now5))
		if got := res.Messages[0].Language; got != tt.want {
			t.Errorf("stored %q: message in %q, want %q", tt.stored, got, tt.want)
		}
	}
}
