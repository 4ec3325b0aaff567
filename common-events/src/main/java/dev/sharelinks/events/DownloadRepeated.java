package dev.sharelinks.events;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The redirector handed a person a link's file again without spending a download: the request carried the
 * download receipt of a grant a few minutes old (a double click, a browser retry, a reload). The audit record of
 * that repeat; the envelope's {@code occurredAt} is its time. Keyed by link id, like {@link DownloadConsumed}.
 *
 * @param keyDigest the link key's SHA-256 in hex, never the key (v1 carried the key, and reads as its digest)
 */
public record DownloadRepeated(
        long linkId,
        String keyDigest,
        @Nullable String clientAddress,
        @Nullable String userAgent) {

    public DownloadRepeated {
        Objects.requireNonNull(keyDigest, "keyDigest");
    }
}
