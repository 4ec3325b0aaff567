package dev.sharelinks.redirector.visitor;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The one-time nonces of landing-page forms. A nonce is {@code expiry.id.keyId.mac}, signed for one link
 * ({@link SigningKeys}), so this class can tell a forged, foreign or stale one without the database; that it is
 * used once is the database's part: the POST that spends a download records its id in the same statement, and a
 * second POST with it is refused.
 */
@Component
public class FormNonces {

    private static final String PURPOSE = "landing-form";
    private static final int ID_BYTES = 16;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final SigningKeys keys;
    private final Duration lifetime;
    private final Clock clock;
    private final SecureRandom random = nonBlockingRandom();

    FormNonces(SigningKeys keys, VisitorProperties properties, Clock clock) {
        this.keys = keys;
        this.lifetime = properties.formLifetime();
        this.clock = clock;
    }

    /**
     * A DRBG, seeded here: the platform default (NativePRNG) reads /dev/urandom on every call, a blocking read on
     * the event loop that renders the page.
     */
    private static SecureRandom nonBlockingRandom() {
        try {
            SecureRandom random = SecureRandom.getInstance("DRBG");
            random.nextBytes(new byte[ID_BYTES]);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("DRBG is part of every JDK since 9", e);
        }
    }

    /** A fresh nonce for a form of the link {@code key}. */
    public String issue(String key) {
        byte[] id = new byte[ID_BYTES];
        random.nextBytes(id);
        String expiry = String.valueOf(clock.instant().plus(lifetime).getEpochSecond());
        String nonceId = BASE64URL.encodeToString(id);
        return expiry + "." + nonceId + "." + keys.sign(PURPOSE, key, expiry, nonceId);
    }

    /** What a submitted nonce is worth for the link {@code key}. */
    public Check check(String key, @Nullable String nonce) {
        if (nonce == null || nonce.isEmpty()) {
            return new Check(Verdict.MISSING, null, null);
        }
        String[] parts = nonce.split("\\.", 3);
        if (parts.length < 3 || !keys.verify(parts[2], PURPOSE, key, parts[0], parts[1])) {
            return new Check(Verdict.INVALID, null, null);
        }
        Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(parts[0]));
        if (!expiresAt.isAfter(clock.instant())) {
            return new Check(Verdict.EXPIRED, null, null);
        }
        return new Check(Verdict.VALID, parts[1], expiresAt);
    }

    /** A submitted nonce's verdict. */
    public enum Verdict {
        MISSING,
        INVALID,
        EXPIRED,
        VALID
    }

    /**
     * What a form's nonce is worth.
     *
     * @param id the nonce's random id, to be recorded as used; null unless valid
     * @param expiresAt when the nonce stops being accepted (its record may be deleted after); null unless valid
     */
    public record Check(
            Verdict verdict, @Nullable String id, @Nullable Instant expiresAt) {}
}
