package dev.sharelinks.events;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The redirector granted one download of a link. The envelope's {@code occurredAt} is the time of the grant.
 *
 * @param keyDigest the link key's SHA-256 in hex ({@link CapabilityDigests#hex}), never the key: v1 carried the
 *     key itself, and reads as its digest
 * @param remaining downloads left after this one: exact when the link had no download lease open; granted from a
 *     lease, at least the count left (the replicas holding leases do not wait for one another), and the link's
 *     {@link DownloadCountSettled} gives the exact count once its leases end. Either way no later event reports more
 *     than the count is then, so the least count reported is the count
 * @param clientAddress the address the request came from, for the audit trail
 * @param recipientRef the per-recipient reference of the shared URL the download came through, as the visitor sent
 *     it (well-formed, not checked against any share: link-api resolves it to the recipient, or to nobody); null for
 *     the plain URL. Absent from events written before references existed
 */
public record DownloadConsumed(
        long linkId,
        String keyDigest,
        int remaining,
        @Nullable String clientAddress,
        @Nullable String userAgent,
        @Nullable String recipientRef) {

    public DownloadConsumed {
        Objects.requireNonNull(keyDigest, "keyDigest");
    }

    /** A download through the plain URL, attributed to nobody. */
    public DownloadConsumed(
            long linkId, String keyDigest, int remaining, @Nullable String clientAddress, @Nullable String userAgent) {
        this(linkId, keyDigest, remaining, clientAddress, userAgent, null);
    }
}
