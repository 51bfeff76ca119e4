package service_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
	"github.com/nivaran/nivaran/internal/workflow"
)

// TestMonthlyCapHoldsUnderConcurrency files 30 complaints from one mobile at
// once, with other mobiles' registrations in between so that group-commit
// batches run in parallel: exactly the monthly limit of them are registered,
// the rest refused as over the limit, and the database holds that many.
func TestMonthlyCapHoldsUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		ctx := context.Background()
		const mobile = "9812345670"
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, refused := 0, 0
		var other []error
		for i := 0; i < 30; i++ {
			wg.Add(2)
			go func() {
				defer wg.Done()
				_, err := w.svc.Register(ctx, w.agent, service.RegisterInput{Channel: "phone", Name: "सुनीता", Mobile: mobile,
					CategoryID: w.category, AreaID: w.village, Description: "गाँव की सड़क टूटी है"})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, workflow.ErrMonthlyLimit):
					refused++
				default:
					other = append(other, err)
				}
			}()
			go func() {
				defer wg.Done()
				w.register(t, "97000000"+string(rune('0'+i/10))+string(rune('0'+i%10)))
			}()
		}
		wg.Wait()
		limit := workflow.DefaultPolicy().MonthlyLimit
		if len(other) > 0 || ok != limit || refused != 30-limit {
			t.Fatalf("registered %d, refused %d, other errors %v; want %d and %d", ok, refused, other, limit, 30-limit)
		}
		var n int
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints WHERE mobile = $1`, mobile).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != limit {
			t.Fatalf("%d complaints stored for the mobile; want %d", n, limit)
		}
	})
}
