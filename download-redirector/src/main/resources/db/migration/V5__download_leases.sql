-- Download leases (docs/architecture.md, "A hot link across replicas"): a replica serving a hot link takes a block
-- of its downloads from the link's row in one statement and grants them from memory, each batch's grants recorded by
-- raising its lease's used count (a row only it writes) instead of locking the link's row, which replicas would take
-- turns on. A link's downloads left are its row's remaining plus what its open leases have not used; leased is the
-- sum of its open leases' sizes, changed only with its row locked, so that a grant from the row can report an upper
-- bound of the count without reading the leases. A lease ends (its unused part back on the row) when its holder is
-- done with it, or, for a holder that died, when a sweeper finds it past its expiry.
ALTER TABLE redeemable_links ADD COLUMN leased integer NOT NULL DEFAULT 0 CHECK (leased >= 0);

CREATE TABLE download_leases (
    lease_id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    link_id    bigint      NOT NULL,
    key        text        NOT NULL,
    -- the replica holding it, for operators' eyes: its own ends go by lease id
    holder     text        NOT NULL,
    size       integer     NOT NULL CHECK (size > 0),
    used       integer     NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= size),
    taken_at   timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

CREATE INDEX download_leases_by_key ON download_leases (key);
CREATE INDEX download_leases_by_expiry ON download_leases (expires_at);
