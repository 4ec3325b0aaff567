-- The only writers of the outbox table: every service appends through these, from Java (Outbox) or from inside a
-- statement of its own (the redirector's grants), so the row's layout is known here alone. The table is named with
-- its schema, so the functions work whatever the caller's search_path.

-- One event; returns its row's seq.
CREATE FUNCTION outbox_append(to_topic text, of_type text, keyed_by text, payload jsonb, trace jsonb DEFAULT NULL)
    RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    appended bigint;
BEGIN
    INSERT INTO "${flyway:defaultSchema}".outbox (topic, event_key, event_type, data, trace_context)
    VALUES (to_topic, keyed_by, of_type, payload, trace)
    RETURNING seq INTO appended;
    RETURN appended;
END
$$;

-- Several events of one topic and type, in one row: keyed_by[i] is the key of the event whose payload is element i
-- of the JSON array payloads. Returns the row's seq, or null, appending nothing, when keyed_by is empty or null (an
-- aggregate over no rows), so a statement can call it whatever it granted.
CREATE FUNCTION outbox_append_all(to_topic text, of_type text, keyed_by text[], payloads jsonb)
    RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    appended bigint;
BEGIN
    IF coalesce(cardinality(keyed_by), 0) = 0 THEN
        RETURN NULL;
    END IF;
    INSERT INTO "${flyway:defaultSchema}".outbox (topic, event_keys, event_type, data)
    VALUES (to_topic, keyed_by, of_type, payloads)
    RETURNING seq INTO appended;
    RETURN appended;
END
$$;
