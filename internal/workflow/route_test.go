package workflow

import "testing"

func TestRoute(t *testing.T) {
	// village 1 → block 2 → tehsil 3 → district 4 → division 5 → state 6
	anc := []int64{1, 2, 3, 4, 5, 6}
	tests := []struct {
		name string
		c    RouteCandidates
		want RouteDecision
	}{
		{"designation at the area itself", RouteCandidates{Ancestors: anc, ByArea: map[int64]int64{1: 11, 3: 33}},
			RouteDecision{11, RouteDesignation}},
		{"nearest enclosing designation post wins", RouteCandidates{Ancestors: anc, ByArea: map[int64]int64{3: 33, 4: 44}},
			RouteDecision{33, RouteDesignation}},
		{"designation anywhere beats a nearer nodal", RouteCandidates{Ancestors: anc,
			ByArea: map[int64]int64{5: 55}, NodalByArea: map[int64]int64{4: 404}},
			RouteDecision{55, RouteDesignation}},
		{"district nodal", RouteCandidates{Ancestors: anc, NodalByArea: map[int64]int64{4: 404, 6: 606}},
			RouteDecision{404, RouteDistrictNodal}},
		{"state nodal at the root", RouteCandidates{Ancestors: anc, NodalByArea: map[int64]int64{6: 606}},
			RouteDecision{606, RouteStateNodal}},
		{"zero post ids are no posts", RouteCandidates{Ancestors: anc, ByArea: map[int64]int64{1: 0},
			NodalByArea: map[int64]int64{4: 0, 6: 606}}, RouteDecision{606, RouteStateNodal}},
		{"posts outside the ancestry ignored", RouteCandidates{Ancestors: anc, ByArea: map[int64]int64{99: 9}},
			RouteDecision{}},
		{"nothing", RouteCandidates{Ancestors: anc}, RouteDecision{}},
		{"no ancestors", RouteCandidates{ByArea: map[int64]int64{1: 11}}, RouteDecision{}},
		{"complaint filed at the state itself", RouteCandidates{Ancestors: []int64{6}, NodalByArea: map[int64]int64{6: 606}},
			RouteDecision{606, RouteStateNodal}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Route(tt.c); got != tt.want {
				t.Fatalf("Route = %+v, want %+v", got, tt.want)
			}
		})
	}
}
