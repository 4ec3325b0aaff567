-- The public URLs of deleted tokens, and those a token left behind when its suffix changed: links to them were sent
-- out, so no later token may answer them again (a create or update claiming one is share-token-create-all-ready-exist).
CREATE TABLE retired_share_urls (
    public_path text        PRIMARY KEY,
    token_value text        NOT NULL,
    retired_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX retired_share_urls_by_value ON retired_share_urls (token_value);
