package dev.sharelinks.redirector.visitor;

import dev.sharelinks.sealing.NamedKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The HMAC-SHA256 keys of receipts and form nonces, by key id: the first signs, all verify. A signature is
 * {@code id.mac}, the MAC (128 bits, base64url) taken over a purpose and the signed parts, so a receipt can never
 * pass for a nonce, nor either for another link.
 */
@Component
class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final int MIN_KEY_BYTES = 32;
    private static final int MAC_BYTES = 16;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private final String signingKeyId;
    /** The signing key's MAC per thread: the event loops sign a receipt on every redirect. */
    private final ThreadLocal<Mac> signingMac;

    SigningKeys(VisitorProperties properties) {
        List<String> configured =
                properties.signingKeys().stream().filter(key -> !key.isBlank()).toList();
        if (configured.isEmpty()) {
            byte[] random = new byte[MIN_KEY_BYTES];
            new SecureRandom().nextBytes(random);
            keys.put("local", new SecretKeySpec(random, "HmacSHA256"));
            log.warn("no sharelinks.visitor.signing-keys (VISITOR_SIGNING_KEYS): receipts and landing-page forms "
                    + "signed with a random key, valid on this instance only");
        }
        NamedKeys.parse(configured, "signing key", MIN_KEY_BYTES, Integer.MAX_VALUE)
                .forEach((id, secret) -> keys.put(id, new SecretKeySpec(secret, "HmacSHA256")));
        this.signingKeyId = keys.keySet().iterator().next();
        this.signingMac = ThreadLocal.withInitial(() -> mac(keys.get(signingKeyId)));
    }

    /** {@code id.mac} of {@code purpose} and {@code parts}, with the signing key. */
    String sign(String purpose, String... parts) {
        return signingKeyId + "." + BASE64URL.encodeToString(macOf(signingMac.get(), purpose, parts));
    }

    /** Whether {@code signature} is {@code sign(purpose, parts)} with one of the keys; a retired key id is not. */
    boolean verify(String signature, String purpose, String... parts) {
        int dot = signature.indexOf('.');
        if (dot < 0) {
            return false;
        }
        String id = signature.substring(0, dot);
        SecretKeySpec key = keys.get(id);
        if (key == null) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(signature.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        Mac mac = id.equals(signingKeyId) ? signingMac.get() : mac(key);
        return MessageDigest.isEqual(presented, macOf(mac, purpose, parts));
    }

    private static byte[] macOf(Mac mac, String purpose, String... parts) {
        mac.update(purpose.getBytes(StandardCharsets.UTF_8));
        for (String part : parts) {
            // a separator no part can hold, so ("ab", "c") and ("a", "bc") differ
            mac.update((byte) 0);
            mac.update(part.getBytes(StandardCharsets.UTF_8));
        }
        byte[] full = mac.doFinal();
        byte[] truncated = new byte[MAC_BYTES];
        System.arraycopy(full, 0, truncated, 0, MAC_BYTES);
        return truncated;
    }

    private static Mac mac(@Nullable SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
