package dev.sharelinks.linkapi.link;

import dev.sharelinks.linkapi.web.Params;
import java.time.Clock;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** A validated {@code POST /api/v2/shareable_links} body. */
record CreateLinkRequest(Instant expiresAt, int limit, long mediaId, @Nullable String assetId, String filename) {

    static final int MAX_FILENAME_LENGTH = 255;

    /** Checks every parameter, throwing one 422 that names all that are missing or wrong. */
    static CreateLinkRequest from(@Nullable JsonNode body, Clock clock) {
        Params params = new Params();
        params.onlyKnown(body, null, Set.of("expiry_date", "limit", "payload"));
        String expiry = params.requiredString(body, "expiry_date", "expiry_date");
        OptionalInt limit = params.requiredInt(body, "limit", "limit");
        JsonNode payload = params.requiredHash(body, "payload", "payload");
        OptionalLong mediaId = payload == null ? OptionalLong.empty()
                : params.requiredInteger(payload, "media_id", "payload[media_id]");
        String filename = payload == null ? null : params.requiredString(payload, "filename", "payload[filename]");
        String assetId = payload == null ? null : params.optionalString(payload, "asset_id", "payload[asset_id]");
        params.onlyKnown(payload, "payload", Set.of("media_id", "filename", "asset_id"));

        Instant expiresAt = null;
        if (expiry != null) {
            expiresAt = ExpiryDate.parse(expiry).orElse(null);
            if (expiresAt == null) {
                params.invalid("expiry_date must be a date (YYYY-MM-DD) or an ISO-8601 timestamp with offset");
            } else if (ExpiryDate.isPast(expiresAt, clock)) {
                params.invalid("expiry_date must not be in the past");
            }
        }
        if (limit.isPresent() && limit.getAsInt() < 1) {
            params.invalid("limit must be at least 1");
        }
        if (mediaId.isPresent() && mediaId.getAsLong() < 1) {
            params.invalid("payload[media_id] must be a positive Integer");
        }
        if (filename != null) {
            if (filename.isBlank()) {
                params.invalid("payload[filename] must not be empty");
            } else if (filename.length() > MAX_FILENAME_LENGTH) {
                params.invalid("payload[filename] must be at most " + MAX_FILENAME_LENGTH + " characters");
            } else if (filename.chars().anyMatch(Character::isISOControl)) {
                params.invalid("payload[filename] must not contain control characters");
            } else if (filename.contains("/") || filename.contains("\\")) {
                params.invalid("payload[filename] must not contain path separators");
            }
        }
        params.throwIfAny();
        return new CreateLinkRequest(expiresAt, limit.getAsInt(), mediaId.getAsLong(), assetId, filename);
    }
}
