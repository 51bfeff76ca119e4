package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/clock"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

// t0 is 2026-11-02 10:00 IST.
var t0 = time.Date(2026, 11, 2, 4, 30, 0, 0, time.UTC)

// world is a small state: one district with a block and a village, a
// department whose ladder runs BDO (block) → district officer → division →
// directorate → secretary, one complaint type, and users for each role.
type world struct {
	st       *store.Store
	clk      *clock.Fake
	svc      *service.Service
	village  int64
	district int64
	category int64
	ladder   []int64 // L0..L4 posts
	agent    *auth.Principal
	sup      *auth.Principal
	officers []*auth.Principal // holders of ladder posts
}

func newWorld(t testing.TB, st *store.Store) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{st: st, clk: clock.NewFake(t0)}
	err := st.Tx(ctx, func(tx *store.Tx) error {
		add := func(kind, code, en, hi string, parent *int64) int64 {
			a := model.Area{Kind: kind, Code: code, NameEn: en, NameHi: hi, ParentID: parent}
			if err := tx.InsertArea(ctx, &a); err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		state := add(model.AreaState, "9", "Uttar Pradesh", "उत्तर प्रदेश", nil)
		div := add(model.AreaDivision, "div-lucknow", "Lucknow", "लखनऊ", &state)
		w.district = add(model.AreaDistrict, "162", "Lucknow", "लखनऊ", &div)
		block := add(model.AreaBlock, "1332", "Kakori", "काकोरी", &w.district)
		w.village = add(model.AreaVillage, "gen-v-1", "Rampur", "रामपुर", &block)
		d := model.Department{Code: "rd", NameEn: "Rural Development", NameHi: "ग्राम्य विकास"}
		if err := tx.SaveDepartment(ctx, &d); err != nil {
			t.Fatal(err)
		}
		levels := []struct {
			code, kind string
			area       int64
			nodal      bool
		}{{"rd_bdo", model.AreaBlock, block, false}, {"rd_pd", model.AreaDistrict, w.district, true},
			{"rd_cdo", model.AreaDistrict, w.district, false}, {"rd_jd", model.AreaDivision, div, false},
			{"rd_comm", model.AreaState, state, true}}
		var sup *int64
		posts := make([]int64, len(levels))
		for i := len(levels) - 1; i >= 0; i-- {
			l := levels[i]
			g := model.Designation{DepartmentID: d.ID, Code: l.code, NameEn: l.code, NameHi: "पद " + l.code, AreaKind: l.kind, Nodal: l.nodal}
			if err := tx.SaveDesignation(ctx, &g); err != nil {
				t.Fatal(err)
			}
			p := model.Post{DepartmentID: d.ID, DesignationID: g.ID, AreaID: l.area, TitleEn: l.code, TitleHi: "पद " + l.code,
				SupervisorPostID: sup, Nodal: l.nodal}
			if err := tx.SavePost(ctx, &p); err != nil {
				t.Fatal(err)
			}
			id := p.ID
			sup = &id
			posts[i] = p.ID
			if i == 0 {
				c := model.Category{Code: "rd_road", DepartmentID: d.ID, DesignationID: g.ID, NameEn: "Village road broken",
					NameHi: "गाँव की सड़क टूटी", Keywords: []string{"सड़क", "road", "sadak"}, SLADays: model.DefaultSLA}
				if err := tx.SaveCategory(ctx, &c); err != nil {
					t.Fatal(err)
				}
				w.category = c.ID
			}
		}
		w.ladder = posts
		for i, p := range posts {
			u := model.User{Username: "officer" + string(rune('0'+i)), Name: "Officer", Roles: []model.Role{model.RoleOfficer}}
			if err := tx.InsertUser(ctx, &u, "", t0); err != nil {
				t.Fatal(err)
			}
			o := model.Officer{Name: "Officer", Mobile: "98765432" + string(rune('1'+i)) + "0", UserID: u.ID}
			if err := tx.InsertOfficer(ctx, &o); err != nil {
				t.Fatal(err)
			}
			if err := tx.SetUserOfficer(ctx, u.ID, o.ID); err != nil {
				t.Fatal(err)
			}
			if err := tx.StartPosting(ctx, o.ID, p, t0); err != nil {
				t.Fatal(err)
			}
		}
		for _, name := range []string{"agent", "supervisor"} {
			u := model.User{Username: name, Name: name, Roles: []model.Role{model.Role(name)}}
			if err := tx.InsertUser(ctx, &u, "", t0); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w.svc = service.New(st, w.clk, service.Config{}, nil)
	w.agent = w.principal(t, "agent")
	w.sup = w.principal(t, "supervisor")
	for i := range w.ladder {
		w.officers = append(w.officers, w.principal(t, "officer"+string(rune('0'+i))))
	}
	return w
}

// principal signs a user in by loading them as the API would.
func (w *world) principal(t testing.TB, username string) *auth.Principal {
	t.Helper()
	u, _, err := w.st.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.svc.PrincipalFor(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (w *world) register(t testing.TB, mobile string) store.ComplaintRow {
	t.Helper()
	r, err := w.svc.Register(context.Background(), w.agent, service.RegisterInput{Channel: "phone", Name: "सुनीता", Mobile: mobile,
		CategoryID: w.category, AreaID: w.village, Description: "गाँव की सड़क टूटी है"})
	if err != nil {
		t.Fatal(err)
	}
	return r.Complaint
}
