package dev.sharelinks.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Constant time is a property of the code's shape: every comparison is of two 32-byte digests with
 * MessageDigest.isEqual, whatever is presented. A timing measurement in a unit test would measure the machine's noise.
 */
class AdminTokensTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @Test
    void whenAnythingIsPresentedThenWhatIsComparedHasOneFixedLength() {
        for (String presented : List.of("", "x", TOKEN, "é".repeat(10_000))) {
            assertThat(AdminTokens.sha256(presented)).hasSize(32);
        }
    }

    @Test
    void whenTheTokenIsPresentedThenItMatchesAndNearMissesDoNot() {
        AdminTokens admin = onlyConfigured(TOKEN);
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
            AdminTokens none = onlyConfigured(configured);
            assertThat(none.matches("")).isFalse();
            assertThat(none.presentedIn("Bearer ")).isFalse();
            assertThat(none.presentedIn("Bearer " + configured)).isFalse();
        }
    }

    @Test
    void whenTheTokensFileChangesThenTheNewSetCountsAfterTheReloadIntervalWithoutARestart(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("admin-tokens");
        write(file, 1, "# current", "old-token");
        SteppedClock clock = new SteppedClock();
        AdminTokens admin = AdminTokens.of("", file.toString(), Duration.ofSeconds(10), clock);
        assertThat(admin.matches("old-token")).isTrue();

        // the rotation's first step: the next token is added beside the current one
        write(file, 2, "old-token", "", "new-token");
        assertThat(admin.matches("new-token"))
                .as("believed until the interval passes")
                .isFalse();
        clock.advance(Duration.ofSeconds(10));
        assertThat(admin.matches("new-token")).isTrue();
        assertThat(admin.matches("old-token")).isTrue();
        assertThat(admin.matches("# current")).as("comments are not tokens").isFalse();

        // and its last: the old one removed
        write(file, 3, "new-token");
        clock.advance(Duration.ofSeconds(10));
        assertThat(admin.matches("old-token")).isFalse();
        assertThat(admin.matches("new-token")).isTrue();

        // a file gone half-way through a Secret's update: the tokens last read stay
        Files.delete(file);
        clock.advance(Duration.ofSeconds(10));
        assertThat(admin.matches("new-token")).isTrue();
    }

    @Test
    void whenTheConfiguredTokenAndAFileAreBothSetThenEitherOpens(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("admin-tokens");
        write(file, 1, "from-file");
        AdminTokens admin = AdminTokens.of(TOKEN, file.toString(), Duration.ofSeconds(10), Clock.systemUTC());
        assertThat(admin.presentedIn("Bearer " + TOKEN)).isTrue();
        assertThat(admin.presentedIn("Bearer from-file")).isTrue();
        assertThat(admin.presentedIn("Bearer from")).isFalse();
    }

    @Test
    void whenTheTokensFileCannotBeReadAtStartThenTheStartFails(@TempDir Path dir) {
        String missing = dir.resolve("missing").toString();
        assertThatThrownBy(() -> AdminTokens.of("", missing, Duration.ofSeconds(10), Clock.systemUTC()))
                .hasMessageContaining(missing);
    }

    private static AdminTokens onlyConfigured(String configured) {
        return AdminTokens.of(configured, null, Duration.ofSeconds(10), Clock.systemUTC());
    }

    /** Writes the lines with a modification time of its own, as each update of a mounted Secret has. */
    private static void write(Path file, int version, String... lines) throws IOException {
        Files.write(file, List.of(lines));
        Files.setLastModifiedTime(
                file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(version)));
    }

    private static final class SteppedClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration step) {
            now = now.plus(step);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
