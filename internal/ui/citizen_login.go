package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/refno"
	"github.com/nivaran/nivaran/internal/service"
)

// otpService is citizen sign-in by one-time code. It is asserted at run
// time so that the pages build while the service method is being written
// elsewhere; without it the citizen pages say sign-in is unavailable.
type otpService interface {
	RequestOTP(ctx context.Context, mobile, client string) error
	VerifyOTP(ctx context.Context, mobile, code, client string) (string, model.User, error)
}

func (u *UI) otp() otpService {
	o, _ := any(u.svc).(otpService)
	return o
}

// citizenData is the sign-in page's context: where to go once signed in,
// and the complaint that is, when it is one.
type citizenData struct {
	Ref string
}

// citizenNext is the local page a citizen asked for before signing in
// (kept through both steps of the sign-in), or "".
func citizenNext(f *form) string {
	next := localPath(f.Get("next"), "")
	f.V.Set("next", next)
	return next
}

// citizenView is the sign-in page's view with its form and context.
func (u *UI) citizenView(r *http.Request, p *auth.Principal, f *form) *view {
	v := u.newView(r, p, "ui_citizen_title")
	v.Form = f
	var d citizenData
	if ref, ok := strings.CutPrefix(citizenNext(f), "/c/"); ok && refno.Check(ref) == nil {
		d.Ref = ref
	}
	v.D = d
	return v
}

// citizenLogin asks for the mobile number to send a code to.
func (u *UI) citizenLogin(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	v := u.citizenView(r, p, newForm(url.Values{"next": {r.URL.Query().Get("next")}}))
	if u.otp() == nil {
		v.Problem = both(v.L, "ui_otp_unavailable", nil)
	}
	u.render(w, http.StatusOK, "citizen_login", v)
}

// citizenOTP sends the one-time code by SMS and asks for it.
func (u *UI) citizenOTP(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	v := u.citizenView(r, p, f)
	o := u.otp()
	if o == nil {
		v.Problem = both(v.L, "ui_otp_unavailable", nil)
		u.render(w, http.StatusServiceUnavailable, "citizen_login", v)
		return
	}
	m, ok := service.NormalizeMobile(f.Get("mobile"))
	if !ok {
		f.Errs["mobile"] = both(v.L, "field_invalid_mobile", nil)
		u.render(w, http.StatusUnprocessableEntity, "citizen_login", v)
		return
	}
	if err := o.RequestOTP(r.Context(), m, clientAddr(r)); err != nil {
		if pm := f.refuse(v.L, err, "mobile"); pm != nil {
			v.Problem = pm
		}
		status, _ := problem(err)
		u.render(w, status, "citizen_login", v)
		return
	}
	f.V.Set("mobile", m)
	f.V.Set("sent", "1")
	u.render(w, http.StatusOK, "citizen_login", v)
}

// citizenVerify checks the code and signs the citizen in.
func (u *UI) citizenVerify(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	v := u.citizenView(r, p, f)
	f.V.Set("sent", "1")
	o := u.otp()
	if o == nil {
		v.Problem = both(v.L, "ui_otp_unavailable", nil)
		u.render(w, http.StatusServiceUnavailable, "citizen_login", v)
		return
	}
	tok, _, err := o.VerifyOTP(r.Context(), f.Get("mobile"), f.Get("code"), clientAddr(r))
	if err != nil {
		f.V.Del("code")
		switch {
		case errors.Is(err, service.ErrUnauthorized):
			f.Errs["code"] = both(v.L, "ui_otp_wrong", nil)
		default:
			if pm := f.refuse(v.L, err, "mobile", "code"); pm != nil {
				v.Problem = pm
			}
		}
		status, _ := problem(err)
		u.render(w, status, "citizen_login", v)
		return
	}
	u.setSession(w, tok)
	next := citizenNext(f)
	if next == "" {
		next = "/my"
	}
	redirect(w, r, next)
}
