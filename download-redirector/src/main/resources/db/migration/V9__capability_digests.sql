-- A link's key and a share token's public path are bearer capabilities: whoever reads one downloads the file. The
-- projection keeps only their SHA-256, which is what a visit looks up (the redirector hashes what it is presented),
-- so a backup or a replica of this schema holds nothing that downloads. Existing rows are hashed in place.
ALTER TABLE redeemable_links ALTER COLUMN key TYPE bytea USING sha256(convert_to(key, 'UTF8'));
ALTER TABLE redeemable_links RENAME COLUMN key TO key_digest;

ALTER TABLE download_leases ALTER COLUMN key TYPE bytea USING sha256(convert_to(key, 'UTF8'));
ALTER TABLE download_leases RENAME COLUMN key TO key_digest;

ALTER TABLE password_attempts ALTER COLUMN key TYPE bytea USING sha256(convert_to(key, 'UTF8'));
ALTER TABLE password_attempts RENAME COLUMN key TO key_digest;

ALTER TABLE redeemable_tokens ALTER COLUMN public_path TYPE bytea USING sha256(convert_to(public_path, 'UTF8'));
ALTER TABLE redeemable_tokens RENAME COLUMN public_path TO path_digest;
-- read by nothing since ShareTokenDownloaded v2, which carries no token value
ALTER TABLE redeemable_tokens DROP COLUMN token_value;
