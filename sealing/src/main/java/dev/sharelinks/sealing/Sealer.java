package dev.sharelinks.sealing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.springframework.security.crypto.encrypt.AesBytesEncryptor;
import org.springframework.security.crypto.encrypt.AesBytesEncryptor.CipherAlgorithm;
import org.springframework.security.crypto.keygen.KeyGenerators;

/**
 * Seals a value a service must show again but must not keep readable at rest, such as a Keepeek token's value:
 * AES-256-GCM (Spring Security's {@link AesBytesEncryptor}, a random 96-bit IV per value, a 128-bit tag that refuses
 * any change), under named keys. The first key seals; every key listed opens, so a key rotates by listing a new one
 * first, resealing what the old one sealed ({@link Resealing}), then dropping the old one.
 *
 * <p>A sealed value is {@code <key id>:<base64 of IV, ciphertext and tag>}. Keys are configured as
 * {@code id:base64[,id:base64...]}, each 32 random bytes ({@code openssl rand -base64 32}). Thread-safe.
 */
public final class Sealer {

    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;

    private final Map<String, AesBytesEncryptor> keys;
    private final String sealingKeyId;
    private final AesBytesEncryptor sealingKey;

    private Sealer(Map<String, AesBytesEncryptor> keys) {
        this.keys = keys;
        Map.Entry<String, AesBytesEncryptor> first = keys.entrySet().iterator().next();
        this.sealingKeyId = first.getKey();
        this.sealingKey = first.getValue();
    }

    /**
     * The sealer of these keys, each {@code id:base64}; the first seals.
     *
     * @throws IllegalArgumentException with what is wrong: none given, a malformed or repeated id, a key that is not
     *     base64 or not 32 bytes
     */
    public static Sealer of(List<String> configured) {
        Map<String, AesBytesEncryptor> keys = new LinkedHashMap<>();
        NamedKeys.parse(configured, "sealing key", KEY_BYTES, KEY_BYTES)
                .forEach((id, secret) -> keys.put(
                        id,
                        new AesBytesEncryptor(
                                new SecretKeySpec(secret, "AES"),
                                KeyGenerators.secureRandom(IV_BYTES),
                                CipherAlgorithm.GCM)));
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no sealing key: give at least one id:base64 of 32 random bytes");
        }
        return new Sealer(keys);
    }

    /**
     * {@link #of}, for a service's configuration: what is wrong stops the service's start, naming the setting.
     *
     * @param setting the setting the keys come from, as an operator knows it ({@code LINK_SEALING_KEYS})
     */
    public static Sealer configured(@Nullable List<String> keys, String setting) {
        try {
            return of(keys == null ? List.of() : keys);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + ": " + e.getMessage(), e);
        }
    }

    /** The value sealed with the sealing key. */
    public String seal(String value) {
        byte[] sealed = sealingKey.encrypt(value.getBytes(StandardCharsets.UTF_8));
        return sealingKeyId + ":" + Base64.getEncoder().encodeToString(sealed);
    }

    /**
     * The value {@link #seal} sealed, with whichever listed key sealed it.
     *
     * @throws IllegalArgumentException when its key is not listed, or it is not a sealed value or was changed
     */
    public String open(String sealed) {
        int colon = sealed.indexOf(':');
        AesBytesEncryptor aes = colon < 0 ? null : keys.get(sealed.substring(0, colon));
        if (aes == null) {
            throw new IllegalArgumentException("sealed with a key that is not listed, or not sealed");
        }
        try {
            return new String(
                    aes.decrypt(Base64.getDecoder().decode(sealed.substring(colon + 1))), StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            // Spring wraps the cipher's AEADBadTagException in an IllegalStateException
            throw new IllegalArgumentException("not a value sealed with key " + sealed.substring(0, colon), e);
        }
    }

    /**
     * The value a row holds: opened from its sealed column or, in a row written before sealing that {@link Resealing}
     * has not reached yet, as its plaintext column holds it.
     *
     * @throws IllegalArgumentException as {@link #open(String)} does, or when the row holds neither
     */
    public String open(@Nullable String sealed, @Nullable String plaintext) {
        if (sealed != null) {
            return open(sealed);
        }
        if (plaintext == null) {
            throw new IllegalArgumentException("neither sealed nor in plaintext");
        }
        return plaintext;
    }

    /** The id of the key that seals, as sealed values start with it and a colon. */
    public String sealingKeyId() {
        return sealingKeyId;
    }
}
