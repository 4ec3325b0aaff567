-- A link's key, an idempotent answer (a create's holds the link's URL) and a webhook endpoint's secret are
-- capabilities link-api must show or use again, so they are kept sealed (AES-GCM, LINK_SEALING_KEYS); a link's key
-- is also kept as its SHA-256, unique as the key was. Rows from before keep the plaintext until LinkSecretsResealing
-- seals it, moments after the first start; nothing writes the plaintext columns any more.
ALTER TABLE links ADD COLUMN key_digest bytea, ADD COLUMN sealed_key text;
UPDATE links SET key_digest = sha256(convert_to(key, 'UTF8'));
ALTER TABLE links ALTER COLUMN key_digest SET NOT NULL,
    ADD CONSTRAINT links_key_digest_key UNIQUE (key_digest),
    ADD CONSTRAINT links_key_kept CHECK (key IS NOT NULL OR sealed_key IS NOT NULL);
ALTER TABLE links DROP CONSTRAINT links_key_key, ALTER COLUMN key DROP NOT NULL;

-- a claimed key has no answer until its write commits, so either may be NULL
ALTER TABLE idempotency_keys ADD COLUMN sealed_answer text;

ALTER TABLE webhook_endpoints ADD COLUMN sealed_secret text, ALTER COLUMN secret DROP NOT NULL,
    ADD CONSTRAINT webhook_endpoints_secret_kept CHECK (secret IS NOT NULL OR sealed_secret IS NOT NULL);
