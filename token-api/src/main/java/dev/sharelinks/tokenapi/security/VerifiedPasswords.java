package dev.sharelinks.tokenapi.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The passwords that passed bcrypt lately, so that a client sending the same Basic credentials on every request costs
 * one bcrypt comparison per window instead of one per request (tens of milliseconds of CPU each, by design). Each
 * login keeps the stored hash its password passed against and an HMAC of the password under a key that lives only
 * in this process: the password itself is never kept. A new password hash, a different password or an expired entry
 * goes through bcrypt again; a wrong password always does.
 */
final class VerifiedPasswords {

    private static final String HMAC = "HmacSHA256";
    private static final int MOST_LOGINS = 10_000;

    private final SecretKeySpec key;
    private final Cache<String, Verified> verified;

    @SuppressWarnings("ArrayRecordComponent") // never compared as a whole: the MAC is compared in constant time
    private record Verified(String passwordHash, byte[] passwordMac) {}

    private VerifiedPasswords(Duration window, Ticker ticker) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.key = new SecretKeySpec(random, HMAC);
        this.verified = Caffeine.newBuilder()
                .expireAfterWrite(window)
                .maximumSize(MOST_LOGINS)
                .ticker(ticker)
                .build();
    }

    /** Remembers each verified password for {@code window}; zero remembers none. */
    static VerifiedPasswords rememberedFor(Duration window) {
        return new VerifiedPasswords(window, Ticker.systemTicker());
    }

    static VerifiedPasswords rememberedFor(Duration window, Ticker ticker) {
        return new VerifiedPasswords(window, ticker);
    }

    /** Whether this login's password passed against this stored hash within the window. */
    boolean passed(String login, String password, String passwordHash) {
        Verified last = verified.getIfPresent(login);
        return last != null
                && last.passwordHash().equals(passwordHash)
                && MessageDigest.isEqual(last.passwordMac(), mac(password));
    }

    /** Records that this login's password passed against this stored hash. */
    void remember(String login, String password, String passwordHash) {
        verified.put(login, new Verified(passwordHash, mac(password)));
    }

    private byte[] mac(String password) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
        }
    }
}
