-- DAM users of the Keepeek API. Passwords are stored as {bcrypt} hashes (Spring Security's delegating encoder).
CREATE TABLE users (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login         text        NOT NULL UNIQUE,
    password_hash text        NOT NULL,
    administrator boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);

-- A media and its downloadable files: the original (HD) and, optionally, a low-definition rendition (BD).
CREATE TABLE medias (
    id                bigint PRIMARY KEY,
    title             text   NOT NULL,
    bucket            text   NOT NULL,
    original_key      text   NOT NULL,
    original_filename text   NOT NULL,
    bd_key            text,
    bd_filename       text,
    CHECK ((bd_key IS NULL) = (bd_filename IS NULL))
);

-- READ on a media lets a user list, get, create and update its share tokens. Administrators need no rows here.
CREATE TABLE media_rights (
    user_id    bigint NOT NULL REFERENCES users (id),
    media_id   bigint NOT NULL REFERENCES medias (id),
    right_name text   NOT NULL CHECK (right_name IN ('READ')),
    PRIMARY KEY (user_id, media_id, right_name)
);

CREATE TABLE share_template_domains (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text   NOT NULL
);

CREATE TABLE share_templates (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain_id bigint NOT NULL REFERENCES share_template_domains (id),
    name      text   NOT NULL
);

CREATE TABLE share_tokens (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    media_id          bigint      NOT NULL REFERENCES medias (id),
    token_value       text        NOT NULL UNIQUE,
    suffix            text,
    -- what follows /share/ in the public URL; two tokens may never answer the same URL
    public_path       text        GENERATED ALWAYS AS (token_value || coalesce(suffix, '')) STORED UNIQUE,
    title             text        NOT NULL,
    export_definition text        NOT NULL CHECK (export_definition IN ('NOT_GRANTED', 'BD', 'HD')),
    manual_activate   boolean     NOT NULL,
    activation_date   timestamptz,
    deactivation_date timestamptz,
    template_id       bigint      NOT NULL REFERENCES share_templates (id),
    create_user       bigint      NOT NULL REFERENCES users (id),
    create_date       timestamptz NOT NULL DEFAULT now(),
    update_date       timestamptz,
    CHECK (activation_date IS NULL OR deactivation_date IS NULL OR activation_date < deactivation_date)
);
CREATE INDEX share_tokens_by_media ON share_tokens (media_id, id);
