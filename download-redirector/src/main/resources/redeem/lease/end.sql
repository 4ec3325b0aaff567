-- Ends download leases: those of $1 (their holder is done with them) and, when $4, every lease past its expiry (its
-- holder died or hung). Each lease's unused downloads go back to its link's row and its size off the row's leased
-- sum; a link left with no lease open gets a DownloadCountSettled event with its exact count ($2 the outbox topic,
-- $3 the event type). Leases are locked before links, each in id order, as no statement holds a link's row while
-- waiting for a lease: concurrent ends (any replica's) and grants wait for one another but never deadlock. A lease
-- being granted from is ended after that grant commits, with its used count as the grant left it.
WITH ending AS (
    SELECT lease_id FROM download_leases
    WHERE lease_id = ANY(CAST($1 AS bigint[])) OR ($4 AND expires_at < now())
    ORDER BY lease_id
    FOR UPDATE
), ended AS (
    DELETE FROM download_leases d USING ending e
    WHERE d.lease_id = e.lease_id
    RETURNING d.lease_id, d.link_id, d.key_digest, d.size, d.size - d.used AS unused
), per_link AS (
    SELECT key_digest, sum(size) AS size, sum(unused) AS unused FROM ended GROUP BY key_digest
), locked AS (
    SELECT l.key_digest FROM redeemable_links l JOIN per_link p ON p.key_digest = l.key_digest
    ORDER BY l.key_digest
    FOR UPDATE OF l
), returned AS (
    UPDATE redeemable_links l SET remaining = l.remaining + p.unused, leased = l.leased - p.size
    FROM per_link p JOIN locked k ON k.key_digest = p.key_digest
    WHERE l.key_digest = p.key_digest
    RETURNING l.link_id, l.key_digest, l.remaining, l.leased, p.unused
), settled AS (
    SELECT outbox_append_all($2, $3, array_agg(link_id::text ORDER BY key_digest),
               jsonb_agg(jsonb_build_object('linkId', link_id, 'keyDigest', encode(key_digest, 'hex'),
                                            'remaining', remaining, 'returned', unused) ORDER BY key_digest)) AS seq
    FROM returned
    WHERE leased = 0
)
-- joined with settled, which is one row, so that the append runs: a SELECT in WITH runs only as far as it is read
SELECT e.lease_id, e.key_digest, e.unused FROM ended e CROSS JOIN settled
