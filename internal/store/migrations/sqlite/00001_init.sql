-- +goose Up
-- Instants are stored as integer milliseconds since the Unix epoch, UTC, in both
-- dialects, so that one set of queries compares and orders them the same way.

CREATE TABLE areas (
    id        INTEGER PRIMARY KEY,
    kind      TEXT    NOT NULL,
    code      TEXT    NOT NULL,
    name_en   TEXT    NOT NULL,
    name_hi   TEXT    NOT NULL,
    parent_id INTEGER REFERENCES areas(id),
    search    TEXT    NOT NULL DEFAULT '',
    generated BOOLEAN NOT NULL DEFAULT FALSE,
    demo      BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX areas_kind_code ON areas(kind, code);
CREATE INDEX areas_parent ON areas(parent_id, kind);

-- area_ancestors is the closure of the tree: one row per (area, ancestor-or-self).
CREATE TABLE area_ancestors (
    area_id     INTEGER NOT NULL REFERENCES areas(id),
    ancestor_id INTEGER NOT NULL REFERENCES areas(id),
    depth       INTEGER NOT NULL,
    PRIMARY KEY (area_id, ancestor_id)
);
CREATE INDEX area_ancestors_ancestor ON area_ancestors(ancestor_id, area_id);

CREATE TABLE departments (
    id      INTEGER PRIMARY KEY,
    code    TEXT NOT NULL UNIQUE,
    name_en TEXT NOT NULL,
    name_hi TEXT NOT NULL
);

CREATE TABLE designations (
    id            INTEGER PRIMARY KEY,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    code          TEXT    NOT NULL UNIQUE,
    name_en       TEXT    NOT NULL,
    name_hi       TEXT    NOT NULL,
    area_kind     TEXT    NOT NULL,
    tier          INTEGER NOT NULL DEFAULT 0,
    nodal         BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE posts (
    id                 INTEGER PRIMARY KEY,
    department_id      INTEGER NOT NULL REFERENCES departments(id),
    designation_id     INTEGER NOT NULL REFERENCES designations(id),
    area_id            INTEGER NOT NULL REFERENCES areas(id),
    title_en           TEXT    NOT NULL,
    title_hi           TEXT    NOT NULL,
    supervisor_post_id INTEGER REFERENCES posts(id),
    nodal              BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX posts_designation_area ON posts(designation_id, area_id);
CREATE INDEX posts_department_area ON posts(department_id, area_id);
CREATE INDEX posts_supervisor ON posts(supervisor_post_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL DEFAULT '',
    roles         TEXT    NOT NULL,
    officer_id    INTEGER,
    area_id       INTEGER REFERENCES areas(id),
    mobile        TEXT    NOT NULL DEFAULT '',
    language      TEXT    NOT NULL DEFAULT 'hi',
    demo          BOOLEAN NOT NULL DEFAULT FALSE,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX users_mobile ON users(mobile);

CREATE TABLE officers (
    id      INTEGER PRIMARY KEY,
    name    TEXT    NOT NULL,
    mobile  TEXT    NOT NULL,
    user_id INTEGER REFERENCES users(id)
);

CREATE TABLE postings (
    id         INTEGER PRIMARY KEY,
    officer_id INTEGER NOT NULL REFERENCES officers(id),
    post_id    INTEGER NOT NULL REFERENCES posts(id),
    from_at    BIGINT  NOT NULL,
    to_at      BIGINT
);
-- One holder per post at a time; an officer may hold several posts.
CREATE UNIQUE INDEX postings_current_post ON postings(post_id) WHERE to_at IS NULL;
CREATE INDEX postings_officer ON postings(officer_id, to_at);
CREATE INDEX postings_post_history ON postings(post_id, from_at);

CREATE TABLE categories (
    id              INTEGER PRIMARY KEY,
    code            TEXT    NOT NULL UNIQUE,
    department_id   INTEGER NOT NULL REFERENCES departments(id),
    designation_id  INTEGER NOT NULL REFERENCES designations(id),
    name_en         TEXT    NOT NULL,
    name_hi         TEXT    NOT NULL,
    keywords        TEXT    NOT NULL DEFAULT '',
    sla0            INTEGER NOT NULL,
    sla1            INTEGER NOT NULL,
    sla2            INTEGER NOT NULL,
    sla3            INTEGER NOT NULL,
    sla4            INTEGER NOT NULL,
    special_closure BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX categories_department ON categories(department_id);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE blocked_numbers (
    id             INTEGER PRIMARY KEY,
    mobile         TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    by_user_id     INTEGER REFERENCES users(id),
    since          BIGINT  NOT NULL,
    until          BIGINT,
    unblocked_at   BIGINT,
    unblocked_by   INTEGER REFERENCES users(id),
    unblock_reason TEXT
);
CREATE UNIQUE INDEX blocked_numbers_current ON blocked_numbers(mobile) WHERE unblocked_at IS NULL;

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE TABLE complaints (
    id                   INTEGER PRIMARY KEY,
    ref                  TEXT    NOT NULL UNIQUE,
    channel              TEXT    NOT NULL,
    name                 TEXT    NOT NULL,
    mobile               TEXT    NOT NULL,
    address              TEXT    NOT NULL DEFAULT '',
    language             TEXT    NOT NULL DEFAULT 'hi',
    category_id          INTEGER NOT NULL REFERENCES categories(id),
    department_id        INTEGER NOT NULL REFERENCES departments(id),
    area_id              INTEGER NOT NULL REFERENCES areas(id),
    district_id          INTEGER REFERENCES areas(id),
    description          TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    closure_reason       TEXT,
    level                INTEGER NOT NULL DEFAULT 0,
    accountable_post_id  INTEGER REFERENCES posts(id),
    marked_post_id       INTEGER REFERENCES posts(id),
    due_at               BIGINT  NOT NULL,
    registered_at        BIGINT  NOT NULL,
    closed_at            BIGINT,
    reported_at          BIGINT,
    reopen_count         INTEGER NOT NULL DEFAULT 0,
    feedback_attempts    INTEGER NOT NULL DEFAULT 0,
    return_count         INTEGER NOT NULL DEFAULT 0,
    special_closure      BOOLEAN NOT NULL DEFAULT FALSE,
    special_closure_code TEXT    NOT NULL DEFAULT '',
    report_hashes        TEXT    NOT NULL DEFAULT '',
    verification_sample  BOOLEAN NOT NULL DEFAULT FALSE,
    overdue_at_top       BOOLEAN NOT NULL DEFAULT FALSE,
    registered_by        INTEGER REFERENCES users(id),
    version              INTEGER NOT NULL DEFAULT 0,
    updated_at           BIGINT  NOT NULL
);
CREATE INDEX complaints_mobile ON complaints(mobile, registered_at);
CREATE INDEX complaints_accountable ON complaints(accountable_post_id, status, due_at, id);
CREATE INDEX complaints_marked ON complaints(marked_post_id, status, due_at, id);
CREATE INDEX complaints_due ON complaints(status, due_at, id);
CREATE INDEX complaints_reported ON complaints(status, reported_at, id);
CREATE INDEX complaints_area ON complaints(area_id, id);
CREATE INDEX complaints_district ON complaints(district_id, status);

CREATE TABLE complaint_events (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id),
    at            BIGINT  NOT NULL,
    kind          TEXT    NOT NULL,
    actor_user_id INTEGER,
    actor_name    TEXT    NOT NULL DEFAULT '',
    actor_post_id INTEGER,
    level         INTEGER NOT NULL,
    from_level    INTEGER,
    to_level      INTEGER,
    from_post_id  INTEGER,
    to_post_id    INTEGER,
    note          TEXT    NOT NULL DEFAULT '',
    payload       TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX complaint_events_complaint ON complaint_events(complaint_id, id);
CREATE INDEX complaint_events_kind ON complaint_events(kind, at);

CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    post_id      INTEGER NOT NULL,
    officer_id   INTEGER,
    officer_name TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    hash         TEXT    NOT NULL,
    attachments  TEXT    NOT NULL DEFAULT '',
    special      BOOLEAN NOT NULL DEFAULT FALSE,
    at           BIGINT  NOT NULL
);
CREATE INDEX reports_complaint ON reports(complaint_id, id);
CREATE INDEX reports_post_hash ON reports(post_id, hash);

CREATE TABLE feedback_calls (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id),
    agent_user_id INTEGER NOT NULL,
    attempt       INTEGER NOT NULL,
    outcome       TEXT    NOT NULL,
    remarks       TEXT    NOT NULL DEFAULT '',
    at            BIGINT  NOT NULL
);
CREATE INDEX feedback_calls_complaint ON feedback_calls(complaint_id);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    sha256       TEXT    NOT NULL,
    storage_key  TEXT    NOT NULL,
    uploaded_by  INTEGER NOT NULL,
    complaint_id INTEGER REFERENCES complaints(id),
    created_at   BIGINT  NOT NULL
);

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER REFERENCES complaints(id),
    post_id      INTEGER,
    mobile       TEXT    NOT NULL,
    template     TEXT    NOT NULL,
    language     TEXT    NOT NULL,
    vars         TEXT    NOT NULL DEFAULT '{}',
    dedupe_key   TEXT    NOT NULL UNIQUE,
    status       TEXT    NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      BIGINT  NOT NULL,
    lease_until  BIGINT,
    created_at   BIGINT  NOT NULL,
    sent_at      BIGINT,
    provider     TEXT    NOT NULL DEFAULT '',
    provider_id  TEXT    NOT NULL DEFAULT '',
    last_error   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(status, next_at, id);
CREATE INDEX outbox_provider_id ON outbox(provider_id);

CREATE TABLE idempotency_keys (
    user_id      INTEGER NOT NULL,
    key          TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    status_code  INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- +goose Down
SELECT 1;
