package report

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSample(t *testing.T) {
	var cands []Candidate
	for i := int64(1); i <= 12; i++ {
		cands = append(cands, Candidate{ComplaintID: i, DistrictID: 1 + i%3}) // districts 1, 2, 3 with 4 each
	}
	cands = append(cands, Candidate{ComplaintID: 100, DistrictID: 9})
	got := Sample(cands, 3, rand.New(rand.NewPCG(1, 2)))
	per := map[int64]int{}
	seen := map[int64]bool{}
	for _, c := range got {
		per[c.DistrictID]++
		if seen[c.ComplaintID] {
			t.Fatalf("complaint %d drawn twice", c.ComplaintID)
		}
		seen[c.ComplaintID] = true
	}
	if per[1] != 3 || per[2] != 3 || per[3] != 3 || per[9] != 1 || len(got) != 10 {
		t.Fatalf("per district %v", per)
	}
	// Reproducible, whatever order the candidates come in.
	shuffled := slices.Clone(cands)
	slices.Reverse(shuffled)
	again := Sample(shuffled, 3, rand.New(rand.NewPCG(1, 2)))
	if !slices.Equal(got, again) {
		t.Fatalf("same seed, different draw: %v vs %v", got, again)
	}
	if other := Sample(cands, 3, rand.New(rand.NewPCG(7, 7))); slices.Equal(got, other) {
		t.Logf("two seeds drew the same sample (possible, unlikely)")
	}
	if all := Sample(cands, 10, rand.New(rand.NewPCG(1, 2))); len(all) != len(cands) {
		t.Fatalf("n above the candidates: %d of %d", len(all), len(cands))
	}
	if none := Sample(nil, 5, rand.New(rand.NewPCG(1, 2))); len(none) != 0 {
		t.Fatalf("drew from nothing: %v", none)
	}
}

// TestSampleIsUniform draws many times and checks every candidate comes up
// about equally often.
func TestSampleIsUniform(t *testing.T) {
	var cands []Candidate
	for i := int64(1); i <= 10; i++ {
		cands = append(cands, Candidate{ComplaintID: i, DistrictID: 1})
	}
	rng := rand.New(rand.NewPCG(3, 4))
	hits := map[int64]int{}
	const draws = 20000
	for range draws {
		for _, c := range Sample(cands, 5, rng) {
			hits[c.ComplaintID]++
		}
	}
	for id, n := range hits {
		if share := float64(n) / draws; share < 0.47 || share > 0.53 {
			t.Errorf("complaint %d drawn in %.3f of draws, want 0.5", id, share)
		}
	}
}
