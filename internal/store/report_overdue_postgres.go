package store

// overdueFromPostgres is the overdue count's FROM clause on PostgreSQL, which
// has no index hints and needs none here.
const overdueFromPostgres = `complaints c`
