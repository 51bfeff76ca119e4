package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/report"
)

// Rubrics loads every rubric version with its parameters, oldest first.
func (c *conn) Rubrics(ctx context.Context) ([]report.Rubric, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT version, code, name_en, name_hi, effective_month, order_ref FROM rubric_versions ORDER BY effective_month`)
	if err != nil {
		return nil, fmt.Errorf("store: rubrics: %w", err)
	}
	var out []report.Rubric
	for rows.Next() {
		var r report.Rubric
		var eff int
		if err := rows.Scan(&r.Version, &r.Code, &r.NameEn, &r.NameHi, &eff, &r.OrderRef); err != nil {
			rows.Close()
			return nil, err
		}
		r.EffectiveFrom = report.MonthFromKey(eff)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byVersion := map[int]int{}
	for i, r := range out {
		byVersion[r.Version] = i
	}
	prows, err := c.q.QueryContext(ctx, `SELECT version, code, name_en, name_hi, description_en, description_hi, numerator, denominator,
		direction, max_marks, full_at, zero_at FROM rubric_parameters ORDER BY version, position`)
	if err != nil {
		return nil, fmt.Errorf("store: rubric parameters: %w", err)
	}
	defer prows.Close()
	for prows.Next() {
		var v int
		var p report.Parameter
		var num, den, dir string
		if err := prows.Scan(&v, &p.Code, &p.NameEn, &p.NameHi, &p.DescriptionEn, &p.DescriptionHi, &num, &den, &dir,
			&p.MaxMarks, &p.FullAt, &p.ZeroAt); err != nil {
			return nil, err
		}
		p.Numerator, p.Denominator, p.Direction = report.ParseMeasures(num), report.ParseMeasures(den), report.Direction(dir)
		if i, ok := byVersion[v]; ok {
			out[i].Parameters = append(out[i].Parameters, p)
		}
	}
	return out, prows.Err()
}

// SaveRubric stores a new rubric version (a new government order).
func (tx *Tx) SaveRubric(ctx context.Context, r report.Rubric, now time.Time) error {
	if err := r.Validate(); err != nil {
		return err
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO rubric_versions (version, code, name_en, name_hi, effective_month, order_ref, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.Version, r.Code, r.NameEn, r.NameHi, r.EffectiveFrom.Key(), r.OrderRef, ms(now))
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store: rubric %d: %w", r.Version, ErrConflict)
		}
		return fmt.Errorf("store: rubric %d: %w", r.Version, err)
	}
	rows := make([][]any, len(r.Parameters))
	for i, p := range r.Parameters {
		rows[i] = []any{r.Version, i + 1, p.Code, p.NameEn, p.NameHi, p.DescriptionEn, p.DescriptionHi,
			report.MeasureList(p.Numerator), report.MeasureList(p.Denominator), string(p.Direction), p.MaxMarks, p.FullAt, p.ZeroAt}
	}
	return tx.InsertRows(ctx, "rubric_parameters", []string{"version", "position", "code", "name_en", "name_hi", "description_en",
		"description_hi", "numerator", "denominator", "direction", "max_marks", "full_at", "zero_at"}, rows)
}

// RankingRun is a frozen ranking: what was ranked, for which month, by which
// rubric version, when.
type RankingRun struct {
	Month         int
	Unit          string
	RubricVersion int
	ComputedAt    time.Time
	Rows          []report.RankingRow
}

// encodeParams stores a row's parameter scores compactly — "code value
// marks max applicable numerator denominator" per parameter, parameters
// separated by "|" — because a state's post ranking has thousands of rows
// and JSON would dominate reading them back.
func encodeParams(ps []report.ParamScore) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('|')
		}
		app := "0"
		if p.Applicable {
			app = "1"
		}
		b.WriteString(p.Code + " " + strconv.FormatFloat(p.Value, 'g', -1, 64) + " " + strconv.FormatFloat(p.Marks, 'g', -1, 64) + " " +
			strconv.FormatFloat(p.MaxMarks, 'g', -1, 64) + " " + app + " " + strconv.FormatInt(p.Numerator, 10) + " " +
			strconv.FormatInt(p.Denominator, 10))
	}
	return b.String()
}

func decodeParams(s string) ([]report.ParamScore, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, "|")
	out := make([]report.ParamScore, len(parts))
	for i, part := range parts {
		f := strings.Fields(part)
		if len(f) != 7 {
			return nil, fmt.Errorf("store: ranking parameters %q", part)
		}
		var errs [6]error
		p := report.ParamScore{Code: f[0], Applicable: f[4] == "1"}
		p.Value, errs[0] = strconv.ParseFloat(f[1], 64)
		p.Marks, errs[1] = strconv.ParseFloat(f[2], 64)
		p.MaxMarks, errs[2] = strconv.ParseFloat(f[3], 64)
		p.Numerator, errs[3] = strconv.ParseInt(f[5], 10, 64)
		p.Denominator, errs[4] = strconv.ParseInt(f[6], 10, 64)
		for _, err := range errs {
			if err != nil {
				return nil, fmt.Errorf("store: ranking parameters %q: %w", part, err)
			}
		}
		out[i] = p
	}
	return out, nil
}

// FrozenRanking loads the ranking of month and unit as computed and frozen,
// or ErrNotFound when it has not been computed.
func (c *conn) FrozenRanking(ctx context.Context, month int, unit string) (RankingRun, error) {
	run := RankingRun{Month: month, Unit: unit}
	var at int64
	err := c.q.QueryRowContext(ctx, `SELECT rubric_version, computed_at FROM ranking_runs WHERE month = $1 AND unit_kind = $2`,
		month, unit).Scan(&run.RubricVersion, &at)
	if err != nil {
		return run, notFound(err, fmt.Sprintf("ranking %d %s", month, unit))
	}
	run.ComputedAt = fromMS(at)
	rows, err := c.q.QueryContext(ctx, `SELECT unit_id, rank, score, max_score, name_en, name_hi, parameters FROM ranking_rows
		WHERE month = $1 AND unit_kind = $2 ORDER BY rank, unit_id`, month, unit)
	if err != nil {
		return run, fmt.Errorf("store: ranking rows: %w", err)
	}
	defer rows.Close()
	run.Rows = []report.RankingRow{}
	for rows.Next() {
		var r report.RankingRow
		var params string
		if err := rows.Scan(&r.Key, &r.Rank, &r.Score, &r.MaxScore, &r.NameEn, &r.NameHi, &params); err != nil {
			return run, err
		}
		if r.Parameters, err = decodeParams(params); err != nil {
			return run, err
		}
		run.Rows = append(run.Rows, r)
	}
	return run, rows.Err()
}

// FreezeRanking stores a computed ranking of a past month. When another node
// froze the same month first it answers ErrConflict and writes nothing: the
// first computation stands.
func (tx *Tx) FreezeRanking(ctx context.Context, run RankingRun) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO ranking_runs (month, unit_kind, rubric_version, computed_at) VALUES ($1, $2, $3, $4)`,
		run.Month, run.Unit, run.RubricVersion, ms(run.ComputedAt))
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store: ranking %d %s: frozen already: %w", run.Month, run.Unit, ErrConflict)
		}
		return fmt.Errorf("store: freeze ranking: %w", err)
	}
	cols := []string{"month", "unit_kind", "unit_id", "rank", "score", "max_score", "name_en", "name_hi", "parameters"}
	if tx.dialect == SQLite {
		// In process, small prepared batches are fastest (the driver's cost
		// of binding grows faster than linearly with a statement's size).
		rows := make([][]any, len(run.Rows))
		for i, r := range run.Rows {
			rows[i] = []any{run.Month, run.Unit, r.Key, r.Rank, r.Score, r.MaxScore, r.NameEn, r.NameHi, encodeParams(r.Parameters)}
		}
		return tx.InsertRows(ctx, "ranking_rows", cols, rows)
	}
	// Over the network a state's post ranking, some twenty thousand rows, goes
	// in large statements: small ones would cost a round trip each.
	const per = 500
	for start := 0; start < len(run.Rows); start += per {
		batch := run.Rows[start:min(start+per, len(run.Rows))]
		var b strings.Builder
		args := make([]any, 0, len(batch)*len(cols))
		b.WriteString(`INSERT INTO ranking_rows (` + strings.Join(cols, ", ") + `) VALUES `)
		for i, r := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + placeholders(len(args)+1, len(cols)) + ")")
			args = append(args, run.Month, run.Unit, r.Key, r.Rank, r.Score, r.MaxScore, r.NameEn, r.NameHi, encodeParams(r.Parameters))
		}
		if _, err := tx.q.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("store: freeze ranking rows: %w", err)
		}
	}
	return nil
}

// ThawRanking forgets a frozen ranking (benchmarks measure the computation;
// an administrator may recompute a month after correcting its history).
func (tx *Tx) ThawRanking(ctx context.Context, month int, unit string) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM ranking_rows WHERE month = $1 AND unit_kind = $2`, month, unit); err != nil {
		return fmt.Errorf("store: thaw ranking: %w", err)
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM ranking_runs WHERE month = $1 AND unit_kind = $2`, month, unit); err != nil {
		return fmt.Errorf("store: thaw ranking: %w", err)
	}
	return nil
}
