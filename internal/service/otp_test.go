package service_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/outbox"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/sms"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
	"github.com/nivaran/nivaran/internal/workflow"
)

const citizen = "9811122233"

// otpMessages returns the one-time-code messages queued for mobile, newest
// first.
func otpMessages(t testing.TB, st *store.Store, mobile string) []store.OutboxMessage {
	t.Helper()
	all, err := st.OutboxMessages(context.Background(), store.OutboxMessageFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.OutboxMessage
	for _, m := range all {
		if m.Template == model.TmplOTP && m.Mobile == mobile {
			out = append(out, m)
		}
	}
	return out
}

// lastCode asks for a code for mobile and returns it, read from the outbox
// as the SMS would carry it.
func lastCode(t testing.TB, w *world, mobile string) string {
	t.Helper()
	if err := w.svc.RequestOTP(context.Background(), mobile, "10.1.1.1"); err != nil {
		t.Fatalf("RequestOTP: %v", err)
	}
	ms := otpMessages(t, w.st, mobile)
	if len(ms) == 0 {
		t.Fatal("no one-time code queued")
	}
	return ms[0].Vars["code"]
}

func otpReason(err error) string {
	var oe *service.OTPError
	if errors.As(err, &oe) {
		return oe.Reason
	}
	return fmt.Sprintf("not an OTPError: %v", err)
}

// A code is queued by SMS in the same transaction as its hash, signs in
// once, creates the citizen's account and opens a session.
func TestOTPRequestAndVerify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		if err := w.svc.RequestOTP(ctx, "+91 98111-22233", "10.1.1.1"); err != nil {
			t.Fatal(err)
		}
		ms := otpMessages(t, st, citizen)
		if len(ms) != 1 {
			t.Fatalf("%d one-time-code messages queued", len(ms))
		}
		m := ms[0]
		code := m.Vars["code"]
		if len(code) != service.OTPDigits || strings.Trim(code, "0123456789") != "" || m.Vars["minutes"] != "5" ||
			m.Language != "hi" || m.Status != store.OutboxPending || !m.Sensitive || !m.CreatedAt.Equal(t0) {
			t.Fatalf("queued %+v", m)
		}
		o, err := st.OTP(ctx, citizen)
		if err != nil || strings.Contains(o.CodeHash, code) || !o.ExpiresAt.Equal(t0.Add(5*time.Minute)) || o.Client != "10.1.1.1" {
			t.Fatalf("stored %+v %v", o, err)
		}

		tok, u, err := w.svc.VerifyOTP(ctx, citizen, code, "10.1.1.1")
		if err != nil {
			t.Fatal(err)
		}
		if u.Username != "citizen:"+citizen || u.Mobile != citizen || !u.HasRole(model.RoleCitizen) || len(u.Roles) != 1 {
			t.Errorf("user %+v", u)
		}
		p, err := w.svc.Authenticate(ctx, tok)
		if err != nil || p.User.ID != u.ID {
			t.Fatalf("session: %v %+v", err, p)
		}
		if _, _, err := w.svc.VerifyOTP(ctx, citizen, code, "10.1.1.1"); otpReason(err) != "expired" ||
			!errors.Is(err, service.ErrUnauthorized) {
			t.Errorf("second use: %v", err)
		}
		// The next sign-in finds the same account.
		_, u2, err := w.svc.VerifyOTP(ctx, citizen, lastCode(t, w, citizen), "")
		if err != nil || u2.ID != u.ID {
			t.Errorf("second sign-in: %v, user %d, want %d", err, u2.ID, u.ID)
		}
	})
}

// Three wrong codes burn the code: not even the right one works after.
func TestOTPWrongCodeThreeTimesBurnsIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		code := lastCode(t, w, citizen)
		wrong := fmt.Sprintf("%06d", (mustAtoi(code)+1)%1_000_000)
		for i, want := range []struct {
			reason string
			left   int
		}{{"wrong", 2}, {"wrong", 1}, {"burned", 0}} {
			// Different clients, so that the per-client throttle is not
			// what refuses.
			_, _, err := w.svc.VerifyOTP(ctx, citizen, wrong, fmt.Sprintf("10.0.0.%d", i))
			var oe *service.OTPError
			if !errors.As(err, &oe) || oe.Reason != want.reason || oe.TriesLeft != want.left {
				t.Fatalf("wrong try %d: %v, want %s with %d left", i+1, err, want.reason, want.left)
			}
		}
		if _, _, err := w.svc.VerifyOTP(ctx, citizen, code, "10.0.0.9"); otpReason(err) != "expired" {
			t.Errorf("right code after three wrong ones: %v", err)
		}
		// A fresh code works again.
		if _, _, err := w.svc.VerifyOTP(ctx, citizen, lastCode(t, w, citizen), "10.0.0.9"); err != nil {
			t.Errorf("fresh code: %v", err)
		}
	})
}

// A code is good for five minutes of the service's clock, and only the
// latest code counts.
func TestOTPExpiresAndIsReplaced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		code := lastCode(t, w, citizen)
		w.clk.Advance(5 * time.Minute)
		if _, _, err := w.svc.VerifyOTP(ctx, citizen, code, ""); otpReason(err) != "expired" {
			t.Errorf("after 5 minutes: %v", err)
		}
		code = lastCode(t, w, citizen)
		w.clk.Advance(5*time.Minute - time.Millisecond)
		if _, _, err := w.svc.VerifyOTP(ctx, citizen, code, ""); err != nil {
			t.Errorf("just within 5 minutes: %v", err)
		}
		w.clk.Advance(service.OTPWindow) // a fresh rate-limit window
		old := lastCode(t, w, citizen)
		newer := lastCode(t, w, citizen)
		if old != newer {
			if _, _, err := w.svc.VerifyOTP(ctx, citizen, old, ""); err == nil {
				t.Error("a replaced code signed in")
			}
		}
		if _, _, err := w.svc.VerifyOTP(ctx, citizen, newer, ""); err != nil {
			t.Errorf("latest code: %v", err)
		}
	})
}

// A blocked number gets no code and cannot sign in; bad input is a
// validation error, not a wrong code.
func TestOTPBlockedAndBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		code := lastCode(t, w, citizen)
		if err := w.svc.Block(ctx, w.sup, citizen, "false complaints", nil); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.RequestOTP(ctx, citizen, ""); !errors.Is(err, workflow.ErrCallerBlocked) {
			t.Errorf("request for a blocked number: %v", err)
		}
		if _, _, err := w.svc.VerifyOTP(ctx, citizen, code, ""); !errors.Is(err, workflow.ErrCallerBlocked) {
			t.Errorf("verify for a blocked number: %v", err)
		}
		if n := len(otpMessages(t, st, citizen)); n != 1 {
			t.Errorf("%d codes queued, want only the one before the block", n)
		}
		for _, in := range []struct{ mobile, code, field string }{
			{"12345", "123456", "mobile"}, {citizen, "12345", "code"}, {citizen, "12a456", "code"}} {
			_, _, err := w.svc.VerifyOTP(ctx, in.mobile, in.code, "")
			var ve *service.ValidationError
			if !errors.As(err, &ve) || ve.Fields[0].Field != in.field {
				t.Errorf("verify %q %q: %v, want a validation error on %s", in.mobile, in.code, err, in.field)
			}
		}
		var ve *service.ValidationError
		if err := w.svc.RequestOTP(ctx, "55555", ""); !errors.As(err, &ve) {
			t.Errorf("request for a bad number: %v", err)
		}
	})
}

// Three codes per mobile per 15 minutes, and codes for at most
// OTPPerClient mobiles per client address.
func TestOTPRateLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		for i := range service.OTPPerMobile {
			if err := w.svc.RequestOTP(ctx, citizen, ""); err != nil {
				t.Fatalf("request %d: %v", i+1, err)
			}
			w.clk.Advance(time.Minute)
		}
		err := w.svc.RequestOTP(ctx, citizen, "")
		var rl *service.RateLimitError
		if !errors.As(err, &rl) || !errors.Is(err, service.ErrRateLimited) || rl.RetryAfter != 12*time.Minute {
			t.Fatalf("fourth request: %v, want rate limited for 12m", err)
		}
		if n := len(otpMessages(t, st, citizen)); n != service.OTPPerMobile {
			t.Errorf("%d codes queued", n)
		}
		w.clk.Advance(12 * time.Minute)
		if err := w.svc.RequestOTP(ctx, citizen, ""); err != nil {
			t.Errorf("after the window: %v", err)
		}

		for i := range service.OTPPerClient {
			if err := w.svc.RequestOTP(ctx, fmt.Sprintf("97%08d", i), "203.0.113.7"); err != nil {
				t.Fatalf("client request %d: %v", i+1, err)
			}
		}
		if err := w.svc.RequestOTP(ctx, "9699999999", "203.0.113.7"); !errors.As(err, &rl) {
			t.Errorf("one mobile too many from one client: %v", err)
		}
		if err := w.svc.RequestOTP(ctx, "9699999999", "203.0.113.8"); err != nil {
			t.Errorf("another client: %v", err)
		}
	})
}

// The code goes out in the citizen's language through the dispatcher, and
// is wiped from the outbox once sent: the admin page shows it masked.
func TestOTPIsSentAndThenWiped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		err := st.Tx(ctx, func(tx *store.Tx) error {
			u := model.User{Username: "citizen:9822233344", Name: "Asha", Roles: []model.Role{model.RoleCitizen},
				Mobile: "9822233344", Language: "en"}
			return tx.InsertUser(ctx, &u, "", t0)
		})
		if err != nil {
			t.Fatal(err)
		}
		hi := lastCode(t, w, citizen)
		en := lastCode(t, w, "9822233344")
		if _, err := w.svc.SeedSMSTemplates(ctx, ""); err != nil {
			t.Fatal(err)
		}
		reg, err := w.svc.SMSRegistry(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fake := sms.NewFake(w.clk.Now)
		d, _ := outbox.New(store.NewOutboxQueue(st), reg, fake, w.clk.Now,
			outbox.Options{MaxAgeByTemplate: map[string]time.Duration{model.TmplOTP: service.OTPValidity}})
		if s, _, _, err := d.RunOnce(ctx); err != nil || s != 2 {
			t.Fatalf("sent %d: %v", s, err)
		}
		texts := map[string]string{}
		for _, s := range fake.Sent() {
			texts[s.To] = s.Text
		}
		if !strings.HasPrefix(texts[citizen], hi+" आपका ओटीपी है") || !strings.HasPrefix(texts["9822233344"], en+" is your OTP") {
			t.Errorf("texts %q", texts)
		}
		for _, m := range append(otpMessages(t, st, citizen), otpMessages(t, st, "9822233344")...) {
			if m.Status != store.OutboxSent || len(m.Vars) != 0 {
				t.Errorf("row %d after sending: %s vars %v", m.ID, m.Status, m.Vars)
			}
		}
		admin := adminPrincipal(t, w)
		msgs, _, err := w.svc.SentMessages(ctx, admin, service.MessageFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.Template == model.TmplOTP && (strings.Contains(m.Text, hi) || strings.Contains(m.Text, en) ||
				!strings.Contains(m.Text, "••••••")) {
				t.Errorf("admin sees %q", m.Text)
			}
		}
	})
}

func mustAtoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}
