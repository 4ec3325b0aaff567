-- The projection applies the downloads topic too, so that one rebuilt from history into an empty database ends with
-- the counts the live one has: a DownloadConsumed lowers its link's remaining count to the count it reports (LEAST,
-- so in any order and any number of times; on the live projection, whose own grants made the events, it changes
-- nothing). On a replay a link's downloads may arrive before its LinkCreated, as they are on another topic: this
-- keeps the lowest count reported for a link not projected yet, and the link starts at it. Both sides upsert the
-- link's row here first, so a creation and a download of one link serialize on it, whichever commits first.
CREATE TABLE reported_remaining (
    link_id   bigint  PRIMARY KEY,
    remaining integer NOT NULL CHECK (remaining >= 0)
);

INSERT INTO reported_remaining (link_id, remaining) SELECT link_id, remaining FROM redeemable_links;
