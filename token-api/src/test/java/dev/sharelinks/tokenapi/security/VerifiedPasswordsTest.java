package dev.sharelinks.tokenapi.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifiedPasswordsTest {

    private static final String HASH = "{bcrypt}$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z9nQ6vMvGx0XgS1k8hOQkK1y";

    private final AtomicLong nanos = new AtomicLong();
    private final VerifiedPasswords verified = VerifiedPasswords.rememberedFor(Duration.ofMinutes(5), nanos::get);

    @Test
    void aPasswordThatPassedPassesAgainForTheSameLoginAndStoredHash() {
        assertThat(verified.passed("ann", "correct horse", HASH)).isFalse();

        verified.remember("ann", "correct horse", HASH);

        assertThat(verified.passed("ann", "correct horse", HASH)).isTrue();
    }

    @Test
    void anotherPasswordAnotherLoginOrANewStoredHashGoesThroughTheEncoderAgain() {
        verified.remember("ann", "correct horse", HASH);

        assertThat(verified.passed("ann", "correct horse ", HASH)).isFalse();
        assertThat(verified.passed("ann", "", HASH)).isFalse();
        assertThat(verified.passed("ben", "correct horse", HASH)).isFalse();
        assertThat(verified.passed("ann", "correct horse", HASH.replace('y', 'z')))
                .isFalse();
    }

    @Test
    void aPasswordIsRememberedForTheWindowOnly() {
        verified.remember("ann", "correct horse", HASH);

        nanos.addAndGet(Duration.ofMinutes(5).minusSeconds(1).toNanos());
        assertThat(verified.passed("ann", "correct horse", HASH)).isTrue();
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(verified.passed("ann", "correct horse", HASH)).isFalse();
    }

    @Test
    void aWindowOfZeroRemembersNothing() {
        VerifiedPasswords none = VerifiedPasswords.rememberedFor(Duration.ZERO);

        none.remember("ann", "correct horse", HASH);

        assertThat(none.passed("ann", "correct horse", HASH)).isFalse();
    }
}
