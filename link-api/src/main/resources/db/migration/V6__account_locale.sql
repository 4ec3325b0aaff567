-- The language an account's share mails are written in when the share request names none (docs/contracts.md,
-- "Share mails"); one of the languages the mailer has messages for.
ALTER TABLE accounts ADD COLUMN locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'fi', 'fr', 'de'));
