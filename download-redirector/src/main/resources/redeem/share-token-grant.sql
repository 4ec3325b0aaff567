-- Grants a batch of GETs of share tokens' public URLs in one statement: GET i asks for the URL whose public path's
-- SHA-256 is digests[i] (hex), from clients[i] with agents[i]. Parameters: $1 digests, $2 clients, $3 agents (text
-- arrays of one length), $4 the outbox topic, $5 the event type.
-- A GET whose URL an active token answers gets a row: the file the token grants, or a null object_key when it grants
-- no download. A GET without a row is a miss. Every file granted gets its ShareTokenDownloaded event, all in one
-- outbox row, in the statement's (implicit) transaction: no answer leaves before it has committed. Nothing is
-- locked or updated, as a token has no count, so batches of any number of replicas never wait for each other.
WITH request AS (
    SELECT r.ord, decode(r.digest_hex, 'hex') AS path_digest, r.client, r.agent
    FROM unnest(CAST($1 AS text[]), CAST($2 AS text[]), CAST($3 AS text[]))
         WITH ORDINALITY AS r(digest_hex, client, agent, ord)
), answered AS (
    SELECT q.ord, q.client, q.agent, t.token_id, t.media_id, t.export_definition, t.bucket, t.object_key, t.filename
    FROM request q JOIN active_tokens t ON t.path_digest = q.path_digest
), recorded AS (
    SELECT outbox_append_all($4, $5, array_agg(token_id::text ORDER BY ord),
               jsonb_agg(jsonb_build_object('tokenId', token_id, 'mediaId', media_id,
                                            'exportDefinition', export_definition,
                                            'clientAddress', client, 'userAgent', agent)
                         ORDER BY ord)) AS seq
    FROM answered
    WHERE object_key IS NOT NULL
)
-- joined with recorded, which is one row, so that the append runs: a SELECT in WITH runs only as far as it is read
SELECT a.ord, a.bucket, a.object_key, a.filename FROM answered a CROSS JOIN recorded
