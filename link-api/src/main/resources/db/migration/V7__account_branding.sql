-- How an account's share mails look (docs/contracts.md, "Share mails"): a logo, an accent colour for the buttons,
-- a footer line. Null where the account set none: the mail keeps Sharelinks' own look there. The admin API checks
-- the values (an https URL; a colour dark enough for white text); the checks here keep the rows readable to the
-- mailer whatever writes them.
ALTER TABLE accounts ADD COLUMN logo_url text CHECK (logo_url LIKE 'https://%');
ALTER TABLE accounts ADD COLUMN accent_color text CHECK (accent_color ~ '^#[0-9a-f]{6}$');
ALTER TABLE accounts ADD COLUMN footer_text text CHECK (length(footer_text) <= 500);
