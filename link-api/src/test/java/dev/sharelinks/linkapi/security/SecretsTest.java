package dev.sharelinks.linkapi.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.CapabilityDigests;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Secrets are compared as SHA-256 digests with {@link java.security.MessageDigest#isEqual}, whose time depends only
 * on the digests' length, always 32 bytes: neither where a guess goes wrong nor how long it is can show in the
 * time of the comparison. That is a property of the code's shape, checked here; a timing measurement in a unit test
 * would only measure the machine's noise.
 */
class SecretsTest {

    private final Secrets secrets = new Secrets();

    @Test
    void whenAnySecretIsDigestedThenTheComparedFormHasOneFixedLength() {
        for (String secret : List.of("", "x", secrets.newApiKey(), "é".repeat(10_000))) {
            assertThat(CapabilityDigests.sha256(secret)).hasSize(32);
        }
    }

    @Test
    void whenAGuessIsNearlyRightThenItStillDoesNotMatch() {
        String key = secrets.newApiKey();
        byte[] stored = CapabilityDigests.sha256(key);

        assertThat(Secrets.matches(key, stored)).isTrue();
        for (String nearMiss : List.of(
                "",
                key.substring(0, key.length() - 1),
                key + "x",
                "X" + key.substring(1),
                key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A"),
                key.toUpperCase(),
                " " + key)) {
            assertThat(Secrets.matches(nearMiss, stored)).as(nearMiss).isFalse();
        }
    }

    @Test
    void whenKeysAreIssuedThenEachHas256RandomBitsAndIsUrlSafe() {
        String key = secrets.newApiKey();
        assertThat(key).startsWith("slk_").matches("slk_[A-Za-z0-9_-]{43}");
        assertThat(secrets.newApiKey()).isNotEqualTo(key);
    }
}
