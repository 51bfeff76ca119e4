-- +goose Up
-- Call-centre operations (issue 7): the leased queues and the log of agents'
-- actions behind the live board.

-- call_leases holds one row per queue ('feedback', 'followup') and complaint
-- that is out of its queue for a while. With agent_user_id set, the
-- complaint is leased to that agent from leased_at until `until`; with
-- agent_user_id NULL it rests until `until` (an unanswered call is tried again
-- later; an officer who answered is not phoned again about the same
-- deadline). A row whose `until` has passed means nothing. Taking an item is
-- one conditional upsert on the primary key, so that two agents, on any
-- number of nodes, never hold the same item.
CREATE TABLE call_leases (
    queue         TEXT    NOT NULL,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id),
    agent_user_id INTEGER,
    leased_at     BIGINT,
    until         BIGINT  NOT NULL,
    PRIMARY KEY (queue, complaint_id)
);
CREATE INDEX call_leases_agent ON call_leases(agent_user_id, queue, until);
CREATE INDEX call_leases_leased_at ON call_leases(leased_at);

-- ops_actions logs every registration, feedback call and follow-up call as it
-- is saved (in the same transaction), with who and, for items taken from a
-- queue, the handling time from taking the item to recording its outcome.
-- The live board reads today's rows through the index on `at`; it never
-- scans the complaints.
CREATE TABLE ops_actions (
    id           INTEGER PRIMARY KEY,
    at           BIGINT  NOT NULL,
    kind         TEXT    NOT NULL,
    user_id      INTEGER,
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    outcome      TEXT    NOT NULL DEFAULT '',
    handling_ms  BIGINT
);
CREATE INDEX ops_actions_at ON ops_actions(at, kind, user_id);

-- +goose Down
SELECT 1;
