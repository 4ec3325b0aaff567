-- Takes a download lease for this replica: up to $2 downloads of the link keyed $1, at most the fraction $3 of what
-- its row has left, and only while its row has at least $4 (a small limit is never leased: its few downloads must
-- not sit in one replica). The row is locked, lowered by the lease's size and its leased sum raised, in the same
-- transaction as the lease row is written. $5 names the holder, $6 is the lease's expiry as an interval from now.
-- No row when the link cannot be leased (unknown, revoked, expired, a landing page, or too few downloads left).
WITH link AS (
    SELECT key_digest, remaining FROM redeemable_links
    WHERE key_digest = $1 AND remaining >= $4 AND NOT revoked AND expires_at > now() AND NOT landing_page
    FOR UPDATE
), taken AS (
    UPDATE redeemable_links l
    SET remaining = l.remaining - s.size, leased = l.leased + s.size
    FROM (SELECT key_digest,
                 LEAST(CAST($2 AS integer), CAST(floor(remaining * CAST($3 AS float8)) AS integer)) AS size
          FROM link) s
    WHERE l.key_digest = s.key_digest AND s.size > 0
    RETURNING l.link_id, l.key_digest, s.size
)
INSERT INTO download_leases (link_id, key_digest, holder, size, expires_at)
SELECT link_id, key_digest, $5, size, now() + CAST($6 AS interval) FROM taken
RETURNING lease_id, size
