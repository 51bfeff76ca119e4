-- +goose Up
-- Reports (issue 6): pendency counters, monthly tallies, the ranking rubric
-- as data, frozen rankings, the verification sample.

-- The counters and tallies are read by key ranges and updated in place: on
-- SQLite they are WITHOUT ROWID tables, clustered on their key, so that a
-- month's tallies or a district's counters are read without a lookup per row.

-- Pendency counters: how many complaints sit in each (district, department,
-- accountable post, level, bucket), kept exact by a change hook in the
-- transaction of every complaint change (−1 for the complaint as it was, +1
-- as it is). bucket is the status, or "closed_<closure reason>". District 0:
-- the place lies above any district; post 0: no post (unroutable).
CREATE TABLE pendency_counts (
    district_id   BIGINT  NOT NULL,
    department_id BIGINT  NOT NULL,
    post_id       BIGINT  NOT NULL,
    level         INTEGER NOT NULL,
    bucket        TEXT    NOT NULL,
    n             BIGINT  NOT NULL,
    PRIMARY KEY (district_id, department_id, post_id, level, bucket)
) WITHOUT ROWID;
CREATE INDEX pendency_counts_post ON pendency_counts(post_id);

-- The same counts rolled up to district × department, one row per pair and a
-- column per count (open work per level, of which awaiting a special-closure
-- decision, reported, returned, closed satisfied, closed otherwise), kept by
-- the same hook, so that the state-wide reports read a few thousand rows.
CREATE TABLE pendency_rollup (
    district_id      BIGINT NOT NULL,
    department_id    BIGINT NOT NULL,
    open_l0          BIGINT NOT NULL DEFAULT 0,
    open_l1          BIGINT NOT NULL DEFAULT 0,
    open_l2          BIGINT NOT NULL DEFAULT 0,
    open_l3          BIGINT NOT NULL DEFAULT 0,
    open_l4          BIGINT NOT NULL DEFAULT 0,
    special_pending  BIGINT NOT NULL DEFAULT 0,
    reported         BIGINT NOT NULL DEFAULT 0,
    returned         BIGINT NOT NULL DEFAULT 0,
    closed_satisfied BIGINT NOT NULL DEFAULT 0,
    closed_other     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (district_id, department_id)
) WITHOUT ROWID;

-- Start the counters from the complaints already there.
INSERT INTO pendency_counts (district_id, department_id, post_id, level, bucket, n)
SELECT COALESCE(district_id, 0), department_id, COALESCE(accountable_post_id, 0), level,
       CASE WHEN status <> 'closed' THEN status
            WHEN closure_reason IS NULL OR closure_reason = '' THEN 'closed'
            ELSE 'closed_' || closure_reason END,
       COUNT(*)
FROM complaints GROUP BY 1, 2, 3, 4, 5;
INSERT INTO pendency_rollup (district_id, department_id, open_l0, open_l1, open_l2, open_l3, open_l4,
    special_pending, reported, returned, closed_satisfied, closed_other)
SELECT district_id, department_id,
    SUM(CASE WHEN bucket IN ('open', 'special_closure_pending') AND level = 0 THEN n ELSE 0 END),
    SUM(CASE WHEN bucket IN ('open', 'special_closure_pending') AND level = 1 THEN n ELSE 0 END),
    SUM(CASE WHEN bucket IN ('open', 'special_closure_pending') AND level = 2 THEN n ELSE 0 END),
    SUM(CASE WHEN bucket IN ('open', 'special_closure_pending') AND level = 3 THEN n ELSE 0 END),
    SUM(CASE WHEN bucket IN ('open', 'special_closure_pending') AND level = 4 THEN n ELSE 0 END),
    SUM(CASE WHEN bucket = 'special_closure_pending' THEN n ELSE 0 END),
    SUM(CASE WHEN bucket = 'reported' THEN n ELSE 0 END),
    SUM(CASE WHEN bucket = 'returned' THEN n ELSE 0 END),
    SUM(CASE WHEN bucket = 'closed_satisfied' THEN n ELSE 0 END),
    SUM(CASE WHEN bucket LIKE 'closed%' AND bucket <> 'closed_satisfied' THEN n ELSE 0 END)
FROM pendency_counts GROUP BY district_id, department_id;

-- Overdue is a matter of the clock, so it is counted when read: open work past
-- its due date, from this partial index (only open complaints, and every
-- column the count groups or filters by, so the count never reads the table).
CREATE INDEX complaints_open_due ON complaints(due_at, district_id, department_id, accountable_post_id, level, area_id, status)
    WHERE status IN ('open', 'special_closure_pending');

-- Monthly tallies of the events the ranking marks (report.Measure), per IST
-- month (YYYYMM), district, department and post, kept by the same hook.
-- A database that had complaints before this migration gets its past months
-- from "nivaran check counters --fix", which replays the history.
CREATE TABLE report_tallies (
    month         INTEGER NOT NULL,
    district_id   BIGINT  NOT NULL,
    department_id BIGINT  NOT NULL,
    post_id       BIGINT  NOT NULL,
    measure       TEXT    NOT NULL,
    n             BIGINT  NOT NULL,
    PRIMARY KEY (month, district_id, department_id, post_id, measure)
) WITHOUT ROWID;

-- The ranking rubric as data: a government order that changes the marking
-- scheme is a new version, in force from effective_month (YYYYMM).
CREATE TABLE rubric_versions (
    version         INTEGER PRIMARY KEY,
    code            TEXT    NOT NULL UNIQUE,
    name_en         TEXT    NOT NULL,
    name_hi         TEXT    NOT NULL,
    effective_month INTEGER NOT NULL UNIQUE,
    order_ref       TEXT    NOT NULL DEFAULT '',
    created_at      BIGINT  NOT NULL
);
-- One marking point: value = Σ numerator ÷ Σ denominator (measures joined by
-- "+"), marks = max_marks × clamp((value − zero_at) ÷ (full_at − zero_at), 0, 1).
CREATE TABLE rubric_parameters (
    version        INTEGER NOT NULL REFERENCES rubric_versions(version),
    position       INTEGER NOT NULL,
    code           TEXT    NOT NULL,
    name_en        TEXT    NOT NULL,
    name_hi        TEXT    NOT NULL,
    description_en TEXT    NOT NULL DEFAULT '',
    description_hi TEXT    NOT NULL DEFAULT '',
    numerator      TEXT    NOT NULL,
    denominator    TEXT    NOT NULL,
    direction      TEXT    NOT NULL CHECK (direction IN ('higher_better', 'lower_better')),
    max_marks      REAL      NOT NULL,
    full_at        REAL      NOT NULL,
    zero_at        REAL      NOT NULL,
    PRIMARY KEY (version, position),
    UNIQUE (version, code)
);
INSERT INTO rubric_versions (version, code, name_en, name_hi, effective_month, order_ref, created_at)
VALUES (1, 'nivaran-2026-default', 'nivaran default rubric', 'निवारण मानक अंक-योजना', 200001, 'nivaran default (no government order)', 0);
INSERT INTO rubric_parameters (version, position, code, name_en, name_hi, description_en, description_hi, numerator, denominator, direction, max_marks, full_at, zero_at) VALUES
(1, 1, 'satisfied_share', 'Citizens satisfied', 'संतुष्ट शिकायतकर्ता',
 'Share of feedback answers on the unit''s reports that were "satisfied"', 'इकाई की आख्याओं पर प्रतिपुष्टि में "संतुष्ट" उत्तरों का अनुपात',
 'fb_satisfied', 'fb_satisfied+fb_not_satisfied', 'higher_better', 35, 0.9, 0.4),
(1, 2, 'verification_mismatch', 'Verification mismatches', 'सत्यापन में असंगति',
 'Share of the unit''s closures re-verified by a second call that the citizen contradicted', 'दोबारा फ़ोन करके सत्यापित निस्तारणों में से जिनका शिकायतकर्ता ने खंडन किया',
 'verify_mismatch', 'verified', 'lower_better', 10, 0, 0.2),
(1, 3, 'reopen_rate', 'Reopened', 'पुनः खोली गई',
 'Reports sent back (citizen not satisfied, or verification mismatch) per disposal', 'प्रति निस्तारण वापस लौटी आख्याएँ (असंतुष्ट शिकायतकर्ता या सत्यापन में असंगति)',
 'reopened', 'disposed', 'lower_better', 10, 0.05, 0.4),
(1, 4, 'disposed_in_time', 'Disposed within time', 'समय-सीमा में निस्तारण',
 'Share of deadlines that ended in a disposal within time rather than in an escalation', 'समय-सीमाओं में से जिनका अंत एस्केलेशन के बजाय समय पर निस्तारण से हुआ',
 'disposed_in_time', 'disposed+defaulted', 'higher_better', 15, 0.95, 0.5),
(1, 5, 'defaulter_rate', 'Defaulters', 'डिफ़ॉल्टर',
 'Escalations caused (deadlines let pass) per complaint received', 'प्राप्त प्रति शिकायत पर हुए एस्केलेशन (बीती समय-सीमाएँ)',
 'defaulted', 'received', 'lower_better', 10, 0, 0.3),
(1, 6, 'special_closure_share', 'Special closures', 'विशेष निस्तारण',
 'Special-closure requests per disposal', 'प्रति निस्तारण विशेष निस्तारण (स्पेशल क्लोज) के अनुरोध',
 'sc_requested', 'disposed', 'lower_better', 5, 0.05, 0.25),
(1, 7, 'special_closure_approval', 'Special closures approved', 'स्वीकृत विशेष निस्तारण',
 'Share of the unit''s special-closure requests that the supervisor approved', 'इकाई के विशेष निस्तारण अनुरोधों में से पर्यवेक्षक द्वारा स्वीकृत',
 'sc_approved', 'sc_approved+sc_rejected', 'higher_better', 5, 1, 0.5),
(1, 8, 'returns_per_complaint', 'Returned as not ours', '"हमारा नहीं" कहकर लौटाई गई',
 'Complaints returned to the re-route desk per complaint received', 'प्राप्त प्रति शिकायत पर पुनः अग्रेषण डेस्क को लौटाई गई शिकायतें',
 'returned', 'received', 'lower_better', 5, 0.02, 0.2),
(1, 9, 'unreachable_share', 'Citizen unreachable', 'शिकायतकर्ता से संपर्क नहीं',
 'Share of feedback-concluded complaints closed because the citizen could not be reached', 'प्रतिपुष्टि से समाप्त शिकायतों में से जो शिकायतकर्ता से संपर्क न होने पर बंद हुईं',
 'closed_unreachable', 'fb_satisfied+fb_not_satisfied+closed_unreachable', 'lower_better', 5, 0.05, 0.3);

-- Rankings of past months, frozen when first computed: a run per (month, what
-- is ranked), and its rows with the names and marks as they were.
CREATE TABLE ranking_runs (
    month          INTEGER NOT NULL,
    unit_kind      TEXT    NOT NULL,
    rubric_version INTEGER NOT NULL REFERENCES rubric_versions(version),
    computed_at    BIGINT  NOT NULL,
    PRIMARY KEY (month, unit_kind)
);
CREATE TABLE ranking_rows (
    month      INTEGER NOT NULL,
    unit_kind  TEXT    NOT NULL,
    unit_id    BIGINT  NOT NULL,
    rank       INTEGER NOT NULL,
    score      REAL      NOT NULL,
    max_score  REAL      NOT NULL,
    name_en    TEXT    NOT NULL,
    name_hi    TEXT    NOT NULL,
    parameters TEXT    NOT NULL,
    PRIMARY KEY (month, unit_kind, unit_id)
);
CREATE INDEX ranking_rows_rank ON ranking_rows(month, unit_kind, rank, unit_id);

-- The verification sample: closures a supervisor calls the citizen about
-- again. One row per closure (a complaint closed, reopened and closed again
-- may be drawn again); reason "sample" (the daily random draw) or
-- "disputed_special_closure" (a special closure the citizen disputed).
CREATE TABLE verification_queue (
    id           INTEGER PRIMARY KEY,
    complaint_id BIGINT  NOT NULL REFERENCES complaints(id),
    closed_at    BIGINT  NOT NULL,
    district_id  BIGINT  NOT NULL,
    post_id      BIGINT  NOT NULL,
    reason       TEXT    NOT NULL,
    sample_day   INTEGER NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'pending',
    enqueued_at  BIGINT  NOT NULL,
    decided_at   BIGINT,
    decided_by   BIGINT  REFERENCES users(id),
    report_id    BIGINT,
    remarks      TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX verification_queue_closure ON verification_queue(complaint_id, closed_at);
CREATE INDEX verification_queue_status ON verification_queue(status, id);
CREATE INDEX verification_queue_district ON verification_queue(district_id, status, id);
-- The days drawn, so that every node's worker draws a day once.
CREATE TABLE verification_days (
    day        INTEGER PRIMARY KEY,
    drawn_at   BIGINT  NOT NULL,
    complaints INTEGER NOT NULL
);
-- A report found false by the verification call is marked so.
ALTER TABLE reports ADD COLUMN verification TEXT NOT NULL DEFAULT '';
-- Signals read a month's reports.
CREATE INDEX reports_at ON reports(at);

-- +goose Down
SELECT 1;
