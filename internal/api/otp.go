package api

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/nivaran/nivaran/internal/locale"
	"github.com/nivaran/nivaran/internal/service"
)

// otpRoutes are the citizens' sign-in by one-time code. They need no
// session: the code is the credential.
func (s *Server) otpRoutes() {
	s.handle("POST /api/v1/auth/otp", s.requestOTP)
	s.handle("POST /api/v1/auth/otp/verify", s.verifyOTP)
}

func (s *Server) requestOTP(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Mobile string `json:"mobile"`
	}
	if s.decode(w, r, &in) != nil {
		return
	}
	if err := s.svc.RequestOTP(r.Context(), in.Mobile, clientAddr(r)); err != nil {
		s.otpProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"expires_in_seconds": int(service.OTPValidity.Seconds())})
}

func (s *Server) verifyOTP(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Mobile string `json:"mobile"`
		Code   string `json:"code"`
	}
	if s.decode(w, r, &in) != nil {
		return
	}
	tok, u, err := s.svc.VerifyOTP(r.Context(), in.Mobile, in.Code, clientAddr(r))
	if err != nil {
		s.otpProblem(w, r, err)
		return
	}
	s.setSession(w, tok)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"token": tok, "user": userOut(u)})
}

// otpProblem answers the one-time code's own refusals with what the citizen
// can do about them — how many tries are left, when to ask again — and
// everything else as usual.
func (s *Server) otpProblem(w http.ResponseWriter, r *http.Request, err error) {
	lang := s.lang(r)
	if oe, ok := errors.AsType[*service.OTPError](err); ok {
		status, code := ProblemFor(err)
		detail := locale.T(lang, "problem_otp_"+oe.Reason, map[string]any{"Left": oe.TriesLeft})
		writeProblemJSON(w, Problem{Type: "about:blank", Title: locale.T(lang, "problem_"+code+"_title", nil),
			Status: status, Code: code, Detail: detail,
			Errors: []ProblemField{{Field: "code", Code: "otp_" + oe.Reason, Message: detail}}})
		return
	}
	if rl, ok := errors.AsType[*service.RateLimitError](err); ok {
		status, code := ProblemFor(err)
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(rl.RetryAfter.Seconds()))))
		writeProblemJSON(w, Problem{Type: "about:blank", Title: locale.T(lang, "problem_"+code+"_title", nil),
			Status: status, Code: code,
			Detail: locale.T(lang, "problem_otp_rate_limited", map[string]any{"Minutes": int(math.Ceil(rl.RetryAfter.Minutes()))})})
		return
	}
	s.writeProblem(w, r, err)
}
