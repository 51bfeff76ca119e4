package service_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/outbox"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/sms"
	"github.com/nivaran/nivaran/internal/sms/smsctest"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
	"github.com/nivaran/nivaran/internal/workflow"
)

const (
	testEntityID   = "1201160000000012345"
	testTemplateID = "1107160000000000011"
)

func adminPrincipal(t testing.TB, w *world) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	if _, _, err := w.st.UserByUsername(ctx, "admin"); err != nil {
		err := w.st.Tx(ctx, func(tx *store.Tx) error {
			u := model.User{Username: "admin", Name: "Admin", Roles: []model.Role{model.RoleAdmin}}
			return tx.InsertUser(ctx, &u, "", t0)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return w.principal(t, "admin")
}

func fieldCodes(err error) []string {
	var ve *service.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}

// Seeding stores every default template once and never overwrites an
// admin's edit; saving checks a template as the registry will.
func TestSMSTemplatesSeedAndSave(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		admin := adminPrincipal(t, w)
		n, err := w.svc.SeedSMSTemplates(ctx, testEntityID)
		if err != nil || n != len(sms.DefaultTemplates()) {
			t.Fatalf("seeded %d (%v), want %d", n, err, len(sms.DefaultTemplates()))
		}
		ts, err := w.svc.SMSTemplates(ctx, admin)
		if err != nil || len(ts) != n {
			t.Fatalf("%d templates: %v", len(ts), err)
		}
		var reg service.SMSTemplate
		for _, tm := range ts {
			if tm.Key == model.TmplRegistered && tm.Language == "hi" {
				reg = tm
			}
			if tm.EntityID != testEntityID || tm.Header != sms.DefaultHeader {
				t.Errorf("%s/%s: entity %q header %q", tm.Key, tm.Language, tm.EntityID, tm.Header)
			}
		}
		if len(reg.Vars) != 3 || reg.Vars[0] != (sms.Var{Name: "ref", Type: sms.VarRef}) {
			t.Fatalf("stored registration template %+v", reg)
		}

		// The DLT registration came through: the admin enters its id and
		// the text as registered.
		edited := reg.Template
		edited.DLTTemplateID = testTemplateID
		edited.Body = "शिकायत सं. {#var#} ({#var#}) दर्ज हुई। अंतिम तिथि {#var#}। -मुख्यमंत्री हेल्पलाइन 1076"
		saved, err := w.svc.SaveSMSTemplate(ctx, admin, edited)
		if err != nil {
			t.Fatal(err)
		}
		if saved.UpdatedBy == nil || *saved.UpdatedBy != admin.User.ID || !saved.UpdatedAt.Equal(t0) {
			t.Errorf("saved %+v", saved)
		}
		if n, _ := w.svc.SeedSMSTemplates(ctx, testEntityID); n != 0 {
			t.Errorf("second seeding added %d", n)
		}
		r, err := w.svc.SMSRegistry(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out, err := r.Render(model.TmplRegistered, "hi", map[string]string{"ref": "261234567890", "department": "राजस्व", "due_date": "17-11-2026"})
		if err != nil || out.DLTTemplateID != testTemplateID || !strings.HasPrefix(out.Text, "शिकायत सं. 261234567890 (राजस्व)") {
			t.Errorf("rendered %+v %v", out, err)
		}

		bad := []struct {
			name string
			edit func(*sms.Template)
			want string
		}{
			{"placeholders", func(t *sms.Template) { t.Body = "शिकायत {#var#} दर्ज हुई।" }, "body:placeholder_count"},
			{"unknown variable", func(t *sms.Template) { t.Vars[1].Name = "officer_name" }, "vars[1].name:unknown_var"},
			{"twice", func(t *sms.Template) { t.Vars[2].Name = "ref" }, "vars[2].name:duplicate"},
			{"type", func(t *sms.Template) { t.Vars[0].Type = "money" }, "vars[0].type:invalid_value"},
			{"header", func(t *sms.Template) { t.Header = "UP-CM" }, "header:invalid_header"},
			{"dlt id", func(t *sms.Template) { t.DLTTemplateID = "11071600-0001" }, "dlt_template_id:invalid_dlt_id"},
			{"key", func(t *sms.Template) { t.Key = "promo_offer" }, "key:invalid_value"},
			{"language", func(t *sms.Template) { t.Language = "ur" }, "language:invalid_language"},
			{"empty", func(t *sms.Template) { t.Body = "  " }, "body:required"},
		}
		for _, b := range bad {
			tm := reg.Template
			tm.Vars = slices.Clone(tm.Vars)
			b.edit(&tm)
			_, err := w.svc.SaveSMSTemplate(ctx, admin, tm)
			if !errors.Is(err, workflow.ErrValidation) || !slices.Contains(fieldCodes(err), b.want) {
				t.Errorf("%s: %v (%v), want %s", b.name, err, fieldCodes(err), b.want)
			}
		}
		if _, err := w.svc.SaveSMSTemplate(ctx, w.agent, reg.Template); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("agent saved a template: %v", err)
		}
		if _, err := w.svc.SMSTemplates(ctx, w.officers[0]); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("officer listed templates: %v", err)
		}
	})
}

// The admin page lists a complaint's messages with their Hindi text, pages
// through them, and filters by status.
func TestSentMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		svc := service.New(st, w.clk, service.Config{PublicURL: "https://igrs.up.in"}, nil)
		admin := adminPrincipal(t, w)
		if _, err := svc.SeedSMSTemplates(ctx, ""); err != nil {
			t.Fatal(err)
		}
		c1 := registerWith(t, svc, w, "9811100001")
		registerWith(t, svc, w, "9811100002")
		msgs, next, err := svc.SentMessages(ctx, admin, service.MessageFilter{ComplaintRef: c1.Ref})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 2 || next != "" {
			t.Fatalf("%d messages for %s, next %q", len(msgs), c1.Ref, next)
		}
		byTemplate := map[string]service.SentMessage{}
		for _, m := range msgs {
			byTemplate[m.Template] = m
			if m.ComplaintRef != c1.Ref || m.Status != store.OutboxPending || m.Language != "hi" || m.Header != sms.DefaultHeader {
				t.Errorf("message %+v", m)
			}
		}
		if m := byTemplate[model.TmplRegistered]; m.Mobile != "9811100001" ||
			!strings.Contains(m.Text, "आपकी शिकायत सं. "+c1.Ref+" दर्ज कर ग्राम्य विकास को भेजी गई") {
			t.Errorf("citizen's message %q to %s", m.Text, m.Mobile)
		}
		if m := byTemplate[model.TmplAssigned]; m.Mobile != "9876543210" || m.RenderError != "" ||
			!strings.Contains(m.Text, "गाँव की सड़क टूटी, रामपुर") {
			t.Errorf("officer's message %q to %s (%s)", m.Text, m.Mobile, m.RenderError)
		}
		page1, next, err := svc.SentMessages(ctx, admin, service.MessageFilter{Limit: 3})
		if err != nil || len(page1) != 3 || next == "" {
			t.Fatalf("page 1: %d, next %q, %v", len(page1), next, err)
		}
		cursor := page1[2].ID
		page2, next2, err := svc.SentMessages(ctx, admin, service.MessageFilter{Limit: 3, Cursor: cursor})
		if err != nil || len(page2) != 1 || next2 != "" || page2[0].ID >= cursor {
			t.Errorf("page 2: %+v, next %q, %v", page2, next2, err)
		}
		if ms, _, _ := svc.SentMessages(ctx, admin, service.MessageFilter{Status: store.OutboxSent}); len(ms) != 0 {
			t.Errorf("%d sent before any dispatcher ran", len(ms))
		}
		if _, _, err := svc.SentMessages(ctx, admin, service.MessageFilter{Status: "lost"}); !errors.Is(err, workflow.ErrValidation) {
			t.Errorf("bad status: %v", err)
		}
		if _, _, err := svc.SentMessages(ctx, w.agent, service.MessageFilter{}); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("agent: %v", err)
		}
	})
}

// registerWith registers a complaint in w's village through svc, whose
// public URL the officer's SMS links to.
func registerWith(t testing.TB, svc *service.Service, w *world, mobile string) store.ComplaintRow {
	t.Helper()
	r, err := svc.Register(context.Background(), w.agent, service.RegisterInput{Channel: "phone", Name: "सुनीता", Mobile: mobile,
		CategoryID: w.category, AreaID: w.village, Description: "गाँव की सड़क टूटी है"})
	if err != nil {
		t.Fatal(err)
	}
	return r.Complaint
}

func decodeUCS2(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}

// End to end: a complaint registered through the service puts its messages
// in the outbox in the same transaction; the dispatcher renders them from
// the stored templates into Hindi and sends them over SMPP to the fake
// SMSC — data coding 8, UCS-2, concatenated, with the DLT ids the admin
// entered in TLVs — and the SMSC's delivery receipt marks the row delivered.
func TestComplaintSMSReachesSMSCInHindi(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		svc := service.New(st, w.clk, service.Config{PublicURL: "https://igrs.up.in"}, nil)
		admin := adminPrincipal(t, w)
		if _, err := svc.SeedSMSTemplates(ctx, testEntityID); err != nil {
			t.Fatal(err)
		}
		ts, _ := svc.SMSTemplates(ctx, admin)
		for _, tm := range ts {
			if tm.Key == model.TmplRegistered && tm.Language == "hi" {
				tm.DLTTemplateID = testTemplateID
				if _, err := svc.SaveSMSTemplate(ctx, admin, tm.Template); err != nil {
					t.Fatal(err)
				}
			}
		}
		c := registerWith(t, svc, w, "9811100001")

		smsc, err := smsctest.Start(smsctest.Options{SystemID: "nivaran", Password: "pw"})
		if err != nil {
			t.Fatal(err)
		}
		defer smsc.Close()
		q := store.NewOutboxQueue(st)
		p, err := sms.NewSMPP(sms.SMPPConfig{Addr: smsc.Addr(), SystemID: "nivaran", Password: "pw",
			OnReceipt: func(ctx context.Context, id string, delivered bool) error {
				return q.MarkDelivery(ctx, "smpp", id, delivered, w.clk.Now())
			}})
		if err != nil {
			t.Fatal(err)
		}
		run, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); _ = p.Run(run) }()
		defer func() { stop(); <-done }()
		for range 200 {
			if p.Bound() {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		reg, err := svc.SMSRegistry(ctx)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := outbox.New(q, reg, p, w.clk.Now, outbox.Options{})
		if s, r, f, err := d.RunOnce(ctx); err != nil || s != 2 {
			t.Fatalf("sent %d retried %d failed %d: %v", s, r, f, err)
		}

		subs := smsc.Submits()
		byDest := map[string][]smsctest.Submit{}
		for _, s := range subs {
			byDest[s.Dest] = append(byDest[s.Dest], s)
		}
		citizenParts := byDest["919811100001"]
		if len(citizenParts) < 2 || len(byDest["919876543210"]) < 1 {
			t.Fatalf("submits by destination: %d to the citizen, %d to the officer", len(citizenParts), len(byDest["919876543210"]))
		}
		var text strings.Builder
		for i, s := range citizenParts {
			if s.DataCoding != 8 || s.Source != sms.DefaultHeader {
				t.Errorf("part %d: data coding %d, source %q", i+1, s.DataCoding, s.Source)
			}
			ref, total, seq, ok := s.Concat()
			if !ok || int(total) != len(citizenParts) || int(seq) != i+1 || ref != mustRef(citizenParts[0]) {
				t.Errorf("part %d: concatenation %d/%d ref %d ok %v", i+1, seq, total, ref, ok)
			}
			if string(s.TLVs[0x1400]) != testEntityID || string(s.TLVs[0x1401]) != testTemplateID {
				t.Errorf("part %d: DLT TLVs %q %q", i+1, s.TLVs[0x1400], s.TLVs[0x1401])
			}
			text.WriteString(decodeUCS2(s.Payload))
		}
		want := "आपकी शिकायत सं. " + c.Ref + " दर्ज कर ग्राम्य विकास को भेजी गई। निस्तारण की अंतिम तिथि 17-11-2026।"
		if !strings.HasPrefix(text.String(), want) || !strings.HasSuffix(text.String(), "हेल्पलाइन 1076") {
			t.Errorf("reassembled %q, want it to start %q", text.String(), want)
		}

		// The SMSC reports delivery of the citizen's message.
		msgs, _, _ := svc.SentMessages(ctx, admin, service.MessageFilter{ComplaintRef: c.Ref})
		var citizenMsg service.SentMessage
		for _, m := range msgs {
			if m.Template == model.TmplRegistered {
				citizenMsg = m
			}
		}
		if citizenMsg.Status != store.OutboxSent || citizenMsg.Provider != "smpp" || citizenMsg.ProviderID != citizenParts[0].MessageID {
			t.Fatalf("after sending: %+v", citizenMsg)
		}
		st2, err := smsc.SendReceipt(citizenParts[0].MessageID, "DELIVRD", 2*time.Second)
		if err != nil || st2 != 0 {
			t.Fatalf("receipt answered %v %v", st2, err)
		}
		msgs, _, _ = svc.SentMessages(ctx, admin, service.MessageFilter{ComplaintRef: c.Ref, Status: store.OutboxDelivered})
		if len(msgs) != 1 || msgs[0].ID != citizenMsg.ID || msgs[0].DeliveredAt == nil {
			t.Errorf("delivered: %+v", msgs)
		}
	})
}

func mustRef(s smsctest.Submit) byte {
	ref, _, _, _ := s.Concat()
	return ref
}
