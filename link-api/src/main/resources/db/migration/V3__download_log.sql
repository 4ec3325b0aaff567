-- Per-recipient references (a Sharelinks extension): each recipient of a share gets an opaque, random reference that
-- its mail adds to every link's URL (?ref=), so a download through it is attributed to that recipient. The redirector
-- records the reference as sent; only this table says whose it is, so no address travels in a URL or a download event.
CREATE TABLE share_recipients (
    ref      text    PRIMARY KEY,
    share_id bigint  NOT NULL REFERENCES shares (id),
    position integer NOT NULL,
    address  text    NOT NULL,
    UNIQUE (share_id, position)
);

-- The download log: a projection of the downloads topic (DownloadConsumed and DownloadRepeated), one row per event,
-- so that a redelivered or replayed event changes nothing. Rebuilt from history by emptying it and consuming the
-- topic again under a new consumer group (docs/operations.md, "Rebuild a projection"). An event's link and time never
-- change, so its id is unique within them: one index is both the duplicate check and the paged reads' order, a row
-- per download costing one index entry rather than two. client_address is stored as DOWNLOAD_LOG_CLIENT_ADDRESS
-- says (full, truncated or none). The recipient is not stored: a read resolves recipient_ref through
-- share_recipients, for a share that carries the link.
CREATE TABLE download_log (
    link_id        bigint      NOT NULL,
    occurred_at    timestamptz NOT NULL,
    event_id       uuid        NOT NULL,
    repeat         boolean     NOT NULL,
    recipient_ref  text,
    client_address text,
    user_agent     text,
    remaining      integer,
    PRIMARY KEY (link_id, occurred_at, event_id)
);
