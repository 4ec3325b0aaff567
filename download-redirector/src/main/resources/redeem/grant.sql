-- Grants a batch of redeems from their links' rows in one statement: request i asks for one download of keys[i] on
-- behalf of clients[i] (with agents[i]), through the URL of the recipient refs[i] names (null: the plain URL).
-- Parameters: $1 keys, $2 clients, $3 agents, $4 refs (text arrays of one length), $5 the outbox topic, $6 the event
-- type. Per key, the first min(asked, remaining) requests in batch order are granted,
-- each with the count left after it, and each grant gets its DownloadConsumed event (all in one outbox row). Rows
-- are locked in key order, so concurrent batches (from any number of replicas) serialize per key without
-- deadlocking: a limit of N grants exactly N. No answer may leave before the statement's (implicit) transaction has
-- committed. A link with a landing page is never granted here: its GET shows the page, and only the page's form
-- spends (FormGrants). A batch with requests for this replica's download leases runs grant-leased.sql instead: this
-- one is most batches' statement, and keeps only what they need.
-- While a link has download leases open (docs/architecture.md), the count each event reports is an upper bound: its
-- remaining plus every download leased. A request refused while the link's leases hold downloads is answered with
-- no object: held, to try again once they end.
WITH request AS (
    SELECT r.ord, decode(r.key_hex, 'hex') AS key_digest, r.client, r.agent, r.ref,
           row_number() OVER (PARTITION BY r.key_hex ORDER BY r.ord) AS nth
    FROM unnest(CAST($1 AS text[]), CAST($2 AS text[]), CAST($3 AS text[]), CAST($4 AS text[]))
         WITH ORDINALITY AS r(key_hex, client, agent, ref, ord)
), wanted AS (
    SELECT key_digest, count(*) AS wanted FROM request GROUP BY key_digest
), locked AS (
    SELECT l.key_digest, l.remaining AS before, l.leased, LEAST(w.wanted, l.remaining) AS granting
    FROM redeemable_links l JOIN wanted w ON w.key_digest = l.key_digest
    WHERE l.remaining > 0 AND NOT l.revoked AND l.expires_at > now() AND NOT l.landing_page
    ORDER BY l.key_digest
    FOR UPDATE OF l
), granted AS (
    UPDATE redeemable_links l SET remaining = l.remaining - k.granting
    FROM locked k
    WHERE l.key_digest = k.key_digest
    RETURNING l.key_digest, l.link_id, l.bucket, l.object_key, l.filename, k.before + k.leased AS before, k.granting
), served AS (
    SELECT q.ord, g.link_id, g.key_digest, g.bucket, g.object_key, g.filename, g.before - q.nth AS remaining,
           q.client, q.agent, q.ref
    FROM request q JOIN granted g ON g.key_digest = q.key_digest
    WHERE q.nth <= g.granting
), short AS (
    SELECT w.key_digest, coalesce(g.granting, 0) AS granting
    FROM wanted w LEFT JOIN granted g ON g.key_digest = w.key_digest
    WHERE g.granting IS NULL OR g.granting < w.wanted
), held AS (
    SELECT q.ord
    FROM request q JOIN short s ON s.key_digest = q.key_digest JOIN redeemable_links l ON l.key_digest = q.key_digest
    WHERE q.nth > s.granting AND l.leased > 0
      AND NOT l.revoked AND l.expires_at > now() AND NOT l.landing_page
), recorded AS (
    -- one outbox row for all the batch's grants, one event each (docs/performance.md: a row per grant was a third of
    -- the statement's time); none when nothing was granted
    SELECT outbox_append_all($5, $6, array_agg(link_id::text ORDER BY ord),
               jsonb_agg(jsonb_build_object('linkId', link_id, 'keyDigest', encode(key_digest, 'hex'),
                                            'remaining', remaining, 'clientAddress', client, 'userAgent', agent,
                                            'recipientRef', ref)
                         ORDER BY ord)) AS seq
    FROM served
)
-- joined with recorded, which is one row, so that the append runs: a SELECT in WITH runs only as far as it is read
SELECT s.ord, s.bucket, s.object_key, s.filename FROM served s CROSS JOIN recorded
UNION ALL
SELECT ord, NULL, NULL, NULL FROM held
