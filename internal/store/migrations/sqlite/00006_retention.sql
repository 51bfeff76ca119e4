-- +goose Up
-- Rows that outlive their use are deleted by the hour (store/retention.go):
-- expired sessions, and idempotency keys past the retry window. These indexes
-- let the deletions find them without reading the tables whole.
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);

-- +goose Down
DROP INDEX idempotency_keys_created;
DROP INDEX sessions_expires;
