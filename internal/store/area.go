package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/searchkey"
)

const areaCols = "id, kind, code, name_en, name_hi, parent_id"

func scanArea(sc interface{ Scan(...any) error }) (model.Area, error) {
	var a model.Area
	var parent sql.NullInt64
	err := sc.Scan(&a.ID, &a.Kind, &a.Code, &a.NameEn, &a.NameHi, &parent)
	a.ParentID = nullID(parent)
	return a, err
}

// AreaSearchText is the text an area is found by, stored in areas.search: its
// names and code as one search key (searchkey.Fold). Rows written before the
// key was folded hold the plain lower-cased text; Areas still finds them by
// the query as typed, and RefreshAreaSearch rewrites them.
func AreaSearchText(a model.Area) string {
	return searchkey.Fold(a.NameEn + " " + a.NameHi + " " + a.Code)
}

// areaSearchVersion names the way AreaSearchText builds the stored search
// text; bump it whenever that changes (searchkey.Fold included), so that
// RefreshAreaSearch rewrites the texts stored the old way once.
const areaSearchVersion = 1

// RefreshAreaSearch rewrites the stored search text of every area whose text
// is not AreaSearchText, returning how many it rewrote: a back-fill after
// the search key changes, run at every start. Once a database holds the
// texts of areaSearchVersion it reads one counter and nothing else.
func (tx *Tx) RefreshAreaSearch(ctx context.Context) (int, error) {
	if v, err := tx.Counter(ctx, "area_search_version"); err != nil || v == areaSearchVersion {
		return 0, err
	}
	rows, err := tx.q.QueryContext(ctx, `SELECT id, kind, code, name_en, name_hi, search FROM areas ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("store: refresh area search: %w", err)
	}
	type stale struct {
		id     int64
		search string
	}
	var todo []stale
	for rows.Next() {
		var a model.Area
		var search string
		if err := rows.Scan(&a.ID, &a.Kind, &a.Code, &a.NameEn, &a.NameHi, &search); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: refresh area search: %w", err)
		}
		if want := AreaSearchText(a); want != search {
			todo = append(todo, stale{a.ID, want})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: refresh area search: %w", err)
	}
	for _, x := range todo {
		if _, err := tx.q.ExecContext(ctx, `UPDATE areas SET search = $1 WHERE id = $2`, x.search, x.id); err != nil {
			return 0, fmt.Errorf("store: refresh area search %d: %w", x.id, err)
		}
	}
	return len(todo), tx.SetCounter(ctx, "area_search_version", areaSearchVersion)
}

// InsertArea adds an area under its parent and records its ancestors.
func (tx *Tx) InsertArea(ctx context.Context, a *model.Area) error {
	err := tx.q.QueryRowContext(ctx,
		`INSERT INTO areas (kind, code, name_en, name_hi, parent_id, search) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		a.Kind, a.Code, a.NameEn, a.NameHi, idArg(a.ParentID), AreaSearchText(*a)).Scan(&a.ID)
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store: insert area %s %s: %w", a.Kind, a.Code, ErrConflict)
		}
		return fmt.Errorf("store: insert area: %w", err)
	}
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO area_ancestors (area_id, ancestor_id, depth) VALUES ($1, $2, 0)`, a.ID, a.ID); err != nil {
		return fmt.Errorf("store: insert area closure: %w", err)
	}
	if a.ParentID != nil {
		_, err := tx.q.ExecContext(ctx, `INSERT INTO area_ancestors (area_id, ancestor_id, depth)
			SELECT $1, ancestor_id, depth + 1 FROM area_ancestors WHERE area_id = $2`, a.ID, *a.ParentID)
		if err != nil {
			return fmt.Errorf("store: insert area closure: %w", err)
		}
	}
	return nil
}

// UpdateArea changes an area's names and code (not its place in the tree).
func (tx *Tx) UpdateArea(ctx context.Context, a model.Area) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE areas SET code = $1, name_en = $2, name_hi = $3, search = $4 WHERE id = $5`,
		a.Code, a.NameEn, a.NameHi, AreaSearchText(a), a.ID)
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store: update area %d: %w", a.ID, ErrConflict)
		}
		return fmt.Errorf("store: update area %d: %w", a.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update area %d: %w", a.ID, ErrNotFound)
	}
	return nil
}

// Area loads one area.
func (c *conn) Area(ctx context.Context, id int64) (model.Area, error) {
	a, err := scanArea(c.q.QueryRowContext(ctx, `SELECT `+areaCols+` FROM areas WHERE id = $1`, id))
	if err != nil {
		return a, notFound(err, "area "+strconv.FormatInt(id, 10))
	}
	return a, nil
}

// Ancestors returns the ancestors of area id, root first, without the area itself.
func (c *conn) Ancestors(ctx context.Context, id int64) ([]model.Area, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT a.id, a.kind, a.code, a.name_en, a.name_hi, a.parent_id
		FROM area_ancestors x JOIN areas a ON a.id = x.ancestor_id
		WHERE x.area_id = $1 AND x.depth > 0 ORDER BY x.depth DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("store: ancestors of %d: %w", id, err)
	}
	defer rows.Close()
	var out []model.Area
	for rows.Next() {
		a, err := scanArea(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AncestorIDs returns area id and its ancestors, nearest first.
func (c *conn) AncestorIDs(ctx context.Context, id int64) ([]int64, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT ancestor_id FROM area_ancestors WHERE area_id = $1 ORDER BY depth`, id)
	if err != nil {
		return nil, fmt.Errorf("store: ancestors of %d: %w", id, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var x int64
		if err := rows.Scan(&x); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Within reports whether area is ancestor-or-self of … i.e. whether area lies in the subtree of root.
func (c *conn) Within(ctx context.Context, area, root int64) (bool, error) {
	var n int
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM area_ancestors WHERE area_id = $1 AND ancestor_id = $2`, area, root).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: within: %w", err)
	}
	return n > 0, nil
}

// AreaFilter selects areas.
type AreaFilter struct {
	ParentID *int64
	Kind     string
	Q        string // substring of the English or Hindi name or code, compared as search keys
	After    int64  // keyset cursor: ids greater than this
	Limit    int
}

// Areas lists areas in id order.
func (c *conn) Areas(ctx context.Context, f AreaFilter) ([]model.Area, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.ParentID != nil {
		add("parent_id = $%d", *f.ParentID)
	}
	if f.Kind != "" {
		add("kind = $%d", f.Kind)
	}
	if f.Q != "" {
		// The folded key finds rows written by AreaSearchText; the query as
		// typed (lower-cased, as before the key was folded) still finds rows
		// a database holds from before, until RefreshAreaSearch rewrites them.
		key, plain := searchkey.Fold(f.Q), strings.ToLower(f.Q)
		add("(search LIKE $%d ESCAPE '\\'", "%"+escapeLike(key)+"%")
		if plain != key {
			args = append(args, "%"+escapeLike(plain)+"%")
			where[len(where)-1] += fmt.Sprintf(" OR search LIKE $%d ESCAPE '\\'", len(args))
		}
		where[len(where)-1] += ")"
	}
	add("id > $%d", f.After)
	q := `SELECT ` + areaCols + ` FROM areas WHERE ` + strings.Join(where, " AND ")
	args = append(args, f.Limit)
	q += fmt.Sprintf(" ORDER BY id LIMIT $%d", len(args))
	rows, err := c.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list areas: %w", err)
	}
	defer rows.Close()
	out := []model.Area{}
	for rows.Next() {
		a, err := scanArea(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AreaIDsByKind maps code → id for the areas of one kind.
func (c *conn) AreaIDsByKind(ctx context.Context, kind string) (map[string]int64, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT code, id FROM areas WHERE kind = $1`, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			return nil, err
		}
		out[code] = id
	}
	return out, rows.Err()
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// AllAreas lists every area, for the service's in-memory tree.
func (c *conn) AllAreas(ctx context.Context) ([]model.Area, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+areaCols+` FROM areas ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: areas: %w", err)
	}
	defer rows.Close()
	var out []model.Area
	for rows.Next() {
		a, err := scanArea(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
