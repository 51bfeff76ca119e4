package ui

import (
	"context"
	"net/http"
	"strings"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
)

// maxOptions is how many suggestions a typeahead shows.
const maxOptions = 10

// option is one typeahead suggestion.
type option struct {
	ID    int64
	Label string // what the input shows once chosen
	Sub   string // a second line: the department, or the place's path
}

// optionsData feeds the "options" partial.
type optionsData struct {
	Prefix  string // id prefix of the listbox, e.g. "cat"
	Options []option
	Q       string
}

// categoryOptions answers the complaint-type typeahead: Hindi, English and
// keyword matches, best first (service.Categories ranks them).
func (u *UI) categoryOptions(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := firstOf(r, "category_q", "q")
	v := u.newView(r, p, "")
	d := optionsData{Prefix: "cat", Q: q}
	if strings.TrimSpace(q) != "" {
		cats, err := u.svc.Categories(r.Context(), p, q, 0)
		if err != nil {
			u.fail(w, r, p, err)
			return
		}
		depts, err := u.deptNames(r.Context(), p, v.L)
		if err != nil {
			u.fail(w, r, p, err)
			return
		}
		for i, c := range cats {
			if i == maxOptions {
				break
			}
			d.Options = append(d.Options, option{ID: c.ID, Label: pick(v.L, c.NameEn, c.NameHi), Sub: depts[c.DepartmentID]})
		}
	}
	v.D = d
	u.renderBlock(w, http.StatusOK, "options", "options", v)
}

// placeKinds are searched in this order: villages and wards first, where
// most complaints are, then the larger areas.
var placeKinds = []string{model.AreaVillage, model.AreaWard, model.AreaThana, model.AreaCity, model.AreaBlock,
	model.AreaTehsil, model.AreaDistrict}

// areaOptions answers the place typeahead, each place with its path
// (गाँव › ब्लॉक › ज़िला) so that two villages of one name can be told apart.
func (u *UI) areaOptions(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := strings.TrimSpace(firstOf(r, "area_q", "q"))
	v := u.newView(r, p, "")
	d := optionsData{Prefix: "area", Q: q}
	if q != "" {
		areas, err := u.findPlaces(r.Context(), p, q)
		if err != nil {
			u.fail(w, r, p, err)
			return
		}
		for _, a := range areas {
			label, path, err := u.placePath(r.Context(), p, v.L, a.ID)
			if err != nil {
				u.fail(w, r, p, err)
				return
			}
			d.Options = append(d.Options, option{ID: a.ID, Label: label, Sub: path})
		}
	}
	v.D = d
	u.renderBlock(w, http.StatusOK, "options", "options", v)
}

// findPlaces finds up to maxOptions places for q. The whole of q is looked
// for in place names; when q has several words ("rampur malihabad"), the
// first is also taken as the place and the rest as the block, city, tehsil or
// district it lies in, because village names repeat across the state.
func (u *UI) findPlaces(ctx context.Context, p *auth.Principal, q string) ([]model.Area, error) {
	var out []model.Area
	seen := map[int64]bool{}
	add := func(as []model.Area) {
		for _, a := range as {
			if len(out) < maxOptions && !seen[a.ID] {
				seen[a.ID] = true
				out = append(out, a)
			}
		}
	}
	if words := strings.Fields(q); len(words) > 1 {
		name, within := words[0], strings.Join(words[1:], " ")
		for _, kind := range []string{model.AreaBlock, model.AreaCity, model.AreaTehsil, model.AreaDistrict} {
			containers, err := u.svc.Areas(ctx, p, store.AreaFilter{Kind: kind, Q: within, Limit: 5})
			if err != nil {
				return nil, err
			}
			for _, c := range containers {
				parents := []int64{c.ID}
				if kind == model.AreaDistrict {
					kids, err := u.svc.Areas(ctx, p, store.AreaFilter{ParentID: &c.ID, Limit: 200})
					if err != nil {
						return nil, err
					}
					for _, k := range kids {
						if k.Kind == model.AreaBlock || k.Kind == model.AreaCity {
							parents = append(parents, k.ID)
						}
					}
				}
				for _, parent := range parents {
					if len(out) >= maxOptions {
						return out, nil
					}
					found, err := u.svc.Areas(ctx, p, store.AreaFilter{ParentID: &parent, Q: name, Limit: maxOptions})
					if err != nil {
						return nil, err
					}
					add(found)
				}
			}
		}
	}
	for _, kind := range placeKinds {
		if len(out) >= maxOptions {
			break
		}
		found, err := u.svc.Areas(ctx, p, store.AreaFilter{Kind: kind, Q: q, Limit: maxOptions})
		if err != nil {
			return nil, err
		}
		add(found)
	}
	return out, nil
}

// placePath returns an area's name with its kind, and the path from it up to
// its district: "गाँव रामपुर › ब्लॉक मलिहाबाद › ज़िला लखनऊ".
func (u *UI) placePath(ctx context.Context, p *auth.Principal, l string, id int64) (string, string, error) {
	a, anc, err := u.svc.Area(ctx, p, id)
	if err != nil {
		return "", "", err
	}
	parts := []string{kindName(l, a)}
	for i := len(anc) - 1; i >= 0; i-- {
		x := anc[i]
		if x.ID == a.ID {
			continue
		}
		if x.Kind == model.AreaDivision || x.Kind == model.AreaState {
			break
		}
		parts = append(parts, kindName(l, x))
	}
	return pick(l, a.NameEn, a.NameHi), strings.Join(parts, " › "), nil
}

func kindName(l string, a model.Area) string {
	return tr(l, "ui_kind_"+a.Kind) + " " + pick(l, a.NameEn, a.NameHi)
}

// deptNames maps department ids to their names in l.
func (u *UI) deptNames(ctx context.Context, p *auth.Principal, l string) (map[int64]string, error) {
	ds, err := u.svc.Departments(ctx, p)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]string, len(ds))
	for _, d := range ds {
		m[d.ID] = pick(l, d.NameEn, d.NameHi)
	}
	return m, nil
}

func firstOf(r *http.Request, keys ...string) string {
	for _, k := range keys {
		if v := r.FormValue(k); v != "" {
			return v
		}
	}
	return ""
}
