package e2e

import "testing"

// TestTimesReadTheSameWhenReadBack: the times a registration answers with
// are those a later read gives, to the character, though the first come
// from memory and the others from the database.
func TestTimesReadTheSameWhenReadBack(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		f := s.fixture()
		s.advance("1h0.123456789s") // below the millisecond, as a real clock is
		c := s.as("agent1").register(f, newMobile(), f.category, f.village)
		got := s.complaint(str(c["ref"]))
		for _, k := range []string{"registered_at", "due_at"} {
			requireEqual(t, k, str(got[k]), str(c[k]))
		}
		requireEqual(t, "event time", str(events(got, "registered")[0]["at"]), str(c["registered_at"]))
	})
}
