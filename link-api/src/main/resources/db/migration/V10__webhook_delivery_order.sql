-- One endpoint's deliveries about one subject go in the order their events happened, not the order link-api read
-- them: a link's download (from the redirector, whose relay gathers grants for tens of milliseconds) and its revoke
-- (from link-api) can reach the fan-out the other way round. occurred_at is the event's time; rows written before
-- this migration keep their write time, which is the order they were sent in.
ALTER TABLE webhook_deliveries ADD COLUMN occurred_at timestamptz;
UPDATE webhook_deliveries SET occurred_at = created_at;
ALTER TABLE webhook_deliveries ALTER COLUMN occurred_at SET NOT NULL;
DROP INDEX webhook_deliveries_in_order;
CREATE INDEX webhook_deliveries_in_order ON webhook_deliveries (endpoint_id, subject, occurred_at, seq)
    WHERE state = 'pending';
