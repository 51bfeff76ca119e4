package report

import (
	"cmp"
	"math/rand/v2"
	"slices"
)

// DefaultSamplePerDistrict is how many of each district's closures of a day
// enter the verification queue when nothing else is configured.
const DefaultSamplePerDistrict = 5

// Candidate is a complaint closed on the sampled day.
type Candidate struct {
	ComplaintID int64
	DistrictID  int64
}

// Sample draws, without replacement, up to n candidates of each district at
// random. The draw depends only on the candidates (not their order) and on
// rng, so a seeded rng gives a reproducible sample; the answer is ordered by
// district and complaint.
func Sample(cands []Candidate, n int, rng *rand.Rand) []Candidate {
	c := slices.Clone(cands)
	slices.SortFunc(c, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(a.DistrictID, b.DistrictID), cmp.Compare(a.ComplaintID, b.ComplaintID))
	})
	c = slices.CompactFunc(c, func(a, b Candidate) bool { return a == b })
	var out []Candidate
	for start := 0; start < len(c); {
		end := start
		for end < len(c) && c[end].DistrictID == c[start].DistrictID {
			end++
		}
		group := c[start:end]
		// A partial Fisher–Yates shuffle: the first k places hold the draw.
		k := min(n, len(group))
		for i := 0; i < k; i++ {
			j := i + rng.IntN(len(group)-i)
			group[i], group[j] = group[j], group[i]
		}
		picked := slices.Clone(group[:k])
		slices.SortFunc(picked, func(a, b Candidate) int { return cmp.Compare(a.ComplaintID, b.ComplaintID) })
		out = append(out, picked...)
		start = end
	}
	return out
}
