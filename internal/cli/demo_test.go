package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/demo"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestDemoPasswordPrintedIsOneThatWorks: on a database the demo was loaded
// into before, serve prints the password given only if the demo users sign
// in with it; otherwise it says that the first one still holds.
func TestDemoPasswordPrintedIsOneThatWorks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 2, 4, 30, 0, 0, time.UTC)
		first, err := demo.Load(ctx, st, "first-pass-1", now)
		if err != nil || !first.Loaded {
			t.Fatalf("first load: %v (loaded %v)", err, first.Loaded)
		}
		again, err := demo.Load(ctx, st, "other-pass-2", now)
		if err != nil || again.Loaded {
			t.Fatalf("second load: %v (loaded %v); want nothing loaded", err, again.Loaded)
		}
		if !demoPasswordHolds(ctx, st, again, "first-pass-1") || demoPasswordHolds(ctx, st, again, "other-pass-2") {
			t.Fatal("the password check does not tell the loaded password from another")
		}
		var out bytes.Buffer
		printDemo(&out, "http://x", again, "other-pass-2", false)
		if s := out.String(); strings.Contains(s, `"password":"other-pass-2"`) || !strings.Contains(s, "does not change it") {
			t.Fatalf("printed:\n%s", s)
		}
	})
}
