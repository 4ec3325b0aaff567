-- Landing pages (LinkCreated.landingPage): a GET of such a link shows a page and spends nothing; the page's form
-- POST spends one download. password_hash is the slow hash LinkCreated carries ({id}hash), null without a password.
ALTER TABLE redeemable_links ADD COLUMN landing_page boolean NOT NULL DEFAULT false;
ALTER TABLE redeemable_links ADD COLUMN password_hash text;

-- The landing-page form nonces already used: a form spends at most one download, on any replica. A nonce carries
-- its own expiry (signed), after which it is refused anyway, so its row can go then.
CREATE TABLE spent_form_nonces (
    nonce_id   text        PRIMARY KEY,
    expires_at timestamptz NOT NULL
);

-- Password attempts per link and client address, counted before the password is checked, so parallel guesses
-- cannot slip past the limit; a right password clears the client's row. Other clients of the link are not touched.
CREATE TABLE password_attempts (
    key         text        NOT NULL,
    client      text        NOT NULL,
    attempts    integer     NOT NULL,
    window_ends timestamptz NOT NULL,
    PRIMARY KEY (key, client)
);
