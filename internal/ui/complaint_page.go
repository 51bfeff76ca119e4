package ui

import (
	"context"
	"net/http"
	"slices"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

// complaintData is the complaint page: the complaint, its timeline in words,
// the latest report with its attachments, and which actions the viewer has.
type complaintData struct {
	service.ComplaintDetail
	Events      []eventView
	Attachments []store.Attachment
	ReportPost  string
	Identity    bool // the viewer may see the complainant's name and mobile
	Names       bool // the viewer may see who in the call centre acted (staff who see identities)
	Active      string
	form        *form

	CanAct, CanDecide, CanComment, CanReroute, CanFalse, CanRemind, CanFeedback bool
	Subordinates                                                                []model.Post
	Reasons                                                                     []string
}

// FormFor returns the submitted form when name is the form that was refused,
// else an empty one.
func (d complaintData) FormFor(name string) *form {
	if d.Active == name && d.form != nil {
		return d.form
	}
	return newForm(nil)
}

// eventView is one timeline entry in words.
type eventView struct {
	model.Event
	Actor, FromPost, ToPost string
	// Detail is what the kind alone does not say: the feedback outcome,
	// whom an SMS went to, why it was closed.
	Detail string
}

// eventDetail reads the one payload value worth showing, in words.
func eventDetail(l string, e model.Event) string {
	str := func(k string) string { s, _ := e.Payload[k].(string); return s }
	switch e.Kind {
	case model.EventFeedback:
		if o := str("outcome"); o != "" {
			return tr(l, "ui_outcome_"+o)
		}
	case model.EventSMSQueued:
		if to := str("recipient"); to == "citizen" || to == "officer" {
			return tr(l, "ui_sms_to_"+to)
		}
	case model.EventClosed:
		if c := str("closure_reason"); c != "" {
			return tr(l, "ui_closure_"+c)
		}
	}
	return ""
}

// complaint shows one complaint with its full timeline; what the viewer may
// do with it appears below as forms.
func (u *UI) complaint(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_complaint_title")
	v.Flash = doneFlash(v.L, "ui_done_", r.URL.Query().Get("done"))
	u.showComplaint(w, r, p, v, "", nil, http.StatusOK)
}

// refuseAction re-renders the complaint page with the refused form's
// messages, or an error page when the refusal is not about the form.
func (u *UI) refuseAction(w http.ResponseWriter, r *http.Request, p *auth.Principal, action string, f *form, err error, fields ...string) {
	v := u.newView(r, p, "ui_complaint_title")
	if err == nil {
		// The form's own messages are already set.
	} else if pm := f.refuse(v.L, err, fields...); pm != nil {
		if st, _ := problem(err); st == http.StatusNotFound || st == http.StatusUnauthorized || st >= 500 {
			u.fail(w, r, p, err)
			return
		}
		v.Problem = pm
	}
	u.showComplaint(w, r, p, v, action, f, http.StatusUnprocessableEntity)
}

func (u *UI) showComplaint(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *view, action string, f *form, status int) {
	ctx := r.Context()
	det, err := u.svc.Complaint(ctx, p, r.PathValue("ref"))
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	d := complaintData{ComplaintDetail: det, Identity: p.SeesIdentity(), Active: action, form: f,
		Names: p.CallCentre() || p.Has(model.RoleMonitor)}
	titles := postTitles{u: u, l: v.L, m: map[int64]string{}}
	for _, e := range det.Events {
		ev := eventView{Event: e, Actor: titles.actor(ctx, e, d.Names), Detail: eventDetail(v.L, e)}
		ev.FromPost, ev.ToPost = titles.get(ctx, e.FromPostID), titles.get(ctx, e.ToPostID)
		d.Events = append(d.Events, ev)
	}
	if det.Report != nil {
		id := det.Report.PostID
		d.ReportPost = titles.get(ctx, &id)
		for _, aid := range det.Report.Attachments {
			if a, err := u.svc.Store().Attachment(ctx, aid); err == nil {
				d.Attachments = append(d.Attachments, a)
			}
		}
	}
	u.allowedActions(ctx, p, &d)
	v.D = d
	u.render(w, status, "complaint", v)
}

// allowedActions decides which forms to show; the service decides again, and
// finally, when one is submitted.
func (u *UI) allowedActions(ctx context.Context, p *auth.Principal, d *complaintData) {
	c := d.Complaint
	live := c.Status != model.StatusClosed
	accountable := p.Has(model.RoleOfficer) && p.Holds(c.AccountablePostID)
	marked := c.MarkedPostID != nil && p.Has(model.RoleOfficer) && p.Holds(*c.MarkedPostID)
	d.CanAct = accountable && c.Status == model.StatusOpen
	d.CanDecide = p.Has(model.RoleOfficer) && c.Status == model.StatusSpecialClosurePending && slices.Contains(p.Supervised, c.AccountablePostID)
	d.CanComment = live && (accountable || marked || p.Has(model.RoleSupervisor))
	d.CanReroute = p.Any(model.RoleSupervisor, model.RoleAdmin) && c.Status == model.StatusReturned
	d.CanFalse = p.Any(model.RoleSupervisor, model.RoleAdmin) && live
	d.CanRemind = live && c.Status != model.StatusReported && p.Any(model.RoleAgent, model.RoleCitizen, model.RoleSupervisor)
	d.CanFeedback = c.Status == model.StatusReported && p.Any(model.RoleAgent, model.RoleSupervisor)
	if d.CanAct {
		d.Subordinates = u.subordinates(ctx, c)
		if cat, err := u.svc.Category(ctx, p, c.CategoryID); err == nil && cat.SpecialClosureAllowed {
			d.Reasons = model.SpecialClosureReasons
		}
	}
}

// subordinates are the posts of the complaint's department whose supervisor
// chain reaches the accountable post: the officers it may be marked to.
func (u *UI) subordinates(ctx context.Context, c model.Complaint) []model.Post {
	posts, err := u.svc.Store().Posts(ctx, store.PostFilter{DepartmentID: c.DepartmentID, Limit: 100000})
	if err != nil {
		u.log.Warn("ui: subordinate posts", "err", err)
		return nil
	}
	below := map[int64]bool{c.AccountablePostID: true}
	var out []model.Post
	for changed := true; changed; {
		changed = false
		for _, post := range posts {
			if below[post.ID] || post.SupervisorPostID == nil || !below[*post.SupervisorPostID] {
				continue
			}
			below[post.ID] = true
			out = append(out, post)
			changed = true
		}
	}
	// The posts covering the complaint's place first, then by title.
	inPlace := map[int64]bool{}
	if anc, err := u.svc.Store().AncestorIDs(ctx, c.AreaID); err == nil {
		for _, id := range anc {
			inPlace[id] = true
		}
	}
	slices.SortStableFunc(out, func(a, b model.Post) int {
		switch {
		case inPlace[a.AreaID] && !inPlace[b.AreaID]:
			return -1
		case inPlace[b.AreaID] && !inPlace[a.AreaID]:
			return 1
		}
		return 0
	})
	if len(out) > 200 {
		out = out[:200]
	}
	return out
}

// postTitles resolves post ids to titles once per page.
type postTitles struct {
	u *UI
	l string
	m map[int64]string
}

func (t postTitles) get(ctx context.Context, id *int64) string {
	if id == nil || *id == 0 {
		return ""
	}
	if s, ok := t.m[*id]; ok {
		return s
	}
	s := ""
	if post, err := t.u.svc.Store().Post(ctx, *id); err == nil {
		s = pick(t.l, post.TitleEn, post.TitleHi)
	}
	t.m[*id] = s
	return s
}

// actor names who acted: an officer by the post they acted for; the system
// as such; anyone else by name only for viewers who may see identities
// (officers and citizens read "helpline").
func (t postTitles) actor(ctx context.Context, e model.Event, identity bool) string {
	if s := t.get(ctx, e.ActorPostID); s != "" {
		return s
	}
	if e.ActorUserID == nil || e.ActorName == "system" {
		return tr(t.l, "ui_actor_system")
	}
	if identity && e.ActorName != "" {
		return e.ActorName
	}
	return tr(t.l, "ui_actor_helpline")
}
