package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/nivaran/nivaran/internal/model"
)

// Departments lists every department in id order.
func (c *conn) Departments(ctx context.Context) ([]model.Department, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT id, code, name_en, name_hi FROM departments ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: departments: %w", err)
	}
	defer rows.Close()
	out := []model.Department{}
	for rows.Next() {
		var d model.Department
		if err := rows.Scan(&d.ID, &d.Code, &d.NameEn, &d.NameHi); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Department loads one department.
func (c *conn) Department(ctx context.Context, id int64) (model.Department, error) {
	var d model.Department
	err := c.q.QueryRowContext(ctx, `SELECT id, code, name_en, name_hi FROM departments WHERE id = $1`, id).
		Scan(&d.ID, &d.Code, &d.NameEn, &d.NameHi)
	if err != nil {
		return d, notFound(err, "department "+strconv.FormatInt(id, 10))
	}
	return d, nil
}

// SaveDepartment inserts (ID 0) or updates a department.
func (tx *Tx) SaveDepartment(ctx context.Context, d *model.Department) error {
	if d.ID == 0 {
		return tx.insertReturning(ctx, &d.ID, "department",
			`INSERT INTO departments (code, name_en, name_hi) VALUES ($1, $2, $3) RETURNING id`, d.Code, d.NameEn, d.NameHi)
	}
	return tx.update(ctx, "department", d.ID,
		`UPDATE departments SET code = $1, name_en = $2, name_hi = $3 WHERE id = $4`, d.Code, d.NameEn, d.NameHi, d.ID)
}

const designationCols = "id, department_id, code, name_en, name_hi, area_kind, nodal"

func scanDesignation(sc interface{ Scan(...any) error }) (model.Designation, error) {
	var d model.Designation
	err := sc.Scan(&d.ID, &d.DepartmentID, &d.Code, &d.NameEn, &d.NameHi, &d.AreaKind, &d.Nodal)
	return d, err
}

// Designations lists every designation in id order.
func (c *conn) Designations(ctx context.Context) ([]model.Designation, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+designationCols+` FROM designations ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: designations: %w", err)
	}
	defer rows.Close()
	out := []model.Designation{}
	for rows.Next() {
		d, err := scanDesignation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Designation loads one designation.
func (c *conn) Designation(ctx context.Context, id int64) (model.Designation, error) {
	d, err := scanDesignation(c.q.QueryRowContext(ctx, `SELECT `+designationCols+` FROM designations WHERE id = $1`, id))
	if err != nil {
		return d, notFound(err, "designation "+strconv.FormatInt(id, 10))
	}
	return d, nil
}

// DesignationByCode loads one designation by its code.
func (c *conn) DesignationByCode(ctx context.Context, code string) (model.Designation, error) {
	d, err := scanDesignation(c.q.QueryRowContext(ctx, `SELECT `+designationCols+` FROM designations WHERE code = $1`, code))
	if err != nil {
		return d, notFound(err, "designation "+code)
	}
	return d, nil
}

// SaveDesignation inserts (ID 0) or updates a designation.
func (tx *Tx) SaveDesignation(ctx context.Context, d *model.Designation) error {
	if d.ID == 0 {
		return tx.insertReturning(ctx, &d.ID, "designation",
			`INSERT INTO designations (department_id, code, name_en, name_hi, area_kind, nodal) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			d.DepartmentID, d.Code, d.NameEn, d.NameHi, d.AreaKind, d.Nodal)
	}
	return tx.update(ctx, "designation", d.ID,
		`UPDATE designations SET department_id = $1, code = $2, name_en = $3, name_hi = $4, area_kind = $5, nodal = $6 WHERE id = $7`,
		d.DepartmentID, d.Code, d.NameEn, d.NameHi, d.AreaKind, d.Nodal, d.ID)
}

const categoryCols = `c.id, c.code, c.department_id, c.designation_id, g.code, c.name_en, c.name_hi, c.keywords,
	c.sla0, c.sla1, c.sla2, c.sla3, c.sla4, c.special_closure`

func scanCategory(sc interface{ Scan(...any) error }) (model.Category, error) {
	var c model.Category
	var kw string
	err := sc.Scan(&c.ID, &c.Code, &c.DepartmentID, &c.DesignationID, &c.Designation, &c.NameEn, &c.NameHi, &kw,
		&c.SLADays[0], &c.SLADays[1], &c.SLADays[2], &c.SLADays[3], &c.SLADays[4], &c.SpecialClosureAllowed)
	c.Keywords = SplitKeywords(kw)
	return c, err
}

// SplitKeywords splits the stored keyword list.
func SplitKeywords(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "|")
}

// Categories lists every category in id order.
func (c *conn) Categories(ctx context.Context) ([]model.Category, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+categoryCols+` FROM categories c JOIN designations g ON g.id = c.designation_id ORDER BY c.id`)
	if err != nil {
		return nil, fmt.Errorf("store: categories: %w", err)
	}
	defer rows.Close()
	out := []model.Category{}
	for rows.Next() {
		cat, err := scanCategory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, cat)
	}
	return out, rows.Err()
}

// Category loads one category.
func (c *conn) Category(ctx context.Context, id int64) (model.Category, error) {
	cat, err := scanCategory(c.q.QueryRowContext(ctx, `SELECT `+categoryCols+` FROM categories c JOIN designations g ON g.id = c.designation_id WHERE c.id = $1`, id))
	if err != nil {
		return cat, notFound(err, "category "+strconv.FormatInt(id, 10))
	}
	return cat, nil
}

// SaveCategory inserts (ID 0) or updates a category.
func (tx *Tx) SaveCategory(ctx context.Context, c *model.Category) error {
	kw := strings.Join(c.Keywords, "|")
	s := c.SLADays
	if c.ID == 0 {
		return tx.insertReturning(ctx, &c.ID, "category",
			`INSERT INTO categories (code, department_id, designation_id, name_en, name_hi, keywords, sla0, sla1, sla2, sla3, sla4, special_closure)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			c.Code, c.DepartmentID, c.DesignationID, c.NameEn, c.NameHi, kw, s[0], s[1], s[2], s[3], s[4], c.SpecialClosureAllowed)
	}
	return tx.update(ctx, "category", c.ID,
		`UPDATE categories SET code = $1, department_id = $2, designation_id = $3, name_en = $4, name_hi = $5, keywords = $6,
		 sla0 = $7, sla1 = $8, sla2 = $9, sla3 = $10, sla4 = $11, special_closure = $12 WHERE id = $13`,
		c.Code, c.DepartmentID, c.DesignationID, c.NameEn, c.NameHi, kw, s[0], s[1], s[2], s[3], s[4], c.SpecialClosureAllowed, c.ID)
}

func (tx *Tx) insertReturning(ctx context.Context, id *int64, what, q string, args ...any) error {
	if err := tx.q.QueryRowContext(ctx, q, args...).Scan(id); err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store: insert %s: %w", what, ErrConflict)
		}
		return fmt.Errorf("store: insert %s: %w", what, err)
	}
	return nil
}

func (tx *Tx) update(ctx context.Context, what string, id int64, q string, args ...any) error {
	res, err := tx.q.ExecContext(ctx, q, args...)
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store: update %s %d: %w", what, id, ErrConflict)
		}
		return fmt.Errorf("store: update %s %d: %w", what, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update %s %d: %w", what, id, ErrNotFound)
	}
	return nil
}
