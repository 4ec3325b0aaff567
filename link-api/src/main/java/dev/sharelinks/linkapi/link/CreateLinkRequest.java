package dev.sharelinks.linkapi.link;

import dev.sharelinks.linkapi.web.Params;
import dev.sharelinks.operator.Filenames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A validated {@code POST /api/v2/shareable_links} body.
 *
 * @param landingPage the extension {@code landing_page}: null when the create does not say (the account's default
 *     applies); always true with a password
 * @param password the extension {@code password}, to be hashed and then forgotten; null for none
 */
record CreateLinkRequest(
        Instant expiresAt,
        int limit,
        long mediaId,
        @Nullable String assetId,
        String filename,
        @Nullable Boolean landingPage,
        @Nullable String password) {

    /** bcrypt reads at most 72 bytes of a password; a longer one would be cut silently (Spring refuses it). */
    static final int MAX_PASSWORD_BYTES = 72;

    /** Checks every parameter, throwing one 422 that names all that are missing or wrong. */
    static CreateLinkRequest from(@Nullable JsonNode body, Clock clock, Duration maxLifetime) {
        Params params = new Params();
        params.onlyKnown(body, null, Set.of("expiry_date", "limit", "payload", "landing_page", "password"));
        String expiry = params.requiredString(body, "expiry_date", "expiry_date");
        OptionalInt limit = params.requiredInt(body, "limit", "limit");
        JsonNode payload = params.requiredHash(body, "payload", "payload");
        OptionalLong mediaId = payload == null
                ? OptionalLong.empty()
                : params.requiredInteger(payload, "media_id", "payload[media_id]");
        String filename = payload == null ? null : params.requiredString(payload, "filename", "payload[filename]");
        String assetId = payload == null ? null : params.optionalString(payload, "asset_id", "payload[asset_id]");
        params.onlyKnown(payload, "payload", Set.of("media_id", "filename", "asset_id"));
        Boolean landingPage = params.optionalBoolean(body, "landing_page", "landing_page");
        String password = params.optionalString(body, "password", "password");

        Instant expiresAt = null;
        if (expiry != null) {
            expiresAt = ExpiryDate.parse(expiry).orElse(null);
            if (expiresAt == null) {
                params.invalid("expiry_date must be a date (YYYY-MM-DD) or an ISO-8601 timestamp with offset");
            } else if (ExpiryDate.isPast(expiresAt, clock)) {
                params.invalid("expiry_date must not be in the past");
            } else if (expiresAt.isAfter(clock.instant().plus(maxLifetime))) {
                params.invalid("expiry_date must be at most " + maxLifetime.toDays() + " days ahead");
            }
        }
        if (limit.isPresent() && limit.getAsInt() < 1) {
            params.invalid("limit must be at least 1");
        }
        if (mediaId.isPresent() && mediaId.getAsLong() < 1) {
            params.invalid("payload[media_id] must be a positive Integer");
        }
        if (filename != null) {
            Filenames.problem(filename).ifPresent(problem -> params.invalid("payload[filename] " + problem));
        }
        if (password != null) {
            if (password.isEmpty()) {
                params.invalid("password must not be empty");
            } else if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
                params.invalid("password must be at most " + MAX_PASSWORD_BYTES + " bytes in UTF-8");
            } else if (password.chars().anyMatch(Character::isISOControl)) {
                params.invalid("password must not contain control characters");
            } else if (Boolean.FALSE.equals(landingPage)) {
                params.invalid("password needs landing_page: a password is asked on the landing page");
            }
        }
        params.throwIfAny();
        // throwIfAny refused a missing or invalid expiry_date or filename
        return new CreateLinkRequest(
                Objects.requireNonNull(expiresAt, "expiry_date"),
                limit.getAsInt(),
                mediaId.getAsLong(),
                assetId,
                Objects.requireNonNull(filename, "payload[filename]"),
                password != null ? Boolean.TRUE : landingPage,
                password);
    }
}
