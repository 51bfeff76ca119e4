package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
)

// builder assembles the demo in memory with explicit ids, then saves it in a
// few multi-row inserts.
type builder struct {
	now  time.Time
	hash string

	areas      []area
	byKind     map[string][]int // area kind → indexes into areas
	depts      []model.Department
	deptByCode map[string]int64
	desigs     []desig
	cats       []model.Category
	posts      []model.Post
	users      []user
	officers   []model.Officer
	postings   [][2]int64 // officer, post
}

type area struct {
	model.Area
	generated bool
	parentIdx int // -1 for the root
}

type desig struct {
	model.Designation
	tier int
}

type user struct {
	model.User
}

func build(hash string, now time.Time) (*builder, error) {
	b := &builder{now: now, hash: hash, byKind: map[string][]int{}, deptByCode: map[string]int64{}}
	steps := []func() error{b.geography, b.departments, b.designations, b.categories, b.makePosts, b.makeUsers}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func (b *builder) addArea(kind, code, en, hi string, parent int, generated bool) int {
	a := area{Area: model.Area{ID: int64(len(b.areas) + 1), Kind: kind, Code: code, NameEn: en, NameHi: hi}, generated: generated, parentIdx: parent}
	if parent >= 0 {
		pid := b.areas[parent].ID
		a.ParentID = &pid
	}
	b.areas = append(b.areas, a)
	i := len(b.areas) - 1
	b.byKind[kind] = append(b.byKind[kind], i)
	return i
}

// geography adds the state, divisions, districts, tehsils, blocks, and the
// generated villages, cities, wards, police circles and thanas.
func (b *builder) geography() error {
	dd, err := readCSV("up-divisions-districts.csv")
	if err != nil {
		return err
	}
	tehsils, err := readCSV("up-tehsils.csv")
	if err != nil {
		return err
	}
	blocks, err := readCSV("up-blocks.csv")
	if err != nil {
		return err
	}
	namesHi, err := readCSV("names-hi.csv")
	if err != nil {
		return err
	}
	hi := map[string]string{}
	for _, r := range namesHi {
		hi[r["kind"]+":"+r["lgd"]] = r["name_hi"]
	}
	state := b.addArea(model.AreaState, "9", "Uttar Pradesh", "उत्तर प्रदेश", -1, false)
	divisions := map[string]int{}
	districts := map[string]int{}
	for _, r := range dd {
		div, ok := divisions[r["division_en"]]
		if !ok {
			code := "div-" + strings.ToLower(strings.ReplaceAll(r["division_en"], " ", "-"))
			div = b.addArea(model.AreaDivision, code, r["division_en"], r["division_hi"], state, false)
			divisions[r["division_en"]] = div
		}
		districts[r["district_lgd"]] = b.addArea(model.AreaDistrict, r["district_lgd"], r["district_en"], r["district_hi"], div, false)
	}
	for _, r := range tehsils {
		d, ok := districts[r["district_lgd"]]
		if !ok {
			return fmt.Errorf("demo: tehsil %s: unknown district %s", r["tehsil_lgd"], r["district_lgd"])
		}
		name := r["tehsil_hi"]
		if name == "" {
			name = hi["tehsil:"+r["tehsil_lgd"]]
		}
		b.addArea(model.AreaTehsil, r["tehsil_lgd"], r["tehsil_en"], name, d, false)
	}
	for _, r := range blocks {
		d, ok := districts[r["district_lgd"]]
		if !ok {
			return fmt.Errorf("demo: block %s: unknown district %s", r["block_lgd"], r["district_lgd"])
		}
		bl := b.addArea(model.AreaBlock, r["block_lgd"], titleCase(r["block_en"]), hi["block:"+r["block_lgd"]], d, false)
		// Three generated villages per block.
		for v := 0; v < 3; v++ {
			n := villageNames[(atoi(r["block_lgd"])*3+v)%len(villageNames)]
			b.addArea(model.AreaVillage, fmt.Sprintf("gen-v-%s-%d", r["block_lgd"], v+1), n[0], n[1], bl, true)
		}
	}
	for _, code := range sortedKeys(districts) {
		d := districts[code]
		en, hiName := b.areas[d].NameEn, b.areas[d].NameHi
		city := b.addArea(model.AreaCity, "gen-city-"+code, en+" Nagar Palika", hiName+" नगर पालिका", d, true)
		for w := 1; w <= 8; w++ {
			b.addArea(model.AreaWard, fmt.Sprintf("gen-w-%s-%d", code, w), fmt.Sprintf("%s Ward %d", en, w),
				fmt.Sprintf("%s वार्ड %d", hiName, w), city, true)
		}
		for c := 1; c <= 2; c++ {
			circle := b.addArea(model.AreaCircle, fmt.Sprintf("gen-c-%s-%d", code, c), fmt.Sprintf("%s Circle %d", en, c),
				fmt.Sprintf("%s सर्किल %d", hiName, c), d, true)
			for t := 1; t <= 3; t++ {
				n := (c-1)*3 + t
				b.addArea(model.AreaThana, fmt.Sprintf("gen-t-%s-%d", code, n), fmt.Sprintf("%s Police Station %d", en, n),
					fmt.Sprintf("थाना %s %d", hiName, n), circle, true)
			}
		}
	}
	return nil
}

// titleCase turns LGD's capitals ("BAKSHI-KA-TALAB") into "Bakshi-Ka-Talab".
func titleCase(s string) string {
	out := []rune(strings.ToLower(s))
	up := true
	for i, r := range out {
		if up && r >= 'a' && r <= 'z' {
			out[i] = r - 'a' + 'A'
		}
		up = r == ' ' || r == '-' || r == '.' || r == '('
	}
	return string(out)
}

func (b *builder) departments() error {
	rows, err := readCSV("departments.csv")
	if err != nil {
		return err
	}
	for i, r := range rows {
		d := model.Department{ID: int64(i + 1), Code: r["code"], NameEn: r["name_en"], NameHi: r["name_hi"]}
		b.depts = append(b.depts, d)
		b.deptByCode[d.Code] = d.ID
	}
	return nil
}

func (b *builder) designations() error {
	rows, err := readCSV("designations.csv")
	if err != nil {
		return err
	}
	for i, r := range rows {
		dept, ok := b.deptByCode[r["department"]]
		if !ok {
			return fmt.Errorf("demo: designation %s: unknown department %s", r["code"], r["department"])
		}
		tier := atoi(r["tier"])
		b.desigs = append(b.desigs, desig{Designation: model.Designation{ID: int64(i + 1), DepartmentID: dept, Code: r["code"],
			NameEn: r["name_en"], NameHi: r["name_hi"], AreaKind: r["area_kind"], Nodal: tier == 1 || tier == 4}, tier: tier})
	}
	return nil
}

func (b *builder) desigByCode(code string) (desig, bool) {
	for _, d := range b.desigs {
		if d.Code == code {
			return d, true
		}
	}
	return desig{}, false
}

func (b *builder) categories() error {
	rows, err := readCSV("categories.csv")
	if err != nil {
		return err
	}
	for i, r := range rows {
		d, ok := b.desigByCode(r["designation"])
		if !ok {
			return fmt.Errorf("demo: category %s: unknown designation %s", r["code"], r["designation"])
		}
		c := model.Category{ID: int64(i + 1), Code: r["code"], DepartmentID: d.DepartmentID, NameEn: r["name_en"], NameHi: r["name_hi"],
			DesignationID: d.ID, Designation: d.Code, SpecialClosureAllowed: r["special_closure"] == "true"}
		for _, col := range []string{"keywords_hi", "keywords_en", "keywords_hinglish"} {
			for _, k := range strings.Split(r[col], "|") {
				if k = strings.TrimSpace(k); k != "" {
					c.Keywords = append(c.Keywords, k)
				}
			}
		}
		sla := strings.Split(r["sla_days"], "/")
		if len(sla) != len(c.SLADays) {
			return fmt.Errorf("demo: category %s: sla_days %q", r["code"], r["sla_days"])
		}
		for l := range c.SLADays {
			c.SLADays[l] = atoi(sla[l])
		}
		b.cats = append(b.cats, c)
	}
	return nil
}

// makePosts creates one post per designation per area of its kind, tier by
// tier from the top, each supervised by the next tier's post of the same
// department at the nearest enclosing area.
func (b *builder) makePosts() error {
	// post index by (designation id, area index)
	type key struct {
		desig int64
		area  int
	}
	postAt := map[key]int64{}
	byDeptTier := map[int64]map[int]desig{}
	for _, d := range b.desigs {
		if byDeptTier[d.DepartmentID] == nil {
			byDeptTier[d.DepartmentID] = map[int]desig{}
		}
		byDeptTier[d.DepartmentID][d.tier] = d
	}
	for tier := 5; tier >= 0; tier-- {
		for _, d := range b.desigs {
			if d.tier != tier {
				continue
			}
			up, hasUp := byDeptTier[d.DepartmentID][tier+1]
			for _, ai := range b.byKind[d.AreaKind] {
				a := b.areas[ai]
				p := model.Post{ID: int64(len(b.posts) + 1), DepartmentID: d.DepartmentID, DesignationID: d.ID, Designation: d.Code,
					AreaID: a.ID, TitleEn: d.NameEn + ", " + a.NameEn, TitleHi: d.NameHi + ", " + a.NameHi, Nodal: d.Nodal}
				if hasUp {
					// The nearest ancestor-or-self area holding the next tier's post.
					for x := ai; x >= 0; x = b.areas[x].parentIdx {
						if sup, ok := postAt[key{up.ID, x}]; ok {
							p.SupervisorPostID = &sup
							break
						}
					}
				}
				b.posts = append(b.posts, p)
				postAt[key{d.ID, ai}] = p.ID
			}
		}
	}
	return nil
}

// makeUsers creates the role users and an officer with a user for most posts.
func (b *builder) makeUsers() error {
	var stateIdx, lucknowIdx int
	for _, i := range b.byKind[model.AreaState] {
		stateIdx = i
	}
	for _, i := range b.byKind[model.AreaDistrict] {
		if b.areas[i].Code == "162" {
			lucknowIdx = i
		}
	}
	add := func(username, name string, roles []model.Role, areaIdx int) {
		u := user{User: model.User{ID: int64(len(b.users) + 1), Username: username, Name: name, Roles: roles, Demo: true}}
		if areaIdx >= 0 {
			id := b.areas[areaIdx].ID
			u.AreaID = &id
		}
		b.users = append(b.users, u)
	}
	add("admin", "Demo Admin", []model.Role{model.RoleAdmin}, -1)
	for i := 1; i <= 3; i++ {
		add(fmt.Sprintf("agent%d", i), fmt.Sprintf("Agent %d", i), []model.Role{model.RoleAgent}, -1)
	}
	add("supervisor1", "Supervisor 1", []model.Role{model.RoleSupervisor}, -1)
	add("monitor.state", "State Monitoring Cell", []model.Role{model.RoleMonitor}, stateIdx)
	add("monitor.lucknow", "Lucknow District Monitor", []model.Role{model.RoleMonitor}, lucknowIdx)

	areaCode := map[int64]string{}
	for _, a := range b.areas {
		areaCode[a.ID] = a.Code
	}
	for _, p := range b.posts {
		// A few field posts stand vacant on purpose: complaints still route
		// there, and the SMS to the vacant post is marked failed for an admin.
		if p.ID%97 == 0 && !p.Nodal {
			continue
		}
		n := len(b.officers)
		o := model.Officer{ID: int64(n + 1), Name: officerFirst[n%len(officerFirst)] + " " + officerLast[(n/len(officerFirst))%len(officerLast)],
			Mobile: fmt.Sprintf("9%09d", 100000000+n)}
		username := p.Designation + "." + areaCode[p.AreaID]
		oid := o.ID
		u := user{User: model.User{ID: int64(len(b.users) + 1), Username: username, Name: o.Name, Roles: []model.Role{model.RoleOfficer},
			OfficerID: &oid, Mobile: o.Mobile, Demo: true}}
		o.UserID, o.Username = u.ID, username
		b.users = append(b.users, u)
		b.officers = append(b.officers, o)
		b.postings = append(b.postings, [2]int64{o.ID, p.ID})
	}
	return nil
}

// save writes everything in a few multi-row inserts.
func (b *builder) save(ctx context.Context, tx *store.Tx) error {
	now := b.now.UnixMilli()
	var areas, closure [][]any
	for _, a := range b.areas {
		areas = append(areas, []any{a.ID, a.Kind, a.Code, a.NameEn, a.NameHi, parentArg(a.ParentID), store.AreaSearchText(a.Area), a.generated, true})
		depth := 0
		for i := int(a.ID - 1); i >= 0; i = b.areas[i].parentIdx {
			closure = append(closure, []any{a.ID, b.areas[i].ID, depth})
			depth++
		}
	}
	inserts := []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"areas", []string{"id", "kind", "code", "name_en", "name_hi", "parent_id", "search", "generated", "demo"}, areas},
		{"area_ancestors", []string{"area_id", "ancestor_id", "depth"}, closure},
	}
	var rows [][]any
	for _, d := range b.depts {
		rows = append(rows, []any{d.ID, d.Code, d.NameEn, d.NameHi})
	}
	inserts = append(inserts, struct {
		table string
		cols  []string
		rows  [][]any
	}{"departments", []string{"id", "code", "name_en", "name_hi"}, rows})
	rows = nil
	for _, d := range b.desigs {
		rows = append(rows, []any{d.ID, d.DepartmentID, d.Code, d.NameEn, d.NameHi, d.AreaKind, d.tier, d.Nodal})
	}
	inserts = append(inserts, struct {
		table string
		cols  []string
		rows  [][]any
	}{"designations", []string{"id", "department_id", "code", "name_en", "name_hi", "area_kind", "tier", "nodal"}, rows})
	rows = nil
	for _, c := range b.cats {
		s := c.SLADays
		rows = append(rows, []any{c.ID, c.Code, c.DepartmentID, c.DesignationID, c.NameEn, c.NameHi, strings.Join(c.Keywords, "|"),
			s[0], s[1], s[2], s[3], s[4], c.SpecialClosureAllowed})
	}
	inserts = append(inserts, struct {
		table string
		cols  []string
		rows  [][]any
	}{"categories", []string{"id", "code", "department_id", "designation_id", "name_en", "name_hi", "keywords", "sla0", "sla1", "sla2", "sla3", "sla4", "special_closure"}, rows})
	rows = nil
	// Posts are built top tier first, so a supervisor always precedes its posts.
	for _, p := range b.posts {
		rows = append(rows, []any{p.ID, p.DepartmentID, p.DesignationID, p.AreaID, p.TitleEn, p.TitleHi, parentArg(p.SupervisorPostID), p.Nodal})
	}
	inserts = append(inserts, struct {
		table string
		cols  []string
		rows  [][]any
	}{"posts", []string{"id", "department_id", "designation_id", "area_id", "title_en", "title_hi", "supervisor_post_id", "nodal"}, rows})
	rows = nil
	for _, u := range b.users {
		rows = append(rows, []any{u.ID, u.Username, u.Name, b.hash, store.JoinRoles(u.Roles), parentArg(u.OfficerID), parentArg(u.AreaID), u.Mobile, "hi", true, now})
	}
	inserts = append(inserts, struct {
		table string
		cols  []string
		rows  [][]any
	}{"users", []string{"id", "username", "name", "password_hash", "roles", "officer_id", "area_id", "mobile", "language", "demo", "created_at"}, rows})
	rows = nil
	for _, o := range b.officers {
		rows = append(rows, []any{o.ID, o.Name, o.Mobile, o.UserID})
	}
	inserts = append(inserts, struct {
		table string
		cols  []string
		rows  [][]any
	}{"officers", []string{"id", "name", "mobile", "user_id"}, rows})
	rows = nil
	for i, x := range b.postings {
		rows = append(rows, []any{int64(i + 1), x[0], x[1], now})
	}
	inserts = append(inserts, struct {
		table string
		cols  []string
		rows  [][]any
	}{"postings", []string{"id", "officer_id", "post_id", "from_at"}, rows})
	for _, in := range inserts {
		if err := tx.InsertRows(ctx, in.table, in.cols, in.rows); err != nil {
			return err
		}
	}
	if err := tx.ResetIdentity(ctx, "areas", "departments", "designations", "categories", "posts", "users", "officers", "postings"); err != nil {
		return err
	}
	return tx.InsertRows(ctx, "counters", []string{"name", "value"}, [][]any{{marker, now}})
}

func parentArg(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}
