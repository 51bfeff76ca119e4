package auth

import (
	"testing"

	"github.com/nivaran/nivaran/internal/model"
)

func TestCanSeeComplaint(t *testing.T) {
	area := int64(10)
	inLucknow := func(root int64) bool { return root == area }
	c := ComplaintScope{AccountablePostID: 5, MarkedPostID: 7, Mobile: "9876543210", InArea: inLucknow}
	user := func(roles ...model.Role) model.User { return model.User{Roles: roles} }
	cases := []struct {
		name string
		p    *Principal
		want bool
	}{
		{"anonymous", nil, false},
		{"agent", &Principal{User: user(model.RoleAgent)}, true},
		{"supervisor", &Principal{User: user(model.RoleSupervisor)}, true},
		{"admin", &Principal{User: user(model.RoleAdmin)}, true},
		{"accountable officer", &Principal{User: user(model.RoleOfficer), Posts: []int64{5}}, true},
		{"marked officer", &Principal{User: user(model.RoleOfficer), Posts: []int64{7}}, true},
		{"supervising officer", &Principal{User: user(model.RoleOfficer), Posts: []int64{4}, Supervised: []int64{5}}, true},
		{"other officer", &Principal{User: user(model.RoleOfficer), Posts: []int64{6}}, false},
		{"officer without posts", &Principal{User: user(model.RoleOfficer)}, false},
		{"post id without the officer role", &Principal{User: user(model.RoleCitizen), Posts: []int64{5}}, false},
		{"monitor of the area", &Principal{User: model.User{Roles: []model.Role{model.RoleMonitor}, AreaID: &area}}, true},
		{"monitor elsewhere", &Principal{User: model.User{Roles: []model.Role{model.RoleMonitor}, AreaID: new(int64)}}, false},
		{"monitor without area", &Principal{User: user(model.RoleMonitor)}, false},
		{"the citizen", &Principal{User: model.User{Roles: []model.Role{model.RoleCitizen}, Mobile: "9876543210"}}, true},
		{"another citizen", &Principal{User: model.User{Roles: []model.Role{model.RoleCitizen}, Mobile: "9876543211"}}, false},
		{"citizen without mobile", &Principal{User: user(model.RoleCitizen)}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.CanSeeComplaint(c); got != tc.want {
				t.Fatalf("CanSeeComplaint = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSeesIdentity(t *testing.T) {
	for _, tc := range []struct {
		roles []model.Role
		want  bool
	}{
		{[]model.Role{model.RoleOfficer}, false},
		{[]model.Role{model.RoleAgent}, true},
		{[]model.Role{model.RoleOfficer, model.RoleSupervisor}, true},
		{[]model.Role{model.RoleMonitor}, true},
		{[]model.Role{model.RoleCitizen}, true},
	} {
		p := &Principal{User: model.User{Roles: tc.roles}}
		if got := p.SeesIdentity(); got != tc.want {
			t.Errorf("%v: SeesIdentity = %v, want %v", tc.roles, got, tc.want)
		}
	}
}

func TestCitizenOnly(t *testing.T) {
	for _, tc := range []struct {
		roles []model.Role
		want  bool
	}{
		{[]model.Role{model.RoleCitizen}, true},
		{[]model.Role{model.RoleCitizen, model.RoleAgent}, false},
		{[]model.Role{model.RoleOfficer}, false},
		{nil, false},
	} {
		p := &Principal{User: model.User{Roles: tc.roles}}
		if got := p.CitizenOnly(); got != tc.want {
			t.Errorf("%v: CitizenOnly = %v, want %v", tc.roles, got, tc.want)
		}
	}
	if (*Principal)(nil).CitizenOnly() {
		t.Error("no principal counted as a citizen")
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of one password share a salt")
	}
	if ok, err := CheckPassword(h, "correct horse battery"); !ok || err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if ok, _ := CheckPassword(h, "correct horse batterz"); ok {
		t.Fatal("wrong password accepted")
	}
	if _, err := CheckPassword("$2a$10$bcrypt", "x"); err != ErrBadHash {
		t.Fatalf("malformed hash: %v", err)
	}
}

func TestTokens(t *testing.T) {
	a, ha, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := NewToken()
	if a == b || len(a) < 40 {
		t.Fatalf("tokens %q %q", a, b)
	}
	if TokenHash(a) != ha || TokenHash(b) == ha {
		t.Fatal("token hash mismatch")
	}
}
