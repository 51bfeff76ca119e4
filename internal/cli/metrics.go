package cli

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/nivaran/nivaran/internal/store"
)

// registerStoreMetrics exposes the store's write path on /metrics: how the
// group commit batches writes (items per batch is items / batches; a retry is
// a batch run again with a savepoint per item because one item failed), and,
// on SQLite, how far the background checkpointer has copied the WAL.
func registerStoreMetrics(reg *prometheus.Registry, st *store.Store) {
	group := func(name, help string, v func(store.GroupStats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(v(st.GroupStats())) })
	}
	reg.MustRegister(
		group("nivaran_store_group_batches_total", "Group-committed write batches.",
			func(g store.GroupStats) int64 { return g.Batches }),
		group("nivaran_store_group_items_total", "Writes run in group-committed batches.",
			func(g store.GroupStats) int64 { return g.Items }),
		group("nivaran_store_group_retries_total", "Batches run again with a savepoint per write because one failed.",
			func(g store.GroupStats) int64 { return g.Retries }),
	)
	if st.Dialect() == store.SQLite {
		wal := func(name, help string, pick func(frames, copied int64) int64) prometheus.Collector {
			return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
				func() float64 { return float64(pick(st.WALState())) })
		}
		reg.MustRegister(
			wal("nivaran_sqlite_wal_frames", "Frames in the SQLite WAL at the last background checkpoint.",
				func(frames, _ int64) int64 { return frames }),
			wal("nivaran_sqlite_wal_uncopied_frames", "Frames of the WAL not yet copied into the database at the last background checkpoint.",
				func(frames, copied int64) int64 { return frames - copied }),
		)
	}
}
