package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Leased queues. An agent takes the next item of a queue with LeaseNext,
// which leases it to the agent until a given time; outcomes end the lease
// with ReleaseLease. The leases live in call_leases, one row per queue and
// complaint, and taking an item is one conditional upsert on that row: it
// inserts a lease, or takes over a row whose time has passed, and does
// nothing when another agent's lease (or a rest) still runs. On PostgreSQL
// two nodes racing for one row serialise on its primary key — the loser
// waits for the winner's commit, sees the live lease and moves to the next
// candidate (and agents skip the complaints that others are taking at that
// moment); on SQLite the single writer serialises them outright. Either
// way no two agents hold the same item.

// The queues.
const (
	QueueFeedback = "feedback"
	QueueFollowup = "followup"
)

// Lease is an item of a queue held by an agent.
type Lease struct {
	Queue       string
	ComplaintID int64
	AgentUserID int64
	LeasedAt    time.Time
	Until       time.Time
	// Key is the item's sort key in its queue: its report time (feedback) or
	// deadline (follow-up).
	Key time.Time
}

// LeaseRequest asks for the next item of a queue.
type LeaseRequest struct {
	Queue string
	Agent int64
	Now   time.Time
	// Until is when the lease runs out.
	Until time.Time
	// DueBy bounds the follow-up queue: complaints due at or before it.
	DueBy time.Time
	// From, when set, starts the walk along the queue at this sort key
	// (report time or deadline): the caller knows the items before it were
	// taken or resting a moment ago.
	From time.Time
}

// leaseCandidates is how many items one round of LeaseNext tries.
const leaseCandidates = 8

// eligible is the condition, on complaints c, of an item of queue q: $n is
// DueBy for the follow-up queue. Held items are only checked for status.
func eligible(q string, dueBy string) string {
	if q == QueueFollowup {
		cond := "c.status = 'open'"
		if dueBy != "" {
			cond += " AND c.due_at <= " + dueBy
		}
		return cond
	}
	return "c.status = 'reported'"
}

// queueOrder is the order items of queue q are handed out in: the oldest
// report first for feedback calls, the most urgent deadline first for
// follow-ups. Both follow an index of complaints.
func queueOrder(q string) string {
	if q == QueueFollowup {
		return "c.due_at, c.id"
	}
	return "c.reported_at, c.id"
}

// LeaseNext leases the next item of r.Queue to r.Agent until r.Until and
// returns the lease, or ErrNotFound when nothing is due. An agent who
// already holds a live lease in the queue gets the same item again, with the
// lease renewed and its start kept, so that a reloaded console never hands
// out a second item.
func (tx *Tx) LeaseNext(ctx context.Context, r LeaseRequest) (Lease, error) {
	if r.Queue != QueueFeedback && r.Queue != QueueFollowup {
		return Lease{}, fmt.Errorf("store: lease: unknown queue %q", r.Queue)
	}
	now, until := ms(r.Now), ms(r.Until)
	var id, leasedAt int64
	err := tx.q.QueryRowContext(ctx, `SELECT l.complaint_id, COALESCE(l.leased_at, 0) FROM call_leases l
		JOIN complaints c ON c.id = l.complaint_id
		WHERE l.agent_user_id = $1 AND l.queue = $2 AND l.until > $3 AND `+eligible(r.Queue, "")+`
		ORDER BY l.leased_at LIMIT 1`, r.Agent, r.Queue, now).Scan(&id, &leasedAt)
	switch {
	case err == nil:
		if _, err := tx.q.ExecContext(ctx, `UPDATE call_leases SET until = $1 WHERE queue = $2 AND complaint_id = $3 AND agent_user_id = $4`,
			until, r.Queue, id, r.Agent); err != nil {
			return Lease{}, fmt.Errorf("store: renew lease: %w", err)
		}
		return Lease{Queue: r.Queue, ComplaintID: id, AgentUserID: r.Agent, LeasedAt: fromMS(leasedAt), Until: r.Until}, nil
	case !errors.Is(err, sql.ErrNoRows):
		return Lease{}, fmt.Errorf("store: held lease: %w", err)
	}
	args := []any{r.Queue, now}
	dueBy := ""
	if r.Queue == QueueFollowup {
		args = append(args, ms(r.DueBy))
		dueBy = "$" + fmt.Sprint(len(args))
	}
	key := strings.SplitN(queueOrder(r.Queue), ",", 2)[0]
	from := ""
	if !r.From.IsZero() {
		args = append(args, ms(r.From))
		from = " AND " + key + " >= $" + fmt.Sprint(len(args))
	}
	per, rounds := leaseCandidates, 4
	lock := ""
	if tx.dialect == Postgres {
		// Agents racing for the head of a queue would otherwise queue up on
		// its first lease row, each waiting for the previous one's commit:
		// each locks one candidate and skips those other agents are taking
		// at that moment. (The lock is the one UPDATE takes, so a change of
		// the complaint waits for this short transaction; a taker whose
		// snapshot predates another's lease still loses on the lease row's
		// upsert, and tries again.)
		per, rounds, lock = 1, 4*leaseCandidates, ` FOR NO KEY UPDATE OF c SKIP LOCKED`
	}
	// The lease check is a scalar subquery, one primary-key look-up per
	// complaint read along the queue's index until enough are found: an
	// anti-join would let the planner (misled by a young table's
	// statistics) compare every complaint with every lease.
	q := `SELECT c.id, ` + key + ` FROM complaints c WHERE ` + eligible(r.Queue, dueBy) + from + `
		AND COALESCE((SELECT l.until FROM call_leases l WHERE l.queue = $1 AND l.complaint_id = c.id), 0) <= $2
		ORDER BY ` + queueOrder(r.Queue) + ` LIMIT ` + fmt.Sprint(per) + lock
	for round := 0; round < rounds; round++ {
		ids, err := tx.pairs(ctx, q, args...)
		if err != nil {
			return Lease{}, fmt.Errorf("store: lease candidates: %w", err)
		}
		for _, id := range ids {
			ok, err := tx.takeLease(ctx, r, id[0])
			if err != nil {
				return Lease{}, err
			}
			if ok {
				return Lease{Queue: r.Queue, ComplaintID: id[0], AgentUserID: r.Agent, LeasedAt: r.Now.UTC(), Until: r.Until,
					Key: fromMS(id[1])}, nil
			}
		}
		if len(ids) < per {
			break
		}
	}
	return Lease{}, fmt.Errorf("store: lease %s: %w", r.Queue, ErrNotFound)
}

// takeLease leases complaint id to r.Agent unless a live lease or rest
// stands, and checks that the complaint is still an item of the queue (a
// change committed since the candidates were read may have taken it out).
func (tx *Tx) takeLease(ctx context.Context, r LeaseRequest, id int64) (bool, error) {
	now := ms(r.Now)
	var got int64
	err := tx.q.QueryRowContext(ctx, `INSERT INTO call_leases (queue, complaint_id, agent_user_id, leased_at, until)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (queue, complaint_id) DO UPDATE SET agent_user_id = excluded.agent_user_id,
			leased_at = excluded.leased_at, until = excluded.until
		WHERE call_leases.until <= excluded.leased_at
		RETURNING complaint_id`, r.Queue, id, r.Agent, now, ms(r.Until)).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: take lease: %w", err)
	}
	var still int
	err = tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints c WHERE c.id = $1 AND `+eligible(r.Queue, ""), id).Scan(&still)
	if err != nil {
		return false, fmt.Errorf("store: check leased item: %w", err)
	}
	if still == 0 {
		_, err := tx.q.ExecContext(ctx, `DELETE FROM call_leases WHERE queue = $1 AND complaint_id = $2 AND agent_user_id = $3`, r.Queue, id, r.Agent)
		return false, err
	}
	return true, nil
}

// ReleaseLease ends whatever holds complaint in queue after user recorded
// an outcome at now. It returns how long user had held the item (from taking
// it to now) and true, or false when user did not hold it. When rest is
// after now the complaint stays out of the queue until then.
func (tx *Tx) ReleaseLease(ctx context.Context, queue string, complaintID, user int64, now, rest time.Time) (time.Duration, bool, error) {
	var agent, leasedAt sql.NullInt64
	err := tx.q.QueryRowContext(ctx, `SELECT agent_user_id, leased_at FROM call_leases WHERE queue = $1 AND complaint_id = $2`,
		queue, complaintID).Scan(&agent, &leasedAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("store: read lease: %w", err)
	}
	var held time.Duration
	ok := err == nil && agent.Valid && agent.Int64 == user && user != 0 && leasedAt.Valid
	if ok {
		held = max(now.Sub(fromMS(leasedAt.Int64)), 0)
	}
	if rest.After(now) {
		_, err = tx.q.ExecContext(ctx, `INSERT INTO call_leases (queue, complaint_id, agent_user_id, leased_at, until)
			VALUES ($1, $2, NULL, NULL, $3)
			ON CONFLICT (queue, complaint_id) DO UPDATE SET agent_user_id = NULL, leased_at = NULL, until = excluded.until`,
			queue, complaintID, ms(rest))
	} else if err == nil {
		_, err = tx.q.ExecContext(ctx, `DELETE FROM call_leases WHERE queue = $1 AND complaint_id = $2`, queue, complaintID)
	} else {
		err = nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: release lease: %w", err)
	}
	return held, ok, nil
}

// DropLease forgets whatever holds complaint in queue: the complaint has
// left the queue, or its deadline moved and a new round of calls begins.
func (tx *Tx) DropLease(ctx context.Context, queue string, complaintID int64) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM call_leases WHERE queue = $1 AND complaint_id = $2`, queue, complaintID); err != nil {
		return fmt.Errorf("store: drop lease: %w", err)
	}
	return nil
}

// LeaseOf returns the live lease or rest of complaint in queue (AgentUserID 0
// for a rest), or ErrNotFound.
func (c *conn) LeaseOf(ctx context.Context, queue string, complaintID int64, now time.Time) (Lease, error) {
	var agent, leasedAt sql.NullInt64
	var until int64
	err := c.q.QueryRowContext(ctx, `SELECT agent_user_id, leased_at, until FROM call_leases
		WHERE queue = $1 AND complaint_id = $2 AND until > $3`, queue, complaintID, ms(now)).Scan(&agent, &leasedAt, &until)
	if err != nil {
		return Lease{}, notFound(err, "lease")
	}
	l := Lease{Queue: queue, ComplaintID: complaintID, AgentUserID: agent.Int64, Until: fromMS(until)}
	if leasedAt.Valid {
		l.LeasedAt = fromMS(leasedAt.Int64)
	}
	return l, nil
}

// pairs runs a query of two integer columns.
func (c *conn) pairs(ctx context.Context, q string, args ...any) ([][2]int64, error) {
	rows, err := c.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]int64
	for rows.Next() {
		var p [2]int64
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
