package store

// claimSQLite leases due rows with one UPDATE. SQLite has no row locks and
// needs none: the statement runs in a write transaction, and there is one
// writer at a time, so no other claim can read the rows between the SELECT
// and the UPDATE. (Parameters in order of first appearance: SQLite numbers
// them that way.) $1 is the lease end, $2 now, $3 the limit.
const claimSQLite = `UPDATE outbox SET lease_until = $1, claims = claims + 1
WHERE id IN (
	SELECT id FROM outbox
	WHERE status = 'pending' AND next_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)
	ORDER BY next_at, id
	LIMIT $3
)
RETURNING ` + claimCols
