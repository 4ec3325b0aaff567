-- The transactional outbox: a service appends its events here (outbox_append, outbox_append_all) in the same
-- transaction as the change they announce; the relay publishes rows to Kafka in seq order and deletes them once the
-- broker has acknowledged them.
-- A row holds one event (event_key) or several of one topic and type written by one statement (event_keys, and data
-- the JSON array of their payloads, in order). The relay publishes each element as an event of its own, with an id
-- derived from the row's event_id and the element's position, so a row published again repeats its ids.
-- trace_context holds the W3C trace headers (traceparent, tracestate) of the request that appended the event; the
-- relay sends them with it, so the consumers' work joins the request's trace.
-- Written to find an existing outbox in place: before this history, each service kept the outbox's migrations
-- (versions 0.1 to 0.4) in its own Flyway history, with this layout.
CREATE TABLE IF NOT EXISTS outbox (
    seq         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    uuid        NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    topic       text        NOT NULL,
    event_key   text,
    event_type  text        NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    data        jsonb       NOT NULL,
    trace_context jsonb,
    event_keys  text[],
    CONSTRAINT outbox_event_keys CHECK (CASE
        WHEN event_keys IS NULL THEN event_key IS NOT NULL
        WHEN event_key IS NOT NULL OR jsonb_typeof(data) <> 'array' THEN false
        ELSE jsonb_array_length(data) = cardinality(event_keys) AND cardinality(event_keys) > 0
    END)
);

-- Wakes the relay of every replica when outbox rows commit (NOTIFY is delivered on commit, not on rollback). The
-- channel is per schema, because services share a database and each relays only its own outbox. The trigger that
-- calls it is set or dropped at each start, following sharelinks.outbox.commit-notifications (OutboxSchema).
CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox_' || TG_TABLE_SCHEMA, '');
    RETURN NULL;
END
$$;
