-- A token's value is a bearer capability. token-api must show it again (Keepeek's GET answers it), so it is kept
-- sealed (AES-GCM, sealed_value, TOKEN_SEALING_KEYS); what is only looked up or compared, the value and the public
-- path, is kept as SHA-256 digests. Rows from before keep their value in token_value until TokenValueResealing
-- seals it, moments after the first start; nothing writes token_value any more.
ALTER TABLE share_tokens ADD COLUMN value_digest bytea, ADD COLUMN path_digest bytea, ADD COLUMN sealed_value text;
UPDATE share_tokens SET value_digest = sha256(convert_to(token_value, 'UTF8')),
                        path_digest = sha256(convert_to(public_path, 'UTF8'));
ALTER TABLE share_tokens ALTER COLUMN value_digest SET NOT NULL, ALTER COLUMN path_digest SET NOT NULL,
    ADD CONSTRAINT share_tokens_value_digest_key UNIQUE (value_digest),
    ADD CONSTRAINT share_tokens_path_digest_key UNIQUE (path_digest),
    ADD CONSTRAINT share_tokens_value_kept CHECK (token_value IS NOT NULL OR sealed_value IS NOT NULL);
ALTER TABLE share_tokens DROP COLUMN public_path;
ALTER TABLE share_tokens DROP CONSTRAINT share_tokens_token_value_key, ALTER COLUMN token_value DROP NOT NULL;
CREATE INDEX share_tokens_to_seal ON share_tokens (id) WHERE token_value IS NOT NULL;

-- the URLs deleted tokens and changed suffixes left behind are only ever compared
ALTER TABLE retired_share_urls ALTER COLUMN public_path TYPE bytea USING sha256(convert_to(public_path, 'UTF8'));
ALTER TABLE retired_share_urls RENAME COLUMN public_path TO path_digest;
ALTER TABLE retired_share_urls ALTER COLUMN token_value TYPE bytea USING sha256(convert_to(token_value, 'UTF8'));
ALTER TABLE retired_share_urls RENAME COLUMN token_value TO value_digest;
