package ui

import (
	"context"
	"net/http"
	"net/url"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

// callData is the screen-pop: who is calling, and the registration form.
type callData struct {
	Caller     service.Caller
	Duplicates []store.ComplaintRow
	// Reminded is the reference a reminder was just added to.
	Reminded string
}

// agentCall is the screen-pop that telephony opens when a call arrives: the
// caller's past complaints with status and level, whether the number is
// blocked, this month's count against the cap, and the one-screen
// registration form.
func (u *UI) agentCall(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	if q.Get("language") == "" {
		q.Set("language", "hi")
	}
	if q.Get("idem") == "" {
		q.Set("idem", randomKey())
	}
	u.renderCall(w, r, p, newForm(q), nil, http.StatusOK)
}

// renderCall looks the caller up and renders the console with f.
func (u *UI) renderCall(w http.ResponseWriter, r *http.Request, p *auth.Principal, f *form, dups []store.ComplaintRow, status int) {
	v := u.newView(r, p, "ui_call_title")
	v.Form = f
	v.Problem = f.Err("_form")
	caller, err := u.svc.LookupCaller(r.Context(), p, f.Get("mobile"))
	if err != nil {
		if pm := f.refuse(v.L, err, "mobile"); pm != nil {
			u.fail(w, r, p, err)
			return
		}
		u.render(w, http.StatusBadRequest, "agent_home", v)
		return
	}
	f.V.Set("mobile", caller.Mobile)
	v.D = callData{Caller: caller, Duplicates: dups, Reminded: f.Get("reminded")}
	v.Path = "/agent/call?" + url.Values{"mobile": {caller.Mobile}}.Encode()
	u.render(w, status, "agent_call", v)
}

// openDuplicates are the caller's open complaints of category at area: what
// the agent should turn into a reminder rather than a new complaint.
func (u *UI) openDuplicates(ctx context.Context, p *auth.Principal, mobile string, category, area int64) ([]store.ComplaintRow, error) {
	if category == 0 || area == 0 || mobile == "" {
		return nil, nil
	}
	rows, _, err := u.svc.Complaints(ctx, p, service.ListFilter{Mobile: mobile, CategoryID: category, Limit: 50,
		Statuses: []model.Status{model.StatusOpen, model.StatusReported, model.StatusSpecialClosurePending, model.StatusReturned}})
	if err != nil {
		return nil, err
	}
	var out []store.ComplaintRow
	for _, c := range rows {
		if c.AreaID == area {
			out = append(out, c)
		}
	}
	return out, nil
}

// agentDuplicates is the live warning (htmx) shown as soon as both the type
// and the place are chosen.
func (u *UI) agentDuplicates(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "")
	f := newForm(r.URL.Query())
	v.Form = f
	m, ok := service.NormalizeMobile(f.Get("mobile"))
	var dups []store.ComplaintRow
	if ok {
		var err error
		dups, err = u.openDuplicates(r.Context(), p, m, atoi64(f.Get("category_id")), atoi64(f.Get("area_id")))
		if err != nil {
			u.fail(w, r, p, err)
			return
		}
	}
	v.D = callData{Duplicates: dups, Caller: service.Caller{Mobile: m}}
	u.renderBlock(w, http.StatusOK, "agent_call", "dups", v)
}
