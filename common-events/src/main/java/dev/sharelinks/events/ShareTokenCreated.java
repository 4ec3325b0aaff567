package dev.sharelinks.events;

import java.util.Objects;

/** A share token was created on a media. {@code createUser} is the id of the token-api user who created it. */
public record ShareTokenCreated(long tokenId, ShareTokenState token, long createUser) {

    public ShareTokenCreated {
        Objects.requireNonNull(token, "token");
    }
}
