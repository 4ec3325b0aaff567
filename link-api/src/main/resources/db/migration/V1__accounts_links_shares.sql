CREATE TABLE accounts (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text        NOT NULL,
    bucket     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Only the SHA-256 of a key is stored; the key itself is shown once, when it is issued.
CREATE TABLE api_keys (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint      NOT NULL REFERENCES accounts (id),
    key_hash   bytea       NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- What a MediaPocket media id (and its asset id) means for an account: an object in the account's bucket.
CREATE TABLE assets (
    account_id bigint NOT NULL REFERENCES accounts (id),
    media_id   bigint NOT NULL,
    asset_id   text   NOT NULL,
    object_key text   NOT NULL,
    PRIMARY KEY (account_id, media_id),
    UNIQUE (account_id, asset_id)
);

CREATE TABLE links (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id     bigint      NOT NULL REFERENCES accounts (id),
    key            text        NOT NULL UNIQUE,
    media_id       bigint      NOT NULL,
    asset_id       text        NOT NULL,
    bucket         text        NOT NULL,
    object_key     text        NOT NULL,
    filename       text        NOT NULL,
    expires_at     timestamptz NOT NULL,
    download_limit integer     NOT NULL CHECK (download_limit > 0),
    -- as last reported by the redirector's DownloadConsumed events; the redirector's count is authoritative
    remaining      integer     NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz
);
CREATE INDEX links_by_account ON links (account_id, id);

CREATE TABLE shares (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint      NOT NULL REFERENCES accounts (id),
    recipients text[]      NOT NULL,
    message    text,
    link_ids   bigint[]    NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
