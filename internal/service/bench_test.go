package service_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// BenchmarkRegister measures registration through the service (no HTTP) on
// each dialect, from parallel callers.
func BenchmarkRegister(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			w := newWorld(b, storetest.New(b, d))
			var n atomic.Int64
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					w.register(b, fmt.Sprintf("8%09d", n.Add(1)))
				}
			})
		})
	}
}

var _ = store.SQLite
