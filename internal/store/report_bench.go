package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/report"
)

// PostSupervisors maps every post to its supervisor post (bulk loads build
// escalation ladders from it).
func (c *conn) PostSupervisors(ctx context.Context) (map[int64]int64, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT id, COALESCE(supervisor_post_id, 0) FROM posts`)
	if err != nil {
		return nil, fmt.Errorf("store: post supervisors: %w", err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, sup int64
		if err := rows.Scan(&id, &sup); err != nil {
			return nil, err
		}
		out[id] = sup
	}
	return out, rows.Err()
}

// ExplainOverdue returns the database's plan for the overdue count of a
// state-wide district × department pendency report, to show which index it
// reads.
func (c *conn) ExplainOverdue(ctx context.Context, now time.Time) ([]string, error) {
	cols, _ := groupColumns(report.ByDistrictDepartment, false)
	q := `SELECT ` + strings.Join(cols, ", ") + `, c.level, 'overdue', COUNT(*) FROM ` + overdueFrom(c.dialect) + ` WHERE ` + pendingSQL +
		` AND c.due_at < $1 GROUP BY 1, 2, 3`
	return c.explain(ctx, q, ms(now))
}

// ExplainRollup returns the plan for reading the district × department roll-up.
func (c *conn) ExplainRollup(ctx context.Context) ([]string, error) {
	return c.explain(ctx, `SELECT district_id, department_id, `+strings.Join(report.WideColumns, ", ")+` FROM pendency_rollup`)
}

func (c *conn) explain(ctx context.Context, q string, args ...any) ([]string, error) {
	prefix := "EXPLAIN "
	if c.dialect == SQLite {
		prefix = "EXPLAIN QUERY PLAN "
	}
	rows, err := c.q.QueryContext(ctx, prefix+q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: explain: %w", err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprint(vals[len(vals)-1]))
	}
	return out, rows.Err()
}

// Analyze refreshes the planner's statistics after a bulk load (and, on
// PostgreSQL, the visibility map that index-only scans rely on).
func (s *Store) Analyze(ctx context.Context) error {
	q := "ANALYZE"
	if s.dialect == Postgres {
		q = "VACUUM ANALYZE"
	}
	if _, err := s.writer.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("store: %s: %w", strings.ToLower(q), err)
	}
	return nil
}
