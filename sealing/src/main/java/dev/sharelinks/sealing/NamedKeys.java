package dev.sharelinks.sealing;

import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A list of secret keys by id, as services configure the keys they rotate: {@code id:base64[,id:base64...]}, the
 * first the one in use (it seals, or signs) and every one accepted, so a key rotates by putting a new one first.
 */
public final class NamedKeys {

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,16}");

    private NamedKeys() {}

    /**
     * The keys of {@code configured} in order, blank entries skipped.
     *
     * @param what what the keys are, for the messages ("a sealing key")
     * @param minBytes the fewest bytes a key may have
     * @param maxBytes the most bytes a key may have ({@link Integer#MAX_VALUE}: no bound)
     * @throws IllegalArgumentException with what is wrong: a malformed or repeated id, a key that is not base64 or
     *     of the wrong length (an empty list is the caller's to refuse or not)
     */
    public static Map<String, byte[]> parse(List<String> configured, String what, int minBytes, int maxBytes) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String entry : configured.stream().filter(key -> !key.isBlank()).toList()) {
            int colon = entry.indexOf(':');
            String id = colon < 0 ? "" : entry.substring(0, colon).strip();
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException(what + " is id:base64, the id 1-16 of A-Za-z0-9_-");
            }
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(entry.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " " + id + " is not base64", e);
            }
            if (secret.length < minBytes || secret.length > maxBytes) {
                String wanted = minBytes == maxBytes
                        ? "not " + minBytes
                        : maxBytes == Integer.MAX_VALUE
                                ? "at least " + minBytes + " are needed"
                                : "not " + minBytes + " to " + maxBytes;
                throw new IllegalArgumentException(
                        what + " " + id + " has " + secret.length + " bytes, " + wanted + " (openssl rand -base64 32)");
            }
            if (keys.putIfAbsent(id, secret) != null) {
                throw new IllegalArgumentException(what + " " + id + " is listed twice");
            }
        }
        return Collections.unmodifiableMap(keys);
    }
}
