package dev.sharelinks.linkapi.link;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Response bodies of the link endpoints, named as MediaPocket names them. */
final class LinkResponses {

    private LinkResponses() {}

    /** {@code POST /api/v2/shareable_links}: exactly the contract's {@code {id, url, filename}}. */
    record Created(long id, String url, String filename) {}

    /** Our extra {@code GET /api/v2/shareable_links/{id}/info}, for the link's owner. */
    record Info(
            long id,
            String url,
            String filename,
            @JsonProperty("media_id") long mediaId,
            @JsonProperty("asset_id") @Nullable String assetId,
            int limit,
            int remaining,
            @JsonProperty("expires_at") Instant expiresAt,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("revoked_at") @Nullable Instant revokedAt,
            String status,
            @JsonProperty("landing_page") boolean landingPage,
            @JsonProperty("password_protected") boolean passwordProtected) {}

    record Message(String message) {}
}
