package dev.sharelinks.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Constant time is a property of the code's shape: every comparison is of two 32-byte digests with
 * MessageDigest.isEqual, whatever is presented. A timing measurement in a unit test would measure the machine's noise.
 */
class AdminTokenTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @Test
    void whenAnythingIsPresentedThenWhatIsComparedHasOneFixedLength() {
        for (String presented : List.of("", "x", TOKEN, "é".repeat(10_000))) {
            assertThat(AdminToken.sha256(presented)).hasSize(32);
        }
    }

    @Test
    void whenTheTokenIsPresentedThenItMatchesAndNearMissesDoNot() {
        AdminToken admin = AdminToken.of(TOKEN);
        assertThat(admin.presentedIn("Bearer " + TOKEN)).isTrue();
        assertThat(admin.presentedIn("bearer " + TOKEN)).isTrue();
        for (String header : Arrays.asList(
                null,
                "",
                "Bearer",
                "Bearer ",
                "Basic " + TOKEN,
                TOKEN,
                "Bearer " + TOKEN + "0",
                "Bearer " + TOKEN.substring(1),
                "Bearer x" + TOKEN.substring(1),
                "Bearer " + TOKEN.toUpperCase(),
                "Bearer  " + TOKEN)) {
            assertThat(admin.presentedIn(header)).as(String.valueOf(header)).isFalse();
        }
    }

    @Test
    void whenNoTokenIsConfiguredThenNothingMatches() {
        for (String configured : Arrays.asList(null, "", "   ")) {
            AdminToken none = AdminToken.of(configured);
            assertThat(none.matches("")).isFalse();
            assertThat(none.presentedIn("Bearer ")).isFalse();
            assertThat(none.presentedIn("Bearer " + configured)).isFalse();
        }
    }
}
