package refno

// The Verhoeff tables: d is the multiplication table of the dihedral group
// D5, p the position-dependent permutation, inv the group inverse.
var (
	verhoeffD = [10][10]uint8{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
		{2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
		{4, 0, 1, 2, 3, 9, 5, 6, 7, 8},
		{5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
		{7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
		{8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verhoeffP = [8][10]uint8{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
		{5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
		{9, 4, 5, 3, 1, 2, 6, 8, 7, 0},
		{4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5},
		{7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
	verhoeffInv = [10]uint8{0, 4, 3, 2, 1, 5, 6, 7, 8, 9}
)

// checkDigit returns the Verhoeff check digit of the ASCII digits s.
func checkDigit(s string) uint8 {
	var c uint8
	for i := 0; i < len(s); i++ {
		digit := s[len(s)-1-i] - '0'
		c = verhoeffD[c][verhoeffP[(i+1)%8][digit]]
	}
	return verhoeffInv[c]
}

// valid reports whether the ASCII digits s end in their Verhoeff check digit.
func valid(s string) bool {
	var c uint8
	for i := 0; i < len(s); i++ {
		digit := s[len(s)-1-i] - '0'
		c = verhoeffD[c][verhoeffP[i%8][digit]]
	}
	return c == 0
}
