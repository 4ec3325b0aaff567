package dev.sharelinks.events;

import java.util.Objects;

/** A share token was deleted by an administrator; its public URL stops working. */
public record ShareTokenDeleted(long tokenId, String tokenValue, long mediaId, long deleteUser) {

    public ShareTokenDeleted {
        Objects.requireNonNull(tokenValue, "tokenValue");
    }
}
