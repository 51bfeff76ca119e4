package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

// verificationData is the verification sample: closures a supervisor calls
// the citizen about again.
type verificationData struct {
	Rows   []store.VerificationRow
	Next   string
	Status string
	Last   string
}

// verificationQueue lists the sampled closures, pending first; each pending
// one carries the two outcomes of the second call.
func (u *UI) verificationQueue(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	u.showVerification(w, r, p, newForm(nil), http.StatusOK)
}

func (u *UI) showVerification(w http.ResponseWriter, r *http.Request, p *auth.Principal, f *form, status int) {
	v := u.newView(r, p, "ui2_verify_title")
	v.Form = f
	if m := f.Err("_form"); m != nil {
		v.Problem = m
	}
	q := r.URL.Query()
	d := verificationData{Status: q.Get("status"), Last: q.Get("last")}
	if d.Last != "" {
		v.Flash = doneFlash(v.L, "ui2_verify_saved_", q.Get("done"))
	}
	rows, next, err := u.svc.VerificationQueue(r.Context(), p, service.VerificationFilter{Status: d.Status, Cursor: q.Get("cursor"), Limit: 50})
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	d.Rows, d.Next = rows, next
	v.D = d
	u.render(w, status, "verification", v)
}

// verify records the second call: confirmed, or mismatch (the problem was
// not solved), which reopens the complaint one level up.
func (u *UI) verify(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := postedForm(r)
	ref, outcome := r.PathValue("ref"), f.Get("outcome")
	if _, err := u.svc.Verify(r.Context(), p, ref, outcome, f.Get("remarks")); err != nil {
		pm := f.refuse(lang(r), err, "remarks")
		if st, _ := problem(err); st == http.StatusNotFound || st >= 500 || st == http.StatusForbidden {
			u.fail(w, r, p, err)
			return
		}
		if pm == nil {
			pm = f.Errs["remarks"]
		}
		f.Errs["_form"] = pm
		u.showVerification(w, r, p, f, http.StatusUnprocessableEntity)
		return
	}
	redirect(w, r, "/verification?done="+outcome+"&last="+ref)
}
