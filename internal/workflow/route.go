package workflow

// How a complaint was routed (RouteDecision.How and the "how" of a routed event).
const (
	RouteDesignation   = "designation"
	RouteDistrictNodal = "district_nodal"
	RouteStateNodal    = "state_nodal"
	RouteUnroutable    = "unroutable"
)

// RouteCandidates is what the store knows about the posts that could take a
// complaint. Ancestors are the complaint area's ids, the area itself first, up
// to the state.
type RouteCandidates struct {
	Ancestors []int64
	// ByArea maps an area id to the post of the category's designation whose
	// jurisdiction is that area.
	ByArea map[int64]int64
	// NodalByArea maps an area id to the department's nodal post at that area
	// (districts and the state).
	NodalByArea map[int64]int64
}

// RouteDecision is the L0 post chosen for a complaint. How is "designation",
// "district_nodal" or "state_nodal"; PostID 0 and How "" mean unroutable.
type RouteDecision struct {
	PostID int64
	How    string
}

// Route picks the L0 post (DESIGN §3.2): the nearest post of the category's
// designation whose jurisdiction contains the area; failing that the nearest
// nodal post, which is the state's when the only hit is the root.
func Route(c RouteCandidates) RouteDecision {
	for _, a := range c.Ancestors {
		if p := c.ByArea[a]; p != 0 {
			return RouteDecision{PostID: p, How: RouteDesignation}
		}
	}
	for i, a := range c.Ancestors {
		if p := c.NodalByArea[a]; p != 0 {
			how := RouteDistrictNodal
			if i == len(c.Ancestors)-1 {
				how = RouteStateNodal
			}
			return RouteDecision{PostID: p, How: how}
		}
	}
	return RouteDecision{}
}
