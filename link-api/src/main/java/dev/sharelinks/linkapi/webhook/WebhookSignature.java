package dev.sharelinks.linkapi.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.crypto.keygen.KeyGenerators;

/**
 * Endpoint secrets and delivery signatures as the Standard Webhooks specification defines them: a secret is
 * {@code whsec_} and the base64 of its key; a signature is {@code v1,} and the base64 of the HMAC-SHA256 of
 * {@code <webhook-id>.<webhook-timestamp>.<body>} under that key. Receivers verify with any Standard Webhooks
 * library.
 */
final class WebhookSignature {

    static final String SECRET_PREFIX = "whsec_";
    private static final int KEY_BYTES = 32;

    private WebhookSignature() {}

    static String newSecret() {
        return SECRET_PREFIX
                + Base64.getEncoder()
                        .encodeToString(KeyGenerators.secureRandom(KEY_BYTES).generateKey());
    }

    static String sign(String secret, String messageId, long timestampSeconds, String body) {
        byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signed =
                    mac.doFinal((messageId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
