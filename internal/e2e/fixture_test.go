package e2e

import (
	"fmt"
	"testing"
)

// fixture holds ids found in the demo data through the API.
type fixture struct {
	category      int64 // handled at block level: routes to a BDO-like post at the village's block
	specialCat    int64 // allows special closure
	otherCategory int64 // another department's, for re-routing
	village       int64
	otherVillage  int64
	sla           []int64
}

func (s *server) fixture() fixture {
	s.t.Helper()
	a := s.as("admin")
	kinds := map[string]string{}
	for _, d := range items(a.must(200, "GET", "/api/v1/designations?limit=500", nil)) {
		kinds[str(d["code"])] = str(d["area_kind"])
	}
	var f fixture
	for _, c := range items(a.must(200, "GET", "/api/v1/categories?limit=500", nil)) {
		blockLevel := kinds[str(c["designation"])] == "block"
		switch {
		case f.category == 0 && blockLevel && !c["special_closure_allowed"].(bool):
			f.category = num(c["id"])
			for _, x := range c["sla_days"].([]any) {
				f.sla = append(f.sla, num(x))
			}
		case f.specialCat == 0 && blockLevel && c["special_closure_allowed"].(bool):
			f.specialCat = num(c["id"])
		case f.otherCategory == 0 && blockLevel && f.category != 0 && num(c["department_id"]) != 0:
			f.otherCategory = num(c["id"])
		}
	}
	// Villages of two different blocks whose block posts are held (the demo
	// leaves a few posts vacant).
	var firstBlock int64
	for _, v := range items(a.must(200, "GET", "/api/v1/areas?kind=village&limit=200", nil)) {
		route := a.must(200, "GET", fmt.Sprintf("/api/v1/posts?area_id=%d&limit=100", num(v["parent_id"])), nil)
		held := len(items(route)) > 0
		for _, p := range items(route) {
			if p["officer"] == nil {
				held = false
			}
		}
		if !held {
			continue
		}
		if f.village == 0 {
			f.village, firstBlock = num(v["id"]), num(v["parent_id"])
		} else if num(v["parent_id"]) != firstBlock && f.otherVillage == 0 {
			f.otherVillage = num(v["id"])
			break
		}
	}
	if f.category == 0 || f.specialCat == 0 || f.otherCategory == 0 || f.village == 0 || f.otherVillage == 0 {
		s.t.Fatalf("fixture incomplete: %+v", f)
	}
	return f
}

var mobileSeq = 7000000000

// newMobile returns a mobile number no other scenario uses.
func newMobile() string {
	mobileSeq++
	return fmt.Sprint(mobileSeq)
}

// register files a complaint as c and returns it.
func (c *caller) register(f fixture, mobile string, category, area int64, hdr ...string) map[string]any {
	c.s.t.Helper()
	return c.must(201, "POST", "/api/v1/complaints", map[string]any{
		"channel": "phone", "category_id": category, "area_id": area,
		"description": "गाँव की सड़क पर पानी भरा है, कृपया कार्यवाही करें।",
		"complainant": map[string]any{"name": "सुनीता देवी", "mobile": mobile, "address": "ग्राम पंचायत भवन के पास"},
	}, hdr...)
}

// officerOf returns the username of the officer holding post id.
func (s *server) officerOf(id int64) string {
	s.t.Helper()
	p := s.as("admin").must(200, "GET", fmt.Sprintf("/api/v1/posts/%d", id), nil)
	o := obj(p["officer"])
	if o == nil {
		s.t.Fatalf("post %d is vacant", id)
	}
	return str(o["username"])
}

// complaint reads a complaint as admin.
func (s *server) complaint(ref string) map[string]any {
	s.t.Helper()
	return s.as("admin").must(200, "GET", "/api/v1/complaints/"+ref, nil)
}

func events(c map[string]any, kind string) []map[string]any {
	var out []map[string]any
	for _, e := range c["events"].([]any) {
		if str(obj(e)["kind"]) == kind {
			out = append(out, obj(e))
		}
	}
	return out
}

func accountable(c map[string]any) int64 { return num(obj(c["accountable_post"])["id"]) }

func requireEqual[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}
