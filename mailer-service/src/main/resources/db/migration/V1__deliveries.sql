-- One row per recipient of a ShareRequested event once its mail is settled: SENT (the SMTP server took it) or
-- FAILED (the server refused the address for good). A redelivered event skips settled recipients.
CREATE TABLE deliveries (
    event_id   uuid        NOT NULL,
    recipient  text        NOT NULL,
    share_id   bigint      NOT NULL,
    status     text        NOT NULL CHECK (status IN ('SENT', 'FAILED')),
    failure    text,
    settled_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, recipient)
);
CREATE INDEX deliveries_by_share ON deliveries (share_id);
