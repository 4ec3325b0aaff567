-- Wakes the relay of every replica when an outbox row commits (NOTIFY is delivered on commit, and not at all on
-- rollback), so events leave at once wherever they were written and the relays need no tight polling. One
-- notification per inserting statement; PostgreSQL folds repeats within a transaction into one.
-- The channel is per schema, because services share a database and each relays only its own outbox.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox_' || TG_TABLE_SCHEMA, '');
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
