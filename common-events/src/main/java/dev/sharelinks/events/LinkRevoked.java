package dev.sharelinks.events;

import java.util.Objects;

/**
 * The owner revoked a link: from now on it redeems nothing.
 *
 * @param keyDigest the link key's SHA-256 in hex, never the key (v1 carried the key, and reads as its digest)
 */
public record LinkRevoked(long linkId, String keyDigest, long accountId) {

    public LinkRevoked {
        Objects.requireNonNull(keyDigest, "keyDigest");
    }
}
