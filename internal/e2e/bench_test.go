package e2e

import (
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// TestBenchIntake runs the intake benchmark briefly against a server and reads
// what it prints: both raw rates, registrations without errors, the rows one
// registration inserts (the complaint; registered, routed and two sms_queued
// events; two outbox messages; the agent's action), the rate of the same
// requests refused for want of a token, the caps these imply, and the ratio.
func TestBenchIntake(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		out, err := exec.Command(nivaranBinary(t), "bench", "intake", "--url", s.url, "--db", s.dsn,
			"--duration", "2s", "--concurrency", "4", "--password", demoPassword).CombinedOutput()
		if err != nil {
			t.Fatalf("bench intake: %v\n%s", err, out)
		}
		find := func(pattern string) []float64 {
			t.Helper()
			m := regexp.MustCompile(pattern).FindStringSubmatch(string(out))
			if m == nil {
				t.Fatalf("no %q in:\n%s", pattern, out)
			}
			var vs []float64
			for _, x := range m[1:] {
				v, err := strconv.ParseFloat(x, 64)
				if err != nil {
					t.Fatal(err)
				}
				vs = append(vs, v)
			}
			return vs
		}
		raw := find(`raw single-row transactions .*: (\d+) tx/s`)
		batched := find(`raw batched inserts .*: (\d+) rows/s`)
		reg := find(`registered (\d+) complaints .*: (\d+) complaints/s, .*errors (\d+)`)
		rows := find(`rows inserted a registration: ([\d.]+) \(complaint ([\d.]+), events ([\d.]+), outbox ([\d.]+), action log ([\d.]+)\)`)
		floor := find(`without the token, answered 401 .*: (\d+) requests/s, errors (\d+)`)
		rowsCap := find(`those rows alone, inserted batched, allow at most (\d+) registrations/s`)
		bothCap := find(`the HTTP exchange and those rows together allow at most (\d+) registrations/s`)
		ratio := find(`ratio intake/raw: ([\d.]+)`)
		// Costs that share the cores add: the cap of both together lies
		// below each cap alone.
		if floor[0] <= 0 || floor[1] != 0 || bothCap[0] >= rowsCap[0] || bothCap[0] >= floor[0] {
			t.Fatalf("HTTP floor %v, rows cap %v, both %v:\n%s", floor, rowsCap, bothCap, out)
		}
		if raw[0] <= 0 || batched[0] <= 0 || reg[0] <= 0 || reg[2] != 0 || ratio[0] <= 0 {
			t.Fatalf("raw %v, batched %v, registered %v, ratio %v:\n%s", raw, batched, reg, ratio, out)
		}
		if want := []float64{8, 1, 4, 2, 1}; !slices.Equal(rows, want) {
			t.Fatalf("rows a registration %v; want %v:\n%s", rows, want, out)
		}
	})
}
