package dev.sharelinks.linkapi.security;

import dev.sharelinks.events.CapabilityDigests;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * API keys and their stored form. A key has 256 random bits, so a plain SHA-256 is a safe and fast digest to
 * store and to look up by ({@link CapabilityDigests#sha256}; no salt or slow hash needed for high-entropy secrets,
 * unlike passwords).
 */
public final class Secrets {

    private static final String API_KEY_PREFIX = "slk_";

    private final SecureRandom random = new SecureRandom();

    public String newApiKey() {
        return API_KEY_PREFIX + randomToken(32);
    }

    /** A URL-safe random string of {@code bytes} random bytes. */
    public String randomToken(int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** Compares two secrets in time that does not depend on where they differ. */
    public static boolean matches(String presented, byte[] storedDigest) {
        return MessageDigest.isEqual(CapabilityDigests.sha256(presented), storedDigest);
    }
}
