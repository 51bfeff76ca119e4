package store

// claimPostgres leases due rows in one statement: the CTE locks them with
// FOR UPDATE SKIP LOCKED, so that a concurrent claim on another node passes
// over rows being claimed instead of waiting for them (and, once this one
// commits, re-reads them and sees the lease), and the UPDATE sets the lease
// and counts the claim. $1 is the lease end, $2 now, $3 the limit.
const claimPostgres = `WITH due AS (
	SELECT id FROM outbox
	WHERE status = 'pending' AND next_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)
	ORDER BY next_at, id
	LIMIT $3
	FOR UPDATE SKIP LOCKED
)
UPDATE outbox o SET lease_until = $1, claims = o.claims + 1
FROM due WHERE o.id = due.id
RETURNING o.id, o.mobile, o.template, o.language, o.vars, o.dedupe_key, o.attempts, o.created_at, o.next_at, o.claims`
