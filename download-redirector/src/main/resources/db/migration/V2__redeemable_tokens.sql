-- The redirector's projection of Keepeek share tokens, built from ShareToken{Created,Updated,Deleted} events only.
-- public_path is what follows /share/ in the public URL: the token value with its suffix appended.
CREATE TABLE redeemable_tokens (
    token_id          bigint      PRIMARY KEY,
    public_path       text        NOT NULL UNIQUE,
    token_value       text        NOT NULL,
    media_id          bigint      NOT NULL,
    export_definition text        NOT NULL CHECK (export_definition IN ('NOT_GRANTED', 'BD', 'HD')),
    manual_activate   boolean     NOT NULL,
    activation_date   timestamptz,
    deactivation_date timestamptz,
    hd_bucket         text        NOT NULL,
    hd_key            text        NOT NULL,
    hd_filename       text        NOT NULL,
    bd_bucket         text,
    bd_key            text,
    bd_filename       text,
    -- when the event last applied to this row happened: a public path goes to its latest claim, even when the
    -- events of two tokens (different keys, so different partitions) arrive out of order
    event_at          timestamptz NOT NULL
);
