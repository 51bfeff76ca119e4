package store

// overdueFrom is the FROM clause of the overdue count. SQLite is told to read
// the partial covering index of open complaints by due date: left to itself,
// a connection whose statistics went stale (opened before a bulk load) may
// prefer complaints_due and read every open row from the table. PostgreSQL's
// planner takes the partial index on its own (overdueFromPostgres).
func overdueFrom(d Dialect) string {
	if d == SQLite {
		return `complaints c INDEXED BY complaints_open_due`
	}
	return overdueFromPostgres
}
