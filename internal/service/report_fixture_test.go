package service_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

// reportWorld is the small world of fixture_test.go grown for the reports: a
// second district (Kanpur Nagar, in the same division) whose ladder BDO → PD →
// CDO joins the first at the division, a complaint type that allows special closure, a monitor
// of each district and one of the state.
type reportWorld struct {
	*world
	kanpur        int64   // the second district
	kanpurVillage int64   // a village in it
	kanpurLadder  []int64 // its L0..L2 posts; L3 and L4 are the world's
	special       int64   // a category allowing special closure
	holders       map[int64]*auth.Principal
	monitorState  *auth.Principal
	monitorA      *auth.Principal // Lucknow
	monitorB      *auth.Principal // Kanpur Nagar
	admin         *auth.Principal
}

func newReportWorld(t testing.TB, st *store.Store) *reportWorld {
	t.Helper()
	ctx := context.Background()
	w := &reportWorld{world: newWorld(t, st), holders: map[int64]*auth.Principal{}}
	err := st.Tx(ctx, func(tx *store.Tx) error {
		district, err := tx.Area(ctx, w.district)
		if err != nil {
			return err
		}
		division, err := tx.Area(ctx, *district.ParentID)
		if err != nil {
			return err
		}
		add := func(kind, code, en, hi string, parent int64) int64 {
			a := model.Area{Kind: kind, Code: code, NameEn: en, NameHi: hi, ParentID: &parent}
			if err := tx.InsertArea(ctx, &a); err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		w.kanpur = add(model.AreaDistrict, "164", "Kanpur Nagar", "कानपुर नगर", division.ID)
		block := add(model.AreaBlock, "1350", "Bidhnu", "बिधनू", w.kanpur)
		w.kanpurVillage = add(model.AreaVillage, "gen-v-2", "Ramaipur", "रमईपुर", block)
		top, err := tx.Post(ctx, w.ladder[0])
		if err != nil {
			return err
		}
		sup := w.ladder[3]
		posts := make([]int64, 3)
		for i, x := range []struct {
			code string
			area int64
		}{{"rd_cdo", w.kanpur}, {"rd_pd", w.kanpur}, {"rd_bdo", block}} {
			g, err := tx.DesignationByCode(ctx, x.code)
			if err != nil {
				return err
			}
			p := model.Post{DepartmentID: top.DepartmentID, DesignationID: g.ID, AreaID: x.area, TitleEn: x.code + " Kanpur",
				TitleHi: "पद " + x.code + " कानपुर", SupervisorPostID: &sup, Nodal: g.Nodal}
			if err := tx.SavePost(ctx, &p); err != nil {
				return err
			}
			sup = p.ID
			posts[2-i] = p.ID
		}
		w.kanpurLadder = posts
		for i, p := range posts {
			u := model.User{Username: fmt.Sprintf("kofficer%d", i), Name: fmt.Sprintf("Kanpur officer %d", i), Roles: []model.Role{model.RoleOfficer}}
			if err := tx.InsertUser(ctx, &u, "", t0); err != nil {
				return err
			}
			o := model.Officer{Name: u.Name, Mobile: fmt.Sprintf("98765433%d0", i), UserID: u.ID}
			if err := tx.InsertOfficer(ctx, &o); err != nil {
				return err
			}
			if err := tx.SetUserOfficer(ctx, u.ID, o.ID); err != nil {
				return err
			}
			if err := tx.StartPosting(ctx, o.ID, p, t0); err != nil {
				return err
			}
		}
		bdo, err := tx.DesignationByCode(ctx, "rd_bdo")
		if err != nil {
			return err
		}
		c := model.Category{Code: "rd_pension", DepartmentID: top.DepartmentID, DesignationID: bdo.ID, NameEn: "Old-age pension not paid",
			NameHi: "वृद्धावस्था पेंशन नहीं मिली", Keywords: []string{"पेंशन"}, SLADays: model.DefaultSLA, SpecialClosureAllowed: true}
		if err := tx.SaveCategory(ctx, &c); err != nil {
			return err
		}
		w.special = c.ID
		monitors := []struct {
			name string
			area int64
		}{{"monitor.state", *division.ParentID}, {"monitor.a", w.district}, {"monitor.b", w.kanpur}}
		for _, m := range monitors {
			area := m.area
			u := model.User{Username: m.name, Name: m.name, Roles: []model.Role{model.RoleMonitor}, AreaID: &area}
			if err := tx.InsertUser(ctx, &u, "", t0); err != nil {
				return err
			}
		}
		u := model.User{Username: "report.admin", Name: "Report admin", Roles: []model.Role{model.RoleAdmin}}
		return tx.InsertUser(ctx, &u, "", t0)
	})
	if err != nil {
		t.Fatal(err)
	}
	// A fresh service: the world's has cached the routing table without the new posts.
	w.svc = service.New(st, w.clk, service.Config{}, nil)
	w.agent, w.sup = w.principal(t, "agent"), w.principal(t, "supervisor")
	for i := range w.officers {
		w.officers[i] = w.principal(t, fmt.Sprintf("officer%d", i))
		w.holders[w.ladder[i]] = w.officers[i]
	}
	for i, p := range w.kanpurLadder {
		w.holders[p] = w.principal(t, fmt.Sprintf("kofficer%d", i))
	}
	w.monitorState, w.monitorA, w.monitorB = w.principal(t, "monitor.state"), w.principal(t, "monitor.a"), w.principal(t, "monitor.b")
	w.admin = w.principal(t, "report.admin")
	return w
}

// registerAt registers a complaint of category at area for mobile.
func (w *reportWorld) registerAt(t testing.TB, mobile string, category, area int64) store.ComplaintRow {
	t.Helper()
	r, err := w.svc.Register(context.Background(), w.agent, service.RegisterInput{Channel: "phone", Name: "रामकली", Mobile: mobile,
		CategoryID: category, AreaID: area, Description: "शिकायत का विवरण " + mobile})
	if err != nil {
		t.Fatal(err)
	}
	return r.Complaint
}

// holder is the officer of a post.
func (w *reportWorld) holder(t testing.TB, post int64) *auth.Principal {
	t.Helper()
	p, ok := w.holders[post]
	if !ok {
		t.Fatalf("no officer holds post %d", post)
	}
	return p
}

// supervisorOf is the officer of a post's supervisor post.
func (w *reportWorld) supervisorOf(t testing.TB, post int64) *auth.Principal {
	t.Helper()
	p, err := w.st.Post(context.Background(), post)
	if err != nil || p.SupervisorPostID == nil {
		t.Fatalf("post %d has no supervisor (%v)", post, err)
	}
	return w.holder(t, *p.SupervisorPostID)
}

// complaint loads a complaint as it stands.
func complaint(t testing.TB, st *store.Store, ref string) model.Complaint {
	t.Helper()
	c, err := st.ComplaintByRef(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantNoDrift recounts every counter the hook keeps and fails on any drift.
func wantNoDrift(t testing.TB, svc *service.Service, when string) {
	t.Helper()
	check, err := svc.CheckCounters(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range check.Drift {
		if i == 10 {
			t.Errorf("… and %d more", len(check.Drift)-10)
			break
		}
		t.Errorf("%s: %s %s: stored %d, recounted %d", when, d.Table, d.Key, d.Stored, d.Counted)
	}
	if len(check.Drift) > 0 {
		t.FailNow()
	}
}
