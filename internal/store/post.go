package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

const postCols = `p.id, p.department_id, p.designation_id, g.code, p.area_id, p.title_en, p.title_hi, p.supervisor_post_id, p.nodal`

const postFrom = ` FROM posts p JOIN designations g ON g.id = p.designation_id`

func scanPost(sc interface{ Scan(...any) error }) (model.Post, error) {
	var p model.Post
	var sup sql.NullInt64
	err := sc.Scan(&p.ID, &p.DepartmentID, &p.DesignationID, &p.Designation, &p.AreaID, &p.TitleEn, &p.TitleHi, &sup, &p.Nodal)
	p.SupervisorPostID = nullID(sup)
	return p, err
}

// Post loads one post.
func (c *conn) Post(ctx context.Context, id int64) (model.Post, error) {
	p, err := scanPost(c.q.QueryRowContext(ctx, `SELECT `+postCols+postFrom+` WHERE p.id = $1`, id))
	if err != nil {
		return p, notFound(err, "post "+strconv.FormatInt(id, 10))
	}
	return p, nil
}

// PostFilter selects posts.
type PostFilter struct {
	DepartmentID int64
	AreaID       int64
	Designation  string // designation code
	After        int64
	Limit        int
}

// Posts lists posts in id order.
func (c *conn) Posts(ctx context.Context, f PostFilter) ([]model.Post, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.DepartmentID != 0 {
		add("p.department_id = $%d", f.DepartmentID)
	}
	if f.AreaID != 0 {
		add("p.area_id = $%d", f.AreaID)
	}
	if f.Designation != "" {
		add("g.code = $%d", f.Designation)
	}
	add("p.id > $%d", f.After)
	args = append(args, f.Limit)
	q := `SELECT ` + postCols + postFrom + ` WHERE ` + strings.Join(where, " AND ") + fmt.Sprintf(" ORDER BY p.id LIMIT $%d", len(args))
	return c.queryPosts(ctx, q, args...)
}

func (c *conn) queryPosts(ctx context.Context, q string, args ...any) ([]model.Post, error) {
	rows, err := c.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: posts: %w", err)
	}
	defer rows.Close()
	out := []model.Post{}
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Chain returns the escalation ladder from post id upward: the post itself,
// its supervisor, and so on, at most max posts (cycles are cut).
func (c *conn) Chain(ctx context.Context, id int64, max int) ([]model.Post, error) {
	var out []model.Post
	seen := map[int64]bool{}
	for next := &id; next != nil && len(out) < max && !seen[*next]; {
		p, err := c.Post(ctx, *next)
		if err != nil {
			return nil, err
		}
		seen[p.ID] = true
		out = append(out, p)
		next = p.SupervisorPostID
	}
	return out, nil
}

// ChainIDs is Chain reduced to ids.
func (c *conn) ChainIDs(ctx context.Context, id int64, max int) ([]int64, error) {
	posts, err := c.Chain(ctx, id, max)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(posts))
	for i, p := range posts {
		ids[i] = p.ID
	}
	return ids, nil
}

// SavePost inserts (ID 0) or updates a post.
func (tx *Tx) SavePost(ctx context.Context, p *model.Post) error {
	if p.ID == 0 {
		return tx.insertReturning(ctx, &p.ID, "post",
			`INSERT INTO posts (department_id, designation_id, area_id, title_en, title_hi, supervisor_post_id, nodal)
			 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			p.DepartmentID, p.DesignationID, p.AreaID, p.TitleEn, p.TitleHi, idArg(p.SupervisorPostID), p.Nodal)
	}
	return tx.update(ctx, "post", p.ID,
		`UPDATE posts SET department_id = $1, designation_id = $2, area_id = $3, title_en = $4, title_hi = $5,
		 supervisor_post_id = $6, nodal = $7 WHERE id = $8`,
		p.DepartmentID, p.DesignationID, p.AreaID, p.TitleEn, p.TitleHi, idArg(p.SupervisorPostID), p.Nodal, p.ID)
}

const officerCols = `o.id, o.name, o.mobile, COALESCE(u.username, ''), COALESCE(o.user_id, 0)`
const officerFrom = ` FROM officers o LEFT JOIN users u ON u.id = o.user_id`

func scanOfficer(sc interface{ Scan(...any) error }) (model.Officer, error) {
	var o model.Officer
	err := sc.Scan(&o.ID, &o.Name, &o.Mobile, &o.Username, &o.UserID)
	return o, err
}

// Officer loads one officer.
func (c *conn) Officer(ctx context.Context, id int64) (model.Officer, error) {
	o, err := scanOfficer(c.q.QueryRowContext(ctx, `SELECT `+officerCols+officerFrom+` WHERE o.id = $1`, id))
	if err != nil {
		return o, notFound(err, "officer "+strconv.FormatInt(id, 10))
	}
	return o, nil
}

// Officers lists officers in id order.
func (c *conn) Officers(ctx context.Context, after int64, limit int) ([]model.Officer, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+officerCols+officerFrom+` WHERE o.id > $1 ORDER BY o.id LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: officers: %w", err)
	}
	defer rows.Close()
	out := []model.Officer{}
	for rows.Next() {
		o, err := scanOfficer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// InsertOfficer adds an officer.
func (tx *Tx) InsertOfficer(ctx context.Context, o *model.Officer) error {
	return tx.insertReturning(ctx, &o.ID, "officer",
		`INSERT INTO officers (name, mobile, user_id) VALUES ($1, $2, $3) RETURNING id`, o.Name, o.Mobile, idArg(&o.UserID))
}

// Holder returns the officer holding post id now, or ErrNotFound when vacant.
func (c *conn) Holder(ctx context.Context, postID int64) (model.Officer, error) {
	o, err := scanOfficer(c.q.QueryRowContext(ctx, `SELECT `+officerCols+officerFrom+`
		JOIN postings x ON x.officer_id = o.id WHERE x.post_id = $1 AND x.to_at IS NULL`, postID))
	if err != nil {
		return o, notFound(err, "holder of post "+strconv.FormatInt(postID, 10))
	}
	return o, nil
}

// HeldPosts returns the posts officer id holds now.
func (c *conn) HeldPosts(ctx context.Context, officerID int64) ([]int64, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT post_id FROM postings WHERE officer_id = $1 AND to_at IS NULL ORDER BY post_id`, officerID)
	if err != nil {
		return nil, fmt.Errorf("store: held posts: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Postings returns the posting history of a post (postID) or of an officer
// (officerID), newest first.
func (c *conn) Postings(ctx context.Context, postID, officerID int64) ([]model.Posting, error) {
	col, v := "post_id", postID
	if officerID != 0 {
		col, v = "officer_id", officerID
	}
	rows, err := c.q.QueryContext(ctx, `SELECT id, officer_id, post_id, from_at, to_at FROM postings WHERE `+col+` = $1 ORDER BY from_at DESC, id DESC`, v)
	if err != nil {
		return nil, fmt.Errorf("store: postings: %w", err)
	}
	defer rows.Close()
	out := []model.Posting{}
	for rows.Next() {
		var p model.Posting
		var from int64
		var to sql.NullInt64
		if err := rows.Scan(&p.ID, &p.OfficerID, &p.PostID, &from, &to); err != nil {
			return nil, err
		}
		p.From, p.To = fromMS(from), fromNullMS(to)
		out = append(out, p)
	}
	return out, rows.Err()
}

// EndPosting ends the current posting of post id (if any) at t and reports
// the officer who held it (0 when vacant).
func (tx *Tx) EndPosting(ctx context.Context, postID int64, t time.Time) (int64, error) {
	tx.holders = nil // what this transaction read of holders is stale now
	var officer int64
	err := tx.q.QueryRowContext(ctx, `SELECT officer_id FROM postings WHERE post_id = $1 AND to_at IS NULL`, postID).Scan(&officer)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: end posting: %w", err)
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE postings SET to_at = $1 WHERE post_id = $2 AND to_at IS NULL`, ms(t), postID); err != nil {
		return 0, fmt.Errorf("store: end posting: %w", err)
	}
	return officer, nil
}

// StartPosting makes officer hold post from t.
func (tx *Tx) StartPosting(ctx context.Context, officerID, postID int64, t time.Time) error {
	tx.holders = nil // what this transaction read of holders is stale now
	_, err := tx.q.ExecContext(ctx, `INSERT INTO postings (officer_id, post_id, from_at) VALUES ($1, $2, $3)`, officerID, postID, ms(t))
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store: start posting: post %d is held: %w", postID, ErrConflict)
		}
		return fmt.Errorf("store: start posting: %w", err)
	}
	return nil
}

// SupervisedPosts returns the posts whose supervisor is one of ids.
func (c *conn) SupervisedPosts(ctx context.Context, ids []int64) ([]int64, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT id FROM posts WHERE supervisor_post_id IN (`+placeholders(1, len(ids))+`) ORDER BY id`, int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("store: supervised posts: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// RoutingPost is a post's routing key and titles.
type RoutingPost struct {
	ID, DepartmentID, DesignationID, AreaID int64
	Nodal                                   bool
	TitleEn, TitleHi, Designation           string
}

// RoutingPosts lists every post's routing key, for the service's in-memory
// routing table.
func (c *conn) RoutingPosts(ctx context.Context) ([]RoutingPost, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT p.id, p.department_id, p.designation_id, p.area_id, p.nodal, p.title_en, p.title_hi, g.code
		FROM posts p JOIN designations g ON g.id = p.designation_id ORDER BY p.id`)
	if err != nil {
		return nil, fmt.Errorf("store: routing posts: %w", err)
	}
	defer rows.Close()
	var out []RoutingPost
	for rows.Next() {
		var p RoutingPost
		if err := rows.Scan(&p.ID, &p.DepartmentID, &p.DesignationID, &p.AreaID, &p.Nodal, &p.TitleEn, &p.TitleHi, &p.Designation); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// HolderMobiles maps each of the posts held now to its officer's mobile;
// vacant posts are absent.
func (c *conn) HolderMobiles(ctx context.Context, posts []int64) (map[int64]string, error) {
	return c.holderMobiles(ctx, posts)
}

// HolderMobiles is conn.HolderMobiles answered, when it can be, from the
// holders this transaction has already read (CallerStateOf).
func (tx *Tx) HolderMobiles(ctx context.Context, posts []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for _, p := range posts {
		m, ok := tx.holders[p]
		if !ok {
			return tx.holderMobiles(ctx, posts)
		}
		if m != "" {
			out[p] = m
		}
	}
	return out, nil
}

// rememberHolder records who holds post in this transaction ("" when it is
// vacant). A change of postings or officers in the transaction forgets them.
func (tx *Tx) rememberHolder(post int64, mobile string) {
	if tx.holders == nil {
		tx.holders = map[int64]string{}
	}
	tx.holders[post] = mobile
}

func (c *conn) holderMobiles(ctx context.Context, posts []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(posts) == 0 {
		return out, nil
	}
	rows, err := c.q.QueryContext(ctx, `SELECT x.post_id, o.mobile FROM postings x JOIN officers o ON o.id = x.officer_id
		WHERE x.to_at IS NULL AND x.post_id IN (`+placeholders(1, len(posts))+`)`, int64Args(posts)...)
	if err != nil {
		return nil, fmt.Errorf("store: holders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var m string
		if err := rows.Scan(&id, &m); err != nil {
			return nil, err
		}
		out[id] = m
	}
	return out, rows.Err()
}

// UpdateOfficer changes an officer's name and mobile (and their user's).
func (tx *Tx) UpdateOfficer(ctx context.Context, o model.Officer) error {
	tx.holders = nil // what this transaction read of holders is stale now
	if err := tx.update(ctx, "officer", o.ID, `UPDATE officers SET name = $1, mobile = $2 WHERE id = $3`, o.Name, o.Mobile, o.ID); err != nil {
		return err
	}
	if o.UserID != 0 {
		_, err := tx.q.ExecContext(ctx, `UPDATE users SET name = $1, mobile = $2 WHERE id = $3`, o.Name, o.Mobile, o.UserID)
		return err
	}
	return nil
}
