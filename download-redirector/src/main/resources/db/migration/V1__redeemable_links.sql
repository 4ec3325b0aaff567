-- The redirector's own projection of links it can redeem, built from LinkCreated / LinkRevoked events only.
-- fillfactor leaves room in each page so the hot-path decrement is a HOT update (no index write).
CREATE TABLE redeemable_links (
    key        text        PRIMARY KEY,
    link_id    bigint      NOT NULL UNIQUE,
    bucket     text        NOT NULL,
    object_key text        NOT NULL,
    filename   text        NOT NULL,
    expires_at timestamptz NOT NULL,
    remaining  integer     NOT NULL CHECK (remaining >= 0),
    revoked    boolean     NOT NULL DEFAULT false
) WITH (fillfactor = 70);

-- Event ids already applied: a redelivered or replayed event changes nothing.
CREATE TABLE processed_events (
    event_id     uuid        PRIMARY KEY,
    processed_at timestamptz NOT NULL DEFAULT now()
);
