package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/service"
)

// smsData is the SMS page: the registered templates and the messages sent.
type smsData struct {
	Templates []service.SMSTemplate
	Messages  []service.SentMessage
	Next      string
	Statuses  []string
}

// adminSMS lists the DLT templates in force and the outbox, newest first,
// filtered by status or complaint reference. One-time codes are masked by
// the service.
func (u *UI) adminSMS(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ctx := r.Context()
	v := u.newView(r, p, "ui_admin_sms")
	q := r.URL.Query()
	v.Form = newForm(q)
	v.Flash = doneFlash(v.L, "ui_done_", q.Get("done"))
	d := smsData{Statuses: []string{"pending", "sent", "delivered", "undelivered", "failed"}}
	var err error
	if d.Templates, err = u.svc.SMSTemplates(ctx, p); err != nil {
		u.fail(w, r, p, err)
		return
	}
	d.Messages, d.Next, err = u.svc.SentMessages(ctx, p, service.MessageFilter{Status: q.Get("status"),
		ComplaintRef: q.Get("ref"), Cursor: atoi64(q.Get("cursor")), Limit: 50})
	if err != nil {
		if pm := v.Form.refuse(v.L, err, "status", "ref"); pm != nil {
			v.Problem = pm
		}
	}
	v.D = d
	u.render(w, http.StatusOK, "admin_sms", v)
}
