-- The transactional outbox: a service inserts its event here in the same transaction as the change it announces;
-- the relay publishes rows to Kafka in seq order and deletes them once the broker has acknowledged them.
CREATE TABLE outbox (
    seq         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    uuid        NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    topic       text        NOT NULL,
    event_key   text        NOT NULL,
    event_type  text        NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    data        jsonb       NOT NULL
);
