package refno

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestCheckDigitVectors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want uint8
	}{
		{"wikipedia 236", "236", 3},
		{"12345", "12345", 1},
		{"zero", "0", 4},
		{"142857", "142857", 0},
		{"8473643095483728456789", "8473643095483728456789", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkDigit(tt.in); got != tt.want {
				t.Fatalf("checkDigit(%q) = %d, want %d", tt.in, got, tt.want)
			}
			full := tt.in + strconv.Itoa(int(tt.want))
			if !valid(full) {
				t.Fatalf("valid(%q) = false", full)
			}
			wrong := tt.in + strconv.Itoa(int(tt.want+1)%10)
			if valid(wrong) {
				t.Fatalf("valid(%q) = true", wrong)
			}
		})
	}
}

func TestMake(t *testing.T) {
	tests := []struct {
		name    string
		year    int
		seq     int64
		want    string
		wantErr error
	}{
		{"first of 2026", 2026, 1, "26000000001" + strconv.Itoa(int(checkDigit("26000000001"))), nil},
		{"year zero padded", 2005, 12345, "05000012345" + strconv.Itoa(int(checkDigit("05000012345"))), nil},
		{"nine digit seq", 2026, 999_999_999, "26999999999" + strconv.Itoa(int(checkDigit("26999999999"))), nil},
		{"ten digit seq grows", 2026, 1_000_000_000, "261000000000" + strconv.Itoa(int(checkDigit("261000000000"))), nil},
		{"thirteen digit seq fits 16", 2026, 9_999_999_999_999, "269999999999999" + strconv.Itoa(int(checkDigit("269999999999999"))), nil},
		{"fourteen digit seq refused", 2026, 10_000_000_000_000, "", ErrRange},
		{"negative seq", 2026, -1, "", ErrRange},
		{"negative year", -1, 1, "", ErrRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Make(tt.year, tt.seq)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Make err = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("Make = %q, want %q", got, tt.want)
			}
			if tt.wantErr == nil {
				if err := Check(got); err != nil {
					t.Fatalf("Check(Make) = %v", err)
				}
			}
		})
	}
}

func TestMakeLength(t *testing.T) {
	ref, err := Make(2026, 42)
	if err != nil {
		t.Fatal(err)
	}
	if len(ref) != Len || Len != 12 {
		t.Fatalf("len(%q) = %d, want 12", ref, len(ref))
	}
	if !strings.HasPrefix(ref, "26000000042") {
		t.Fatalf("ref %q lacks year+seq prefix", ref)
	}
}

func TestCheck(t *testing.T) {
	good, _ := Make(2026, 12345)
	bad := good[:len(good)-1] + strconv.Itoa((int(good[len(good)-1]-'0')+1)%10)
	devanagari := strings.NewReplacer("0", "०", "1", "१", "2", "२", "3", "३", "4", "४",
		"5", "५", "6", "६", "7", "७", "8", "८", "9", "९").Replace(good)
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"valid", good, nil},
		{"grouped with spaces", Group(good), nil},
		{"hyphens", good[:4] + "-" + good[4:8] + "-" + good[8:], nil},
		{"devanagari digits", devanagari, nil},
		{"bad check digit", bad, ErrCheckDigit},
		{"letters", "26000A012345", ErrFormat},
		{"too short", "2363", ErrFormat},
		{"seven digits", "1234567", ErrFormat},
		{"seventeen digits", "12345678901234567", ErrFormat},
		{"empty", "", ErrFormat},
		{"only separators", " - - ", ErrFormat},
		{"dot separator", good[:4] + "." + good[4:], ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Check(tt.in); !errors.Is(err, tt.want) {
				t.Fatalf("Check(%q) = %v, want %v", tt.in, err, tt.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2600 0001 2345", "260000012345"},
		{"2600-0001-2345", "260000012345"},
		{" 2600\t0001\u00a02345 ", "260000012345"},
		{"२६००००१२३४५", "2600001234" + "5"},
		{"abc", "abc"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGroup(t *testing.T) {
	tests := []struct{ in, want string }{
		{"260000012345", "2600 0001 2345"},
		{"2600-0001-2345", "2600 0001 2345"},
		{"26000001234567", "2600 0001 2345 67"},
		{"1234", "1234"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Group(tt.in); got != tt.want {
			t.Errorf("Group(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDetectsSingleErrors checks Verhoeff's promise over many references:
// every single-digit substitution and every adjacent transposition of a valid
// reference fails Check.
func TestDetectsSingleErrors(t *testing.T) {
	seqs := []int64{0, 1, 9, 10, 99, 1000, 999_999_999, 1_000_000_000, 9_999_999_999_999}
	for s := int64(1); s < 3000; s++ {
		seqs = append(seqs, s*7919%1_000_000_000)
	}
	refs := 0
	for _, year := range []int{2000, 2026, 2099} {
		for _, seq := range seqs {
			ref, err := Make(year, seq)
			if err != nil {
				t.Fatal(err)
			}
			refs++
			b := []byte(ref)
			for i := range b {
				orig := b[i]
				for d := byte('0'); d <= '9'; d++ {
					if d == orig {
						continue
					}
					b[i] = d
					if err := Check(string(b)); !errors.Is(err, ErrCheckDigit) {
						t.Fatalf("substitution %q of %q: Check = %v", b, ref, err)
					}
				}
				b[i] = orig
			}
			for i := 0; i+1 < len(b); i++ {
				if b[i] == b[i+1] {
					continue
				}
				b[i], b[i+1] = b[i+1], b[i]
				if err := Check(string(b)); !errors.Is(err, ErrCheckDigit) {
					t.Fatalf("transposition %q of %q: Check = %v", b, ref, err)
				}
				b[i], b[i+1] = b[i+1], b[i]
			}
		}
	}
	if refs < 9000 {
		t.Fatalf("only %d references exercised", refs)
	}
}

func FuzzCheck(f *testing.F) {
	f.Add("260000012345", 2026, int64(12345))
	f.Add("2600 0001 2345", 2099, int64(0))
	f.Add("२६००-००००-१", 0, int64(9_999_999_999_999))
	f.Add("", -5, int64(-1))
	f.Add("\xff\xfe", 1<<40, int64(1)<<62)
	f.Fuzz(func(t *testing.T, ref string, year int, seq int64) {
		if err := Check(ref); err == nil {
			n := Normalize(ref)
			if len(n) < MinLen || len(n) > MaxLen {
				t.Fatalf("Check accepted %q of length %d", n, len(n))
			}
			if Check(Group(ref)) != nil || Normalize(Group(ref)) != n {
				t.Fatalf("Group(%q) = %q does not round-trip", ref, Group(ref))
			}
		} else if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrCheckDigit) {
			t.Fatalf("Check(%q) = %v", ref, err)
		}
		made, err := Make(year, seq)
		if err != nil {
			if !errors.Is(err, ErrRange) {
				t.Fatalf("Make(%d, %d) = %v", year, seq, err)
			}
			return
		}
		if err := Check(made); err != nil {
			t.Fatalf("Check(Make(%d, %d) = %q) = %v", year, seq, made, err)
		}
		if len(made) < Len || len(made) > MaxLen {
			t.Fatalf("Make(%d, %d) = %q: length %d", year, seq, made, len(made))
		}
		if want := strconv.FormatInt(seq, 10); !strings.HasSuffix(strings.TrimLeft(made[2:len(made)-1], "0"), strings.TrimLeft(want, "0")) {
			t.Fatalf("Make(%d, %d) = %q lost the sequence", year, seq, made)
		}
	})
}

// TestTables pins the tables to their definitions, since a mistyped entry
// still yields a plausible-looking scheme: p's rows are the powers of the
// permutation in row 1, inv inverts d, and d is closed with identity 0.
func TestTables(t *testing.T) {
	for i := 1; i < 8; i++ {
		for x := 0; x < 10; x++ {
			if want := verhoeffP[1][verhoeffP[i-1][x]]; verhoeffP[i][x] != want {
				t.Errorf("p[%d][%d] = %d, want p[1][p[%d][%d]] = %d", i, x, verhoeffP[i][x], i-1, x, want)
			}
		}
	}
	for x := 0; x < 10; x++ {
		if verhoeffP[1][verhoeffP[7][x]] != uint8(x) {
			t.Errorf("p[1]^8 is not the identity at %d", x)
		}
		if verhoeffD[x][verhoeffInv[x]] != 0 {
			t.Errorf("d[%d][inv[%d]] = %d, want 0", x, x, verhoeffD[x][verhoeffInv[x]])
		}
		if verhoeffD[0][x] != uint8(x) || verhoeffD[x][0] != uint8(x) {
			t.Errorf("0 is not the identity of d at %d", x)
		}
	}
}
