-- grant-leased.sql for a batch whose every request is for one of this replica's download leases: a hot link's
-- batches, once leased. Request i asks for one download from the lease leases[i] on behalf of clients[i] (with
-- agents[i]), through the URL of the recipient refs[i] names (null: the plain URL). Parameters: $2 clients, $3 agents,
-- $4 refs (text arrays), $7 leases (a bigint array), all of one length; $5 the outbox topic, $6 the event type. The
-- keys ($1) are not read: a lease names its link. Each grant gets its DownloadConsumed event (all in one outbox row).
-- No answer may leave before the statement's (implicit) transaction has committed.
-- A lease's used count rises by its requests if they fit and it has not expired, with the link's row only read (not
-- revoked, not expired), so replicas granting from their leases do not wait for one another. A request whose lease
-- did not grant gets no row: the caller asks the link's row instead. Each event reports the count grant-leased.sql
-- reports: the statement's snapshot of the row plus its leases' unused parts, less this statement's grants.
-- Leaner than grant-leased.sql, which also locks rows and answers held requests: each statement is a commit per
-- batch, so what it costs beyond the commit is paid once per batch (docs/performance.md).
WITH request AS (
    SELECT r.ord, r.client, r.agent, r.ref, r.lease
    FROM unnest(CAST($2 AS text[]), CAST($3 AS text[]), CAST($4 AS text[]), CAST($7 AS bigint[]))
         WITH ORDINALITY AS r(client, agent, ref, lease, ord)
), taken AS (
    UPDATE download_leases d SET used = d.used + w.wanted
    FROM (SELECT lease, count(*) AS wanted FROM request GROUP BY lease) w, redeemable_links l
    WHERE d.lease_id = w.lease AND d.used + w.wanted <= d.size AND d.expires_at > now()
      AND l.key_digest = d.key_digest AND NOT l.revoked AND l.expires_at > now()
    -- the subquery reads the statement's snapshot: every lease of the link as it was before this update
    RETURNING d.lease_id, d.link_id, d.key_digest, l.bucket, l.object_key, l.filename,
              l.remaining + (SELECT sum(o.size - o.used) FROM download_leases o WHERE o.key_digest = d.key_digest)
                  AS before
), served AS (
    SELECT q.ord, t.link_id, t.key_digest, t.bucket, t.object_key, t.filename,
           t.before - row_number() OVER (PARTITION BY t.key_digest ORDER BY q.ord) AS remaining,
           q.client, q.agent, q.ref
    FROM request q JOIN taken t ON t.lease_id = q.lease
), recorded AS (
    -- one outbox row for all the batch's grants, one event each; none when nothing was granted
    SELECT outbox_append_all($5, $6, array_agg(link_id::text ORDER BY ord),
               jsonb_agg(jsonb_build_object('linkId', link_id, 'keyDigest', encode(key_digest, 'hex'),
                                            'remaining', remaining, 'clientAddress', client, 'userAgent', agent,
                                            'recipientRef', ref)
                         ORDER BY ord)) AS seq
    FROM served
)
-- joined with recorded, which is one row, so that the append runs: a SELECT in WITH runs only as far as it is read
SELECT s.ord, s.bucket, s.object_key, s.filename FROM served s CROSS JOIN recorded
