package service

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
)

// masterTTL bounds how long a node trusts its in-memory copy of the area tree
// and the posts' routing keys. A change made through this node is seen at
// once (the cache is dropped); a change made through another node within
// masterTTL.
const masterTTL = 30 * time.Second

// master is the in-memory routing table: registration routes thousands of
// complaints a second against ~5,000 areas and ~20,000 posts that change a few
// times a day.
type master struct {
	loaded      time.Time
	areas       map[int64]model.Area
	departments map[int64]model.Department
	byDesigArea map[[2]int64]int64 // (designation, area) → post
	nodal       map[[2]int64]int64 // (department, area) → nodal post
	posts       map[int64]store.RoutingPost
}

type masterHolder struct {
	mu sync.Mutex
	m  *master
}

func (s *Service) master(ctx context.Context) (*master, error) {
	s.mc.mu.Lock()
	defer s.mc.mu.Unlock()
	now := s.cfg.SessionClock.Now()
	if s.mc.m != nil && now.Sub(s.mc.m.loaded) < masterTTL {
		return s.mc.m, nil
	}
	m := &master{loaded: now, areas: map[int64]model.Area{}, departments: map[int64]model.Department{},
		byDesigArea: map[[2]int64]int64{}, nodal: map[[2]int64]int64{}, posts: map[int64]store.RoutingPost{}}
	areas, err := s.st.AllAreas(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range areas {
		m.areas[a.ID] = a
	}
	depts, err := s.st.Departments(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range depts {
		m.departments[d.ID] = d
	}
	posts, err := s.st.RoutingPosts(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range posts {
		m.posts[p.ID] = p
		k := [2]int64{p.DesignationID, p.AreaID}
		if _, ok := m.byDesigArea[k]; !ok {
			m.byDesigArea[k] = p.ID
		}
		if p.Nodal {
			k := [2]int64{p.DepartmentID, p.AreaID}
			if _, ok := m.nodal[k]; !ok {
				m.nodal[k] = p.ID
			}
		}
	}
	s.mc.m = m
	return m, nil
}

// invalidateMaster drops the routing table after a change to areas,
// departments or posts.
func (s *Service) invalidateMaster() {
	s.mc.mu.Lock()
	s.mc.m = nil
	s.mc.mu.Unlock()
}

// ancestors returns area id and its ancestors, nearest first.
func (m *master) ancestors(id int64) ([]model.Area, error) {
	var out []model.Area
	for next := &id; next != nil; {
		a, ok := m.areas[*next]
		if !ok {
			return nil, fmt.Errorf("service: area %d: %w", *next, store.ErrNotFound)
		}
		out = append(out, a)
		next = a.ParentID
		if len(out) > 32 {
			return nil, fmt.Errorf("service: area %d: tree too deep", id)
		}
	}
	return out, nil
}
