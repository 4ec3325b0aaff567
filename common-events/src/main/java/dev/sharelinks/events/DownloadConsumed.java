package dev.sharelinks.events;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The redirector granted one download of a link. The envelope's {@code occurredAt} is the time of the grant.
 *
 * @param remaining downloads left after this one
 * @param clientAddress the address the request came from, for the audit trail
 */
public record DownloadConsumed(
        long linkId, String key, int remaining, @Nullable String clientAddress, @Nullable String userAgent) {

    public DownloadConsumed {
        Objects.requireNonNull(key, "key");
    }
}
