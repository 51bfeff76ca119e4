package demo_test

import (
	"context"
	"errors"
	"testing"
	"time"
	"unicode"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/clock"
	"github.com/nivaran/nivaran/internal/demo"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

var now = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

func devanagari(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Devanagari, r) {
			return true
		}
	}
	return false
}

// TestEveryCategoryRoutesInEveryDistrict walks every complaint type × every
// district (at an area of the kind the handling designation sits at, when the
// district has one) and proves each routes to a post whose chain has five
// levels, L0 to L4.
func TestEveryCategoryRoutesInEveryDistrict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		sum, err := demo.Load(ctx, st, "demo-password", now)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Areas < 3000 || sum.Departments < 35 || sum.Categories < 390 {
			t.Fatalf("demo too small: %+v", sum)
		}
		svc := service.New(st, clock.NewFake(now), service.Config{}, nil)
		cats, err := st.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		desigs, err := st.Designations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		kindOf := map[int64]string{}
		for _, d := range desigs {
			kindOf[d.ID] = d.AreaKind
		}
		districts, err := st.Areas(ctx, store.AreaFilter{Kind: model.AreaDistrict, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if len(districts) != 75 {
			t.Fatalf("%d districts, want 75", len(districts))
		}
		// One area of each kind per district, to route at.
		areaIn := map[int64]map[string]int64{}
		for _, d := range districts {
			areaIn[d.ID] = map[string]int64{model.AreaDistrict: d.ID}
			queue := []int64{d.ID}
			for len(queue) > 0 {
				kids, err := st.Areas(ctx, store.AreaFilter{ParentID: &queue[0], Limit: 500})
				if err != nil {
					t.Fatal(err)
				}
				queue = queue[1:]
				for _, k := range kids {
					if _, ok := areaIn[d.ID][k.Kind]; !ok {
						areaIn[d.ID][k.Kind] = k.ID
					}
					queue = append(queue, k.ID)
				}
			}
		}
		chainLen := map[int64]int{}
		routes := 0
		for _, c := range cats {
			if !devanagari(c.NameHi) || len(c.Keywords) < 3 {
				t.Errorf("category %s: Hindi name %q, %d keywords", c.Code, c.NameHi, len(c.Keywords))
			}
			for _, d := range districts {
				area, ok := areaIn[d.ID][kindOf[c.DesignationID]]
				if !ok {
					area = d.ID
				}
				r, err := svc.Route(ctx, c.ID, area)
				if err != nil {
					t.Fatal(err)
				}
				if r.PostID == 0 {
					t.Fatalf("category %s does not route in district %s", c.Code, d.NameEn)
				}
				n, ok := chainLen[r.PostID]
				if !ok {
					chain, err := st.ChainIDs(ctx, r.PostID, model.MaxLevel+1)
					if err != nil {
						t.Fatal(err)
					}
					n = len(chain)
					chainLen[r.PostID] = n
				}
				if n != model.MaxLevel+1 {
					t.Fatalf("category %s in %s routes to post %d whose ladder has %d levels", c.Code, d.NameEn, r.PostID, n)
				}
				routes++
			}
		}
		if routes != len(cats)*75 {
			t.Fatalf("checked %d routes", routes)
		}
	})
}

func TestLoadIsIdempotentAndRefusesOtherData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		first, err := demo.Load(ctx, st, "demo-password", now)
		if err != nil || !first.Loaded {
			t.Fatalf("first load: %+v %v", first, err)
		}
		second, err := demo.Load(ctx, st, "demo-password", now)
		if err != nil || second.Loaded || second.Posts != first.Posts || second.Areas != first.Areas {
			t.Fatalf("second load changed something: %+v vs %+v, %v", second, first, err)
		}
		// The demo users sign in with the shared password, and the hash is argon2id.
		_, hash, err := st.UserByUsername(ctx, "agent1")
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := auth.CheckPassword(hash, "demo-password"); !ok {
			t.Fatal("agent1 cannot sign in with the demo password")
		}

		other := storetest.New(t, st.Dialect())
		err = other.Tx(ctx, func(tx *store.Tx) error {
			u := model.User{Username: "real.admin", Name: "Real", Roles: []model.Role{model.RoleAdmin}}
			return tx.InsertUser(ctx, &u, "x", now)
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Load(ctx, other, "demo-password", now); !errors.Is(err, demo.ErrNotDemo) {
			t.Fatalf("load into a database with other data: %v, want ErrNotDemo", err)
		}
		if n, _ := other.CountRows(ctx, "areas"); n != 0 {
			t.Fatalf("refused load still wrote %d areas", n)
		}
	})
}
