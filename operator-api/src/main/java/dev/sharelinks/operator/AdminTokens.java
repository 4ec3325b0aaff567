package dev.sharelinks.operator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;

/**
 * The operators' bearer token. Only its SHA-256 digest is kept, and a presented token is compared digest to digest
 * with {@link MessageDigest#isEqual}, whose time depends only on the digests' fixed length: the comparison tells
 * nothing about where a guess goes wrong, nor how long it is. A blank configured token opens nothing.
 */
public final class AdminToken {

    private static final String BEARER = "Bearer ";

    private final byte @Nullable [] digest;

    private AdminToken(byte @Nullable [] digest) {
        this.digest = digest;
    }

    public static AdminToken of(@Nullable String configured) {
        return new AdminToken(configured == null || configured.isBlank() ? null : sha256(configured));
    }

    public boolean matches(@Nullable String presented) {
        return digest != null && presented != null && MessageDigest.isEqual(sha256(presented), digest);
    }

    /** Whether an {@code Authorization} header value is {@code Bearer <this token>}. */
    public boolean presentedIn(@Nullable String authorization) {
        return authorization != null
                && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && matches(authorization.substring(BEARER.length()));
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
