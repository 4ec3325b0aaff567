-- When a request last authenticated with the key (to the minute), so that a rotation can see which keys are in use.
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
