package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

// smsTemplateFields are the template form's inputs.
var smsTemplateFields = []string{"body", "header", "dlt_template_id", "entity_id"}

// adminSMSTemplate shows one template's form: the text, header and DLT ids
// as registered on the DLT portal. Its variables stay as they are.
func (u *UI) adminSMSTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.newView(r, p, "ui_sms_template")
	t, ok := u.findTemplate(w, r, p)
	if !ok {
		return
	}
	f := newForm(nil)
	f.V.Set("body", t.Body)
	f.V.Set("header", t.Header)
	f.V.Set("dlt_template_id", t.DLTTemplateID)
	f.V.Set("entity_id", t.EntityID)
	v.Form = f
	v.D = t
	u.render(w, http.StatusOK, "admin_sms_template", v)
}

// adminSaveSMSTemplate saves the template; the service checks it as the
// SMS registry will.
func (u *UI) adminSaveSMSTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	t, ok := u.findTemplate(w, r, p)
	if !ok {
		return
	}
	f := postedForm(r)
	next := t.Template
	next.Body, next.Header, next.DLTTemplateID, next.EntityID = f.Get("body"), f.Get("header"), f.Get("dlt_template_id"), f.Get("entity_id")
	if _, err := u.svc.SaveSMSTemplate(r.Context(), p, next); err != nil {
		v := u.newView(r, p, "ui_sms_template")
		v.Form = f
		if pm := f.refuse(v.L, err, smsTemplateFields...); pm != nil {
			v.Problem = pm
		}
		v.D = t
		u.render(w, http.StatusUnprocessableEntity, "admin_sms_template", v)
		return
	}
	redirect(w, r, "/admin/sms?done=template")
}

func (u *UI) findTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) (service.SMSTemplate, bool) {
	ts, err := u.svc.SMSTemplates(r.Context(), p)
	if err != nil {
		u.fail(w, r, p, err)
		return service.SMSTemplate{}, false
	}
	for _, t := range ts {
		if t.Key == r.PathValue("key") && t.Language == r.PathValue("lang") {
			return t, true
		}
	}
	u.fail(w, r, p, store.ErrNotFound)
	return service.SMSTemplate{}, false
}
