package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

const complaintCols = `c.id, c.ref, c.channel, c.name, c.mobile, c.address, c.language, c.category_id, c.department_id,
	c.area_id, COALESCE(c.district_id, 0), c.description, c.status, c.closure_reason, c.level, c.accountable_post_id, c.marked_post_id, c.due_at,
	c.registered_at, c.closed_at, c.reported_at, c.reopen_count, c.feedback_attempts, c.return_count, c.special_closure,
	c.special_closure_code, c.report_hashes, c.verification_sample, c.overdue_at_top, c.updated_at, c.version, c.registered_by`

func scanComplaint(sc interface{ Scan(...any) error }) (model.Complaint, error) {
	var c model.Complaint
	var closure sql.NullString
	var acc, marked, closed, reported, regBy sql.NullInt64
	var due, registered, updated int64
	var hashes string
	err := sc.Scan(&c.ID, &c.Ref, &c.Channel, &c.Complainant.Name, &c.Complainant.Mobile, &c.Complainant.Address,
		&c.Complainant.Language, &c.CategoryID, &c.DepartmentID, &c.AreaID, &c.DistrictID, &c.Description, &c.Status, &closure, &c.Level,
		&acc, &marked, &due, &registered, &closed, &reported, &c.ReopenCount, &c.FeedbackAttempts, &c.ReturnCount,
		&c.SpecialClosure, &c.SpecialClosureCode, &hashes, &c.VerificationSample, &c.OverdueAtTop, &updated, &c.Version, &regBy)
	if err != nil {
		return c, err
	}
	c.ClosureReason = model.ClosureReason(closure.String)
	c.AccountablePostID = acc.Int64
	c.MarkedPostID = nullID(marked)
	c.DueAt, c.RegisteredAt, c.UpdatedAt = fromMS(due), fromMS(registered), fromMS(updated)
	c.ClosedAt, c.ReportedAt = fromNullMS(closed), fromNullMS(reported)
	if hashes != "" {
		c.ReportHashes = strings.Split(hashes, ",")
	}
	c.RegisteredBy = regBy.Int64
	return c, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ComplaintByRef loads a complaint by reference number.
func (c *conn) ComplaintByRef(ctx context.Context, ref string) (model.Complaint, error) {
	x, err := scanComplaint(c.q.QueryRowContext(ctx, `SELECT `+complaintCols+` FROM complaints c WHERE c.ref = $1`, ref))
	if err != nil {
		return x, notFound(err, "complaint "+ref)
	}
	return x, nil
}

// ComplaintByID loads a complaint by id.
func (c *conn) ComplaintByID(ctx context.Context, id int64) (model.Complaint, error) {
	x, err := scanComplaint(c.q.QueryRowContext(ctx, `SELECT `+complaintCols+` FROM complaints c WHERE c.id = $1`, id))
	if err != nil {
		return x, notFound(err, fmt.Sprintf("complaint %d", id))
	}
	return x, nil
}

// InsertComplaint adds a new complaint and sets its ID.
func (tx *Tx) InsertComplaint(ctx context.Context, c *model.Complaint) error {
	args := []any{c.Ref, c.Channel, c.Complainant.Name, c.Complainant.Mobile, c.Complainant.Address, c.Complainant.Language,
		c.CategoryID, c.DepartmentID, c.AreaID, idArg(&c.DistrictID), c.Description, string(c.Status), nullString(string(c.ClosureReason)),
		c.Level, idArg(&c.AccountablePostID), idArg(c.MarkedPostID), ms(c.DueAt), ms(c.RegisteredAt), msPtr(c.ClosedAt),
		msPtr(c.ReportedAt), c.ReopenCount, c.FeedbackAttempts, c.ReturnCount, c.SpecialClosure, c.SpecialClosureCode,
		strings.Join(c.ReportHashes, ","), c.VerificationSample, c.OverdueAtTop, idArg(&c.RegisteredBy), ms(c.RegisteredAt)}
	var err error
	if tx.dialect == SQLite {
		// The row id comes back with the result, without a result set.
		var res sql.Result
		if res, err = tx.q.ExecContext(ctx, insertComplaint, args...); err == nil {
			c.ID, err = res.LastInsertId()
		}
	} else {
		err = tx.q.QueryRowContext(ctx, insertComplaint+` RETURNING id`, args...).Scan(&c.ID)
	}
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("store: insert complaint %s: %w", c.Ref, ErrConflict)
		}
		return fmt.Errorf("store: insert complaint: %w", err)
	}
	c.Version = 1
	return nil
}

const insertComplaint = `INSERT INTO complaints (ref, channel, name, mobile, address, language, category_id,
	department_id, area_id, district_id, description, status, closure_reason, level, accountable_post_id, marked_post_id,
	due_at, registered_at, closed_at, reported_at, reopen_count, feedback_attempts, return_count, special_closure,
	special_closure_code, report_hashes, verification_sample, overdue_at_top, registered_by, version, updated_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
	$24, $25, $26, $27, $28, $29, 1, $30)`

// UpdateComplaint saves c if it is still at version c.Version, and bumps the
// version. A complaint changed meanwhile by another request or node answers
// ErrConflict and nothing is written: this is what makes every escalation
// happen exactly once.
func (tx *Tx) UpdateComplaint(ctx context.Context, c *model.Complaint, now time.Time) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE complaints SET category_id = $1, department_id = $2, area_id = $3,
		district_id = $4, status = $5, closure_reason = $6, level = $7, accountable_post_id = $8,
		marked_post_id = $9, due_at = $10, closed_at = $11, reported_at = $12, reopen_count = $13, feedback_attempts = $14,
		return_count = $15, special_closure = $16, special_closure_code = $17, report_hashes = $18, verification_sample = $19,
		overdue_at_top = $20, updated_at = $21, version = version + 1
		WHERE id = $22 AND version = $23`,
		c.CategoryID, c.DepartmentID, c.AreaID, idArg(&c.DistrictID), string(c.Status), nullString(string(c.ClosureReason)), c.Level,
		idArg(&c.AccountablePostID), idArg(c.MarkedPostID), ms(c.DueAt), msPtr(c.ClosedAt), msPtr(c.ReportedAt), c.ReopenCount,
		c.FeedbackAttempts, c.ReturnCount, c.SpecialClosure, c.SpecialClosureCode, strings.Join(c.ReportHashes, ","),
		c.VerificationSample, c.OverdueAtTop, ms(now), c.ID, c.Version)
	if err != nil {
		return fmt.Errorf("store: update complaint %s: %w", c.Ref, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update complaint %s: changed meanwhile: %w", c.Ref, ErrConflict)
	}
	c.Version++
	c.UpdatedAt = now
	return nil
}

// InsertEvents appends events to a complaint's history; they are written at
// commit (deferred.go), after the complaint rows.
func (tx *Tx) InsertEvents(ctx context.Context, complaintID int64, events []model.Event) error {
	rows := make([][]any, len(events))
	for i, e := range events {
		payload := "{}"
		if len(e.Payload) > 0 {
			b, err := json.Marshal(e.Payload)
			if err != nil {
				return fmt.Errorf("store: event payload: %w", err)
			}
			payload = string(b)
		}
		rows[i] = []any{complaintID, ms(e.At), string(e.Kind), idArg(e.ActorUserID), e.ActorName, idArg(e.ActorPostID), e.Level,
			intArg(e.FromLevel), intArg(e.ToLevel), idArg(e.FromPostID), idArg(e.ToPostID), e.Note, payload}
	}
	tx.d.events = append(tx.d.events, rows...)
	return nil
}

var eventCols = []string{"complaint_id", "at", "kind", "actor_user_id", "actor_name",
	"actor_post_id", "level", "from_level", "to_level", "from_post_id", "to_post_id", "note", "payload"}

func intArg(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// Events returns a complaint's history, oldest first.
func (c *conn) Events(ctx context.Context, complaintID int64) ([]model.Event, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT id, at, kind, actor_user_id, actor_name, actor_post_id, level, from_level, to_level,
		from_post_id, to_post_id, note, payload FROM complaint_events WHERE complaint_id = $1 ORDER BY id`, complaintID)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	defer rows.Close()
	var out []model.Event
	for rows.Next() {
		var e model.Event
		var at int64
		var actor, actorPost, fromPost, toPost sql.NullInt64
		var fromLevel, toLevel sql.NullInt64
		var kind, payload string
		if err := rows.Scan(&e.ID, &at, &kind, &actor, &e.ActorName, &actorPost, &e.Level, &fromLevel, &toLevel,
			&fromPost, &toPost, &e.Note, &payload); err != nil {
			return nil, err
		}
		e.ComplaintID, e.At, e.Kind = complaintID, fromMS(at), model.EventKind(kind)
		e.ActorUserID, e.ActorPostID, e.FromPostID, e.ToPostID = nullID(actor), nullID(actorPost), nullID(fromPost), nullID(toPost)
		if fromLevel.Valid {
			v := int(fromLevel.Int64)
			e.FromLevel = &v
		}
		if toLevel.Valid {
			v := int(toLevel.Int64)
			e.ToLevel = &v
		}
		if payload != "" && payload != "{}" {
			_ = json.Unmarshal([]byte(payload), &e.Payload)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CountEvents counts events of a kind (all complaints when complaintID is 0).
func (c *conn) CountEvents(ctx context.Context, complaintID int64, kind model.EventKind) (int, error) {
	var n int
	q := `SELECT COUNT(*) FROM complaint_events WHERE kind = $1`
	args := []any{string(kind)}
	if complaintID != 0 {
		q += ` AND complaint_id = $2`
		args = append(args, complaintID)
	}
	err := c.q.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}

// CountByMobileSince counts a mobile's complaints registered at or after since.
func (c *conn) CountByMobileSince(ctx context.Context, mobile string, since time.Time) (int, error) {
	var n int
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints WHERE mobile = $1 AND registered_at >= $2`, mobile, ms(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count by mobile: %w", err)
	}
	return n, nil
}

// Report is an action-taken report as stored.
type Report struct {
	ID          int64
	ComplaintID int64
	PostID      int64
	OfficerID   int64
	OfficerName string
	Text        string
	Hash        string
	Attachments []int64
	Special     bool
	At          time.Time
}

// InsertReport stores an action-taken report.
func (tx *Tx) InsertReport(ctx context.Context, r Report) error {
	att := make([]string, len(r.Attachments))
	for i, a := range r.Attachments {
		att[i] = fmt.Sprint(a)
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO reports (complaint_id, post_id, officer_id, officer_name, text, hash, attachments, special, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, r.ComplaintID, r.PostID, idArg(&r.OfficerID), r.OfficerName, r.Text, r.Hash,
		strings.Join(att, ","), r.Special, ms(r.At))
	if err != nil {
		return fmt.Errorf("store: insert report: %w", err)
	}
	return nil
}

// LatestReport returns the newest report of a complaint.
func (c *conn) LatestReport(ctx context.Context, complaintID int64) (Report, error) {
	var r Report
	var at int64
	var officer sql.NullInt64
	var att string
	err := c.q.QueryRowContext(ctx, `SELECT id, complaint_id, post_id, officer_id, officer_name, text, hash, attachments, special, at
		FROM reports WHERE complaint_id = $1 ORDER BY id DESC LIMIT 1`, complaintID).
		Scan(&r.ID, &r.ComplaintID, &r.PostID, &officer, &r.OfficerName, &r.Text, &r.Hash, &att, &r.Special, &at)
	if err != nil {
		return r, notFound(err, "report")
	}
	r.OfficerID, r.At = officer.Int64, fromMS(at)
	for _, s := range strings.Split(att, ",") {
		var id int64
		if _, err := fmt.Sscan(s, &id); err == nil {
			r.Attachments = append(r.Attachments, id)
		}
	}
	return r, nil
}

// InsertFeedbackCall records a feedback call.
func (tx *Tx) InsertFeedbackCall(ctx context.Context, complaintID, agent int64, attempt int, outcome, remarks string, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO feedback_calls (complaint_id, agent_user_id, attempt, outcome, remarks, at)
		VALUES ($1, $2, $3, $4, $5, $6)`, complaintID, agent, attempt, outcome, remarks, ms(at))
	if err != nil {
		return fmt.Errorf("store: insert feedback call: %w", err)
	}
	return nil
}

// CallerState is what registration checks about a mobile, read in one query.
type CallerState struct {
	Blocked    bool
	MonthCount int
	// DuplicateRefs are the unclosed complaints of the same category at the
	// same area.
	DuplicateRefs []string
}

// callerLockClass is the first key of the PostgreSQL advisory locks taken on
// callers' mobile numbers (the second is the number's hash).
const callerLockClass = 1076

// CallerStateOf reads, in one round trip, whether mobile is blocked at now,
// how many complaints it registered since monthStart, and its unclosed
// complaints of category at area; and, in the same round trip, who holds
// post (the post the complaint is about to go to, 0 for none), which the
// transaction remembers for the messages it queues (Tx.HolderMobiles).
//
// On PostgreSQL it first takes a lock on mobile held until the transaction
// ends, so that registrations of one number take turns: otherwise two of them
// committing in parallel (two nodes, or two group-commit batches) would each
// count the month without the other and pass the monthly cap together. The
// count is a statement of its own, after the lock, so that its snapshot sees
// what the previous holder committed. SQLite has one writer, so nothing runs
// in parallel there.
func (tx *Tx) CallerStateOf(ctx context.Context, mobile string, now, monthStart time.Time, categoryID, areaID, post int64) (CallerState, error) {
	if tx.dialect == Postgres {
		if _, err := tx.q.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, callerLockClass, mobile); err != nil {
			return CallerState{}, fmt.Errorf("store: lock caller: %w", err)
		}
	}
	rows, err := tx.q.QueryContext(ctx, `
		SELECT 'b', '' FROM blocked_numbers WHERE mobile = $1 AND unblocked_at IS NULL AND (until IS NULL OR until > $2)
		UNION ALL SELECT 'n', CAST(COUNT(*) AS TEXT) FROM complaints WHERE mobile = $1 AND registered_at >= $3
		UNION ALL SELECT 'd', ref FROM complaints WHERE mobile = $1 AND category_id = $4 AND area_id = $5 AND status <> 'closed'
		UNION ALL SELECT 'h', o.mobile FROM postings x JOIN officers o ON o.id = x.officer_id WHERE x.to_at IS NULL AND x.post_id = $6`,
		mobile, ms(now), ms(monthStart), categoryID, areaID, post)
	if err != nil {
		return CallerState{}, fmt.Errorf("store: caller state: %w", err)
	}
	defer rows.Close()
	var st CallerState
	holder := ""
	for rows.Next() {
		var kind, v string
		if err := rows.Scan(&kind, &v); err != nil {
			return st, err
		}
		switch kind {
		case "b":
			st.Blocked = true
		case "n":
			fmt.Sscan(v, &st.MonthCount)
		case "d":
			st.DuplicateRefs = append(st.DuplicateRefs, v)
		case "h":
			holder = v
		}
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	if post != 0 {
		tx.rememberHolder(post, holder)
	}
	return st, nil
}
