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

const userCols = `id, username, name, roles, officer_id, area_id, mobile, language, demo`

func scanUser(sc interface{ Scan(...any) error }, extra ...any) (model.User, error) {
	var u model.User
	var roles string
	var officer, area sql.NullInt64
	err := sc.Scan(append([]any{&u.ID, &u.Username, &u.Name, &roles, &officer, &area, &u.Mobile, &u.Language, &u.Demo}, extra...)...)
	u.OfficerID, u.AreaID = nullID(officer), nullID(area)
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			u.Roles = append(u.Roles, model.Role(r))
		}
	}
	return u, err
}

// JoinRoles is the stored form of roles.
func JoinRoles(rs []model.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

// User loads one user.
func (c *conn) User(ctx context.Context, id int64) (model.User, error) {
	u, err := scanUser(c.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = $1 AND disabled = FALSE`, id))
	if err != nil {
		return u, notFound(err, "user "+strconv.FormatInt(id, 10))
	}
	return u, nil
}

// UserByUsername loads a user and the password hash for sign-in.
func (c *conn) UserByUsername(ctx context.Context, username string) (model.User, string, error) {
	var hash string
	u, err := scanUser(c.q.QueryRowContext(ctx, `SELECT `+userCols+`, password_hash FROM users WHERE username = $1 AND disabled = FALSE`, username), &hash)
	if err != nil {
		return u, "", notFound(err, "user "+username)
	}
	return u, hash, nil
}

// CitizenByMobile loads the citizen account of a mobile number.
func (c *conn) CitizenByMobile(ctx context.Context, mobile string) (model.User, error) {
	u, err := scanUser(c.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE username = $1 AND disabled = FALSE`, "citizen:"+mobile))
	if err != nil {
		return u, notFound(err, "citizen "+mobile)
	}
	return u, nil
}

// InsertUser adds a user with a password hash.
func (tx *Tx) InsertUser(ctx context.Context, u *model.User, hash string, now time.Time) error {
	lang := u.Language
	if lang == "" {
		lang = "hi"
	}
	return tx.insertReturning(ctx, &u.ID, "user "+u.Username,
		`INSERT INTO users (username, name, password_hash, roles, officer_id, area_id, mobile, language, demo, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		u.Username, u.Name, hash, JoinRoles(u.Roles), idArg(u.OfficerID), idArg(u.AreaID), u.Mobile, lang, u.Demo, ms(now))
}

// SetUserOfficer links a user to an officer.
func (tx *Tx) SetUserOfficer(ctx context.Context, userID, officerID int64) error {
	return tx.update(ctx, "user", userID, `UPDATE users SET officer_id = $1 WHERE id = $2`, officerID, userID)
}

// SetUserLanguage remembers a user's language.
func (tx *Tx) SetUserLanguage(ctx context.Context, userID int64, lang string) error {
	return tx.update(ctx, "user", userID, `UPDATE users SET language = $1 WHERE id = $2`, lang, userID)
}

// CountNonDemo counts users that are not demo users; a database with any is
// not a demo database.
func (c *conn) CountNonDemo(ctx context.Context) (int, error) {
	var n int
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE demo = FALSE`).Scan(&n)
	return n, err
}

// CountRows counts the rows of a table.
func (c *conn) CountRows(ctx context.Context, table string) (int, error) {
	var n int
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n)
	return n, err
}

// InsertSession stores a session token's hash.
func (tx *Tx) InsertSession(ctx context.Context, tokenHash string, userID int64, now, expires time.Time) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		tokenHash, userID, ms(now), ms(expires))
	if err != nil {
		return fmt.Errorf("store: insert session: %w", err)
	}
	return nil
}

// SessionUser returns the user of a live session.
func (c *conn) SessionUser(ctx context.Context, tokenHash string, now time.Time) (model.User, error) {
	u, err := scanUser(c.q.QueryRowContext(ctx, `SELECT u.id, u.username, u.name, u.roles, u.officer_id, u.area_id, u.mobile, u.language, u.demo
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = FALSE`, tokenHash, ms(now)))
	if err != nil {
		return u, notFound(err, "session")
	}
	return u, nil
}

// DeleteSession ends a session.
func (tx *Tx) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := tx.q.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	return err
}
