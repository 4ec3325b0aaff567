package dev.sharelinks.linkapi.idempotency;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.linkapi.web.MediaPocketException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A write sent with an {@code Idempotency-Key}: the key, and the fingerprint of what was asked (the operation and
 * its JSON body, properties sorted, so a client that serializes the same body in another order still matches).
 *
 * @param key the header's value, as sent
 * @param fingerprint SHA-256 of the operation and the canonical body
 */
@SuppressWarnings("ArrayRecordComponent") // never compared as a whole: the fingerprint is, in constant time
public record IdempotentRequest(String key, byte[] fingerprint) {

    public static final String HEADER = "Idempotency-Key";
    /** Printable ASCII, as the IETF draft's examples and Stripe's keys are; long enough for any UUID or hash. */
    private static final Pattern WELL_FORMED = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private static final JsonMapper CANONICAL =
            JsonMapper.builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();

    /**
     * The request's idempotency, or null when it has no key; 422 in MediaPocket's format for a key that is not one.
     *
     * @param operation names the route, so one key reused on another route is another request
     */
    public static @Nullable IdempotentRequest of(@Nullable String key, String operation, @Nullable JsonNode body) {
        if (key == null) {
            return null;
        }
        if (!WELL_FORMED.matcher(key).matches()) {
            throw MediaPocketException.unprocessable(HEADER + " must be 1 to 255 printable ASCII characters");
        }
        String canonical = operation + "\n" + (body == null ? "" : CANONICAL.writeValueAsString(body));
        return new IdempotentRequest(key, CapabilityDigests.sha256(canonical));
    }
}
