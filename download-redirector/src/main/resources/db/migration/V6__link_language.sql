-- The language of a link's pages for a visitor whose browser names none of theirs: its account's, from LinkCreated.
-- Null for links created before (shown in English).
ALTER TABLE redeemable_links ADD COLUMN locale text;
