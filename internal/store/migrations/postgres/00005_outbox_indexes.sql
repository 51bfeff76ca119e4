-- +goose Up
-- Leaner outbox indexes. Every SMS is inserted pending, claimed and marked
-- sent; an index over every row pays at each of those writes, and the intake
-- benchmark showed the two below costing registrations a good part of their
-- rate. They now hold only the rows their readers look for, so that inserting
-- a pending message touches neither.

-- Delivery receipts name a message the provider accepted: only rows that
-- have a provider's message id (the receipt query says so too).
DROP INDEX outbox_receipt;
CREATE INDEX outbox_receipt ON outbox(provider, provider_id) WHERE provider_id <> '';

-- The admin list by status, newest first, for every status but pending (the
-- list query says so); pending messages are the newest, which the primary key
-- reaches at once, and have outbox_pending besides.
DROP INDEX outbox_status_id;
CREATE INDEX outbox_status_id ON outbox(status, id) WHERE status <> 'pending';

-- +goose Down
DROP INDEX outbox_status_id;
CREATE INDEX outbox_status_id ON outbox(status, id);
DROP INDEX outbox_receipt;
CREATE INDEX outbox_receipt ON outbox(provider, provider_id);
