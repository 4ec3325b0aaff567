package dev.sharelinks.events;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A share token was replaced, or its media's files were re-registered: {@code token} is its whole new state, not a
 * diff.
 *
 * @param updateUser the token-api user who replaced it; absent when an operator re-registered the media's files
 */
public record ShareTokenUpdated(
        long tokenId, ShareTokenState token, @Nullable Long updateUser) {

    public ShareTokenUpdated {
        Objects.requireNonNull(token, "token");
    }
}
