-- +goose Up
-- SMS delivery (issue 4): claim tokens and final times on the outbox, the
-- admin-editable DLT template registry, and citizens' one-time codes.

-- claims counts the times a dispatcher leased the row; the count returned by
-- a claim is that claim's token, and a mark is applied only while the token
-- still matches, so a dispatcher whose lease ran out cannot overwrite the row
-- another one has taken since. sensitive rows (one-time codes) have their
-- variables wiped once they reach a final state.
ALTER TABLE outbox ADD COLUMN claims       BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN failed_at    BIGINT;
ALTER TABLE outbox ADD COLUMN delivered_at BIGINT;
ALTER TABLE outbox ADD COLUMN sensitive    BOOLEAN NOT NULL DEFAULT FALSE;

-- Claims read only pending rows, in due order.
DROP INDEX outbox_due;
CREATE INDEX outbox_pending ON outbox(next_at, id) WHERE status = 'pending';
-- Delivery receipts name the provider's message id.
DROP INDEX outbox_provider_id;
CREATE INDEX outbox_receipt ON outbox(provider, provider_id);
-- The admin list: newest first, by status or by complaint.
CREATE INDEX outbox_status_id ON outbox(status, id);
CREATE INDEX outbox_complaint ON outbox(complaint_id, id);

-- The registered DLT content templates, one row per message and language;
-- vars is a JSON array of {name, type, max_len}, one per {#var#}.
CREATE TABLE sms_templates (
    template_key    TEXT    NOT NULL,
    language        TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    dlt_template_id TEXT    NOT NULL DEFAULT '',
    header          TEXT    NOT NULL,
    entity_id       TEXT    NOT NULL DEFAULT '',
    vars            TEXT    NOT NULL DEFAULT '[]',
    updated_at      BIGINT  NOT NULL,
    updated_by      BIGINT  REFERENCES users(id),
    PRIMARY KEY (template_key, language)
);

-- One row per mobile: the code last sent (hashed), its wrong tries, and the
-- mobile's request window for the rate limit.
CREATE TABLE otp_codes (
    mobile       TEXT    PRIMARY KEY,
    code_hash    TEXT    NOT NULL,
    client       TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,
    wrong_tries  BIGINT  NOT NULL DEFAULT 0,
    used_at      BIGINT,
    window_start BIGINT  NOT NULL,
    window_count BIGINT  NOT NULL
);
CREATE INDEX otp_codes_client ON otp_codes(client, created_at);

-- +goose Down
SELECT 1;
