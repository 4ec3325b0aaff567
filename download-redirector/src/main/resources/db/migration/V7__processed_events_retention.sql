-- processed_events is pruned by processed_at (ProcessedEventsPruning). Rows arrive in processed_at order, so a BRIN
-- index finds the old ones at almost no cost to the inserts.
CREATE INDEX processed_events_processed_at ON processed_events USING brin (processed_at);
