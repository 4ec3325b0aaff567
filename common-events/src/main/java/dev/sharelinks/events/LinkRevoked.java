package dev.sharelinks.events;

import java.util.Objects;

/** The owner revoked a link: from now on it redeems nothing. */
public record LinkRevoked(long linkId, String key, long accountId) {

    public LinkRevoked {
        Objects.requireNonNull(key, "key");
    }
}
