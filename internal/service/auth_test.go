package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

func TestLoginSessionsAndLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		hash, _ := auth.HashPassword("a-long-password")
		err := st.Tx(ctx, func(tx *store.Tx) error {
			u := model.User{Username: "desk", Name: "Desk", Roles: []model.Role{model.RoleAgent}}
			return tx.InsertUser(ctx, &u, hash, t0)
		})
		if err != nil {
			t.Fatal(err)
		}
		tok, u, err := w.svc.Login(ctx, " DESK ", "a-long-password", "10.0.0.1")
		if err != nil || u.Username != "desk" {
			t.Fatalf("login: %v %+v", err, u)
		}
		p, err := w.svc.Authenticate(ctx, tok)
		if err != nil || p.User.ID != u.ID {
			t.Fatalf("authenticate: %v", err)
		}
		if err := w.svc.Logout(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Authenticate(ctx, tok); !errors.Is(err, service.ErrUnauthorized) {
			t.Fatalf("after logout: %v", err)
		}
		// Sessions expire after 12 hours.
		tok, _, _ = w.svc.Login(ctx, "desk", "a-long-password", "10.0.0.1")
		w.clk.Set(t0.Add(13 * time.Hour))
		if _, err := w.svc.Authenticate(ctx, tok); !errors.Is(err, service.ErrUnauthorized) {
			t.Fatalf("expired session: %v", err)
		}
		// Five wrong passwords, then even the right one waits.
		for i := 0; i < 5; i++ {
			if _, _, err := w.svc.Login(ctx, "desk", "wrong", "10.0.0.2"); !errors.Is(err, service.ErrUnauthorized) {
				t.Fatalf("wrong password %d: %v", i, err)
			}
		}
		if _, _, err := w.svc.Login(ctx, "desk", "a-long-password", "10.0.0.3"); !errors.Is(err, service.ErrRateLimited) {
			t.Fatalf("after five failures: %v, want rate limited", err)
		}
		w.clk.Set(t0.Add(13*time.Hour + 2*time.Minute))
		if _, _, err := w.svc.Login(ctx, "desk", "a-long-password", "10.0.0.3"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		// An unknown user is refused like a wrong password.
		if _, _, err := w.svc.Login(ctx, "nobody", "x", "10.0.0.4"); !errors.Is(err, service.ErrUnauthorized) {
			t.Fatalf("unknown user: %v", err)
		}
	})
}

func TestTransferMovesAccessAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		c := w.register(t, "9876500002")
		admin := &auth.Principal{User: model.User{ID: 999, Roles: []model.Role{model.RoleAdmin}}}
		o, err := w.svc.CreateOfficer(ctx, admin, service.NewOfficer{Name: "Naya Adhikari", Mobile: "+91 98111 22233", Username: "naya", Password: "a-long-password"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.svc.AssignOfficer(ctx, admin, w.ladder[0], o.ID); err != nil {
			t.Fatal(err)
		}
		oldP := w.principal(t, "officer0")
		if len(oldP.Posts) != 0 {
			t.Fatalf("previous officer still holds %v", oldP.Posts)
		}
		if _, err := w.svc.Complaint(ctx, oldP, c.Ref); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("previous officer reads the complaint: %v", err)
		}
		newP := w.principal(t, "naya")
		rows, _, err := w.svc.Inbox(ctx, newP, nil, "", 50)
		if err != nil || len(rows) != 1 || rows[0].Ref != c.Ref {
			t.Fatalf("new inbox: %v %v", rows, err)
		}
		msgs, err := st.Outbox(ctx, store.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, m := range msgs {
			if m.Template == model.TmplTransferred && m.Mobile == "9811122233" && m.Vars["count"] == "1" {
				found = true
			}
		}
		if !found {
			t.Fatal("no transfer SMS with the pending count to the new officer")
		}
		// Non-admins cannot transfer.
		if err := w.svc.AssignOfficer(ctx, w.agent, w.ladder[0], 0); err == nil {
			t.Fatal("agent transferred a post")
		}
	})
}
