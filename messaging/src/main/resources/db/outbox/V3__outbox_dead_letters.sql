-- Outbox rows Kafka refused for good (a topic that is invalid or does not exist, a record too large): the relay
-- moves such a row here with the broker's reason and goes on with the rows after it. An operator republishes a row
-- by appending its events again, or drops it.
CREATE TABLE outbox_dead_letters (
    seq           bigint      PRIMARY KEY,
    event_id      uuid        NOT NULL,
    topic         text        NOT NULL,
    event_key     text,
    event_keys    text[],
    event_type    text        NOT NULL,
    occurred_at   timestamptz NOT NULL,
    data          jsonb       NOT NULL,
    trace_context jsonb,
    reason        text        NOT NULL,
    dead_at       timestamptz NOT NULL DEFAULT now()
);
