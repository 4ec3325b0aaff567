-- Landing pages and passwords (Sharelinks extensions to MediaPocket's create): a link with a landing page answers a
-- GET with a page whose form spends the download; a password is kept only as its slow hash ({id}hash, Spring
-- Security's delegating encoder) and implies a landing page. An account's default applies when a create says nothing.
ALTER TABLE accounts ADD COLUMN landing_page_default boolean NOT NULL DEFAULT false;

ALTER TABLE links ADD COLUMN landing_page boolean NOT NULL DEFAULT false;
ALTER TABLE links ADD COLUMN password_hash text;
ALTER TABLE links ADD CONSTRAINT password_needs_landing_page CHECK (password_hash IS NULL OR landing_page);
