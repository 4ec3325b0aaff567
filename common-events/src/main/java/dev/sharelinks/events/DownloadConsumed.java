package dev.sharelinks.events;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The redirector granted one download of a link. The envelope's {@code occurredAt} is the time of the grant.
 *
 * @param remaining downloads left after this one: exact when the link had no download lease open; granted from a
 *     lease, at least the count left (the replicas holding leases do not wait for one another), and the link's
 *     {@link DownloadCountSettled} gives the exact count once its leases end. Either way no later event reports more
 *     than the count is then, so the least count reported is the count
 * @param clientAddress the address the request came from, for the audit trail
 */
public record DownloadConsumed(
        long linkId, String key, int remaining, @Nullable String clientAddress, @Nullable String userAgent) {

    public DownloadConsumed {
        Objects.requireNonNull(key, "key");
    }
}
