package dev.sharelinks.linkapi.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * API keys and their stored form. A key has 256 random bits, so a plain SHA-256 is a safe and fast digest to
 * store and to look up by (no salt or slow hash needed for high-entropy secrets, unlike passwords).
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

    public static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Compares two secrets in time that does not depend on where they differ. */
    public static boolean matches(String presented, byte[] storedDigest) {
        return MessageDigest.isEqual(digest(presented), storedDigest);
    }
}
