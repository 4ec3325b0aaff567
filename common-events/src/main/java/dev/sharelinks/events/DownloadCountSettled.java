package dev.sharelinks.events;

import java.util.Objects;

/**
 * The exact number of downloads a link has left, once no redirector replica holds any of them in a download lease.
 * While leases are open, the {@link DownloadConsumed} events of a link report an upper bound of its count (a
 * replica granting from its lease does not wait for the others'); this event, written when the link's last lease
 * ends, gives the count they converge to. Consumers apply it like a download's count: the least count reported
 * wins. Keyed by link id, like the downloads.
 *
 * @param keyDigest the link key's SHA-256 in hex, never the key (v1 carried the key, and reads as its digest)
 * @param remaining the downloads the link has left: exact, as no lease holds any
 * @param returned the downloads the ending lease (or leases) had not granted, back with the link
 */
public record DownloadCountSettled(long linkId, String keyDigest, int remaining, int returned) {

    public DownloadCountSettled {
        Objects.requireNonNull(keyDigest, "keyDigest");
    }
}
