package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestCitizenReadsNoInternalNotes: the complainant sees that their complaint
// was marked for inquiry and commented on, but not what the officers wrote
// to each other; staff read the notes.
func TestCitizenReadsNoInternalNotes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newReportWorld(t, st)
		const mobile = "9450000031"
		c := w.register(t, mobile)
		w.clk.Set(c.DueAt.Add(time.Minute))
		if _, err := w.svc.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		pd := w.holder(t, w.ladder[1])
		const mark, comment = "स्थल निरीक्षण कर आख्या दें", "ग्राम प्रधान से बात हुई, ठेकेदार लापरवाह"
		if _, err := w.svc.Mark(ctx, pd, c.Ref, w.ladder[0], mark); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Comment(ctx, w.holder(t, w.ladder[0]), c.Ref, comment); err != nil {
			t.Fatal(err)
		}
		u := model.User{Username: "citizen:" + mobile, Name: mobile, Roles: []model.Role{model.RoleCitizen}, Mobile: mobile}
		if err := st.Tx(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, &u, "", w.clk.Now()) }); err != nil {
			t.Fatal(err)
		}
		citizen, err := w.svc.PrincipalFor(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		notes := func(d []model.Event) map[model.EventKind]string {
			out := map[model.EventKind]string{}
			for _, e := range d {
				if e.Kind == model.EventMarked || e.Kind == model.EventCommented {
					out[e.Kind] = e.Note
				}
			}
			return out
		}
		mine, err := w.svc.Complaint(ctx, citizen, c.Ref)
		if err != nil {
			t.Fatal(err)
		}
		if n := notes(mine.Events); len(n) != 2 || n[model.EventMarked] != "" || n[model.EventCommented] != "" {
			t.Fatalf("the citizen reads %v; want both events without their notes", n)
		}
		staff, err := w.svc.Complaint(ctx, pd, c.Ref)
		if err != nil {
			t.Fatal(err)
		}
		if n := notes(staff.Events); n[model.EventMarked] != mark || n[model.EventCommented] != comment {
			t.Fatalf("the officer reads %v; want the notes", n)
		}
	})
}
