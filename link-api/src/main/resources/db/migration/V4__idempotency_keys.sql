-- Idempotency-Key on creates and shares (a Sharelinks extension): the first answer of each (account, key), kept 24
-- hours, with the request's fingerprint (SHA-256 of the operation and its canonical body) and the event its answer
-- waited for, so a retry waits for it too. A row is written in the transaction of the write it answers: a second
-- request with the key waits on the first's row lock, then replays its answer; a write that fails leaves no row.
CREATE TABLE idempotency_keys (
    account_id  bigint      NOT NULL REFERENCES accounts (id),
    idem_key    text        NOT NULL,
    fingerprint bytea       NOT NULL,
    answer      jsonb,
    event_seq   bigint,
    event_topic text,
    event_key   text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, idem_key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
