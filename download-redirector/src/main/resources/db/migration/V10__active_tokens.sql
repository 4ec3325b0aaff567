-- The share tokens whose public URL answers now, with the file each grants: the one reading of "active" that the
-- grant statement and the probes share, and the same as token-api's. Active: not deleted, and from its activation
-- date, or at once when switched on by hand (manual_activate), until its deactivation date, which ends access in
-- either mode; an absent bound is open. The file is the export definition's (HD: the original, BD: the
-- low-definition rendition); none for a definition that grants no download.
CREATE VIEW active_tokens AS
SELECT token_id, path_digest, media_id, export_definition,
       CASE export_definition WHEN 'HD' THEN hd_bucket WHEN 'BD' THEN bd_bucket END AS bucket,
       CASE export_definition WHEN 'HD' THEN hd_key WHEN 'BD' THEN bd_key END AS object_key,
       CASE export_definition WHEN 'HD' THEN hd_filename WHEN 'BD' THEN bd_filename END AS filename
FROM redeemable_tokens
WHERE NOT deleted
  AND (manual_activate OR activation_date IS NULL OR activation_date <= now())
  AND (deactivation_date IS NULL OR now() < deactivation_date);
