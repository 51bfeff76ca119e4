package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/model"
)

// The kinds of agents' actions in ops_actions.
const (
	ActionRegistered = "registered"
	ActionFeedback   = "feedback"
	ActionFollowup   = "followup"
)

// OpsAction is one logged action: a registration, a feedback call or a
// follow-up call. Handling is the time from taking the item from its queue to
// recording the outcome; nil when the item was not taken from a queue by the
// same user.
type OpsAction struct {
	At          time.Time
	Kind        string
	UserID      int64
	ComplaintID int64
	Outcome     string
	Handling    *time.Duration
}

// RegistrationsByHour counts the registrations of the day starting at start,
// hour by hour.
func (c *conn) RegistrationsByHour(ctx context.Context, start time.Time) ([24]int, error) {
	var out [24]int
	rows, err := c.q.QueryContext(ctx, `SELECT (at - $1) / 3600000 AS h, COUNT(*) FROM ops_actions
		WHERE at >= $1 AND at < $2 AND kind = 'registered' GROUP BY h`, ms(start), ms(start.Add(24*time.Hour)))
	if err != nil {
		return out, fmt.Errorf("store: registrations by hour: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h int64
		var n int
		if err := rows.Scan(&h, &n); err != nil {
			return out, err
		}
		if h >= 0 && h < 24 {
			out[h] += n
		}
	}
	return out, rows.Err()
}

// ActionCount is how many actions of a kind a user logged.
type ActionCount struct {
	UserID int64
	Kind   string
	Count  int
}

// ActionCounts counts the actions logged in [from, to), by user and kind.
func (c *conn) ActionCounts(ctx context.Context, from, to time.Time) ([]ActionCount, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT COALESCE(user_id, 0), kind, COUNT(*) FROM ops_actions
		WHERE at >= $1 AND at < $2 GROUP BY user_id, kind`, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("store: action counts: %w", err)
	}
	defer rows.Close()
	var out []ActionCount
	for rows.Next() {
		var a ActionCount
		if err := rows.Scan(&a.UserID, &a.Kind, &a.Count); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// HandlingTimes returns the handling times logged in [from, to), by user.
func (c *conn) HandlingTimes(ctx context.Context, from, to time.Time) (map[int64][]time.Duration, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT user_id, handling_ms FROM ops_actions
		WHERE at >= $1 AND at < $2 AND handling_ms IS NOT NULL AND user_id IS NOT NULL`, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("store: handling times: %w", err)
	}
	defer rows.Close()
	out := map[int64][]time.Duration{}
	for rows.Next() {
		var u, h int64
		if err := rows.Scan(&u, &h); err != nil {
			return nil, err
		}
		out[u] = append(out[u], time.Duration(h)*time.Millisecond)
	}
	return out, rows.Err()
}

// LastActivity returns, for each user who logged an action or took an item
// since since, the time of the latest, keeping only users with a session
// live at sessionNow (sessions run on their own clock).
func (c *conn) LastActivity(ctx context.Context, since, sessionNow time.Time) (map[int64]time.Time, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT a.u, MAX(a.t) FROM (
			SELECT user_id AS u, at AS t FROM ops_actions WHERE at >= $1 AND user_id IS NOT NULL
			UNION ALL
			SELECT agent_user_id AS u, leased_at AS t FROM call_leases WHERE leased_at >= $1 AND agent_user_id IS NOT NULL
		) a
		WHERE EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = a.u AND s.expires_at > $2)
		GROUP BY a.u`, ms(since), ms(sessionNow))
	if err != nil {
		return nil, fmt.Errorf("store: activity: %w", err)
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var u, t int64
		if err := rows.Scan(&u, &t); err != nil {
			return nil, err
		}
		out[u] = fromMS(t)
	}
	return out, rows.Err()
}

// UsersByID loads the users of ids (disabled ones too: they may have worked
// today), keyed by id.
func (c *conn) UsersByID(ctx context.Context, ids []int64) (map[int64]model.User, error) {
	out := map[int64]model.User{}
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		rows, err := c.q.QueryContext(ctx, `SELECT `+userCols+` FROM users WHERE id IN (`+placeholders(1, len(part))+`)`, int64Args(part)...)
		if err != nil {
			return nil, fmt.Errorf("store: users: %w", err)
		}
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[u.ID] = u
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// QueueFigures are a queue's numbers at an instant.
type QueueFigures struct {
	// Waiting items are due a call and not taken.
	Waiting int
	// InCall items are leased to an agent now.
	InCall int
	// Resting items were called and wait to be tried again.
	Resting int
	// Oldest is the sort key of the first waiting item: its report time in
	// the feedback queue, its deadline in the follow-up queue, its last change
	// at the re-route desk. Nil when nothing waits.
	Oldest *time.Time
}

// QueueFigures counts queue at now (dueBy bounds the follow-up queue) along
// the indexes the queues are served from.
func (c *conn) QueueFigures(ctx context.Context, queue string, now, dueBy time.Time) (QueueFigures, error) {
	var f QueueFigures
	var oldest sql.NullInt64
	if queue == "reroute" {
		err := c.q.QueryRowContext(ctx, `SELECT COUNT(*), MIN(updated_at) FROM complaints WHERE status = 'returned'`).Scan(&f.Waiting, &oldest)
		if err != nil {
			return f, fmt.Errorf("store: re-route desk figures: %w", err)
		}
		f.Oldest = fromNullMS(oldest)
		return f, nil
	}
	args := []any{queue, ms(now)}
	dueArg := ""
	if queue == QueueFollowup {
		args = append(args, ms(dueBy))
		dueArg = "$3"
	}
	cond := eligible(queue, dueArg)
	key := strings.SplitN(queueOrder(queue), ",", 2)[0]
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*), MIN(`+key+`) FROM complaints c WHERE `+cond+`
		AND NOT EXISTS (SELECT 1 FROM call_leases l WHERE l.queue = $1 AND l.complaint_id = c.id AND l.until > $2)`, args...).
		Scan(&f.Waiting, &oldest)
	if err != nil {
		return f, fmt.Errorf("store: %s queue figures: %w", queue, err)
	}
	f.Oldest = fromNullMS(oldest)
	err = c.q.QueryRowContext(ctx, `SELECT
			COALESCE(SUM(CASE WHEN l.agent_user_id IS NOT NULL THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN l.agent_user_id IS NULL THEN 1 ELSE 0 END), 0)
		FROM call_leases l JOIN complaints c ON c.id = l.complaint_id
		WHERE l.queue = $1 AND l.until > $2 AND `+cond, args...).Scan(&f.InCall, &f.Resting)
	if err != nil {
		return f, fmt.Errorf("store: %s queue leases: %w", queue, err)
	}
	return f, nil
}
