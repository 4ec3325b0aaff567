-- A row may carry several events of one topic and type, written by one statement: event_keys holds their keys and
-- data the JSON array of their payloads, in order; event_key is then null. The relay publishes each element as an
-- event of its own, with an id derived from the row's event_id and the element's position (so a row published
-- again gives its events the same ids). The redirector's grant statement writes one row for all its grants: with a
-- row per grant, the rows took a third of the statement's time (docs/performance.md, 2026-12-02 evening).
ALTER TABLE outbox
    ALTER COLUMN event_key DROP NOT NULL,
    ADD COLUMN event_keys text[],
    ADD CONSTRAINT outbox_event_keys CHECK (CASE
        WHEN event_keys IS NULL THEN event_key IS NOT NULL
        WHEN event_key IS NOT NULL OR jsonb_typeof(data) <> 'array' THEN false
        ELSE jsonb_array_length(data) = cardinality(event_keys) AND cardinality(event_keys) > 0
    END);
