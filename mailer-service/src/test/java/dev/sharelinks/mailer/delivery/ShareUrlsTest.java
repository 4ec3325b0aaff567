package dev.sharelinks.mailer.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.ShareRequested.SharedLink;
import dev.sharelinks.sealing.Sealer;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShareUrlsTest {

    private static final String KEY = "l1:" + Base64.getEncoder().encodeToString(new byte[32]);
    private static final String URL = "http://r.test/api/v2/shareable_links/k";
    private static final Instant EXPIRES = Instant.parse("2099-01-01T00:00:00Z");

    private final ShareUrls urls = new ShareUrls(properties(List.of(KEY)));

    @Test
    void aV2SharesSealedUrlsAreOpenedAndAV1SharesPlainOnesKept() {
        String sealed = Sealer.of(List.of(KEY)).seal(URL);
        ShareRequested v2 = share(SharedLink.sealed(1, sealed, "a.pdf", EXPIRES, 2));
        ShareRequested v1 = share(new SharedLink(1, URL, "a.pdf", EXPIRES, 2));

        assertThat(urls.opened(v2)).isEqualTo(v1);
        assertThat(urls.opened(v1)).isEqualTo(v1);
    }

    @Test
    void aUrlSealedWithAKeyThatIsNotListedDoesNotOpen() {
        String other = "l9:" + Base64.getEncoder().encodeToString(new byte[32]);
        String sealed = Sealer.of(List.of(other)).seal(URL);

        assertThatThrownBy(() -> urls.opened(share(SharedLink.sealed(1, sealed, "a.pdf", EXPIRES, null))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutAKeyTheMailerDoesNotStart() {
        assertThatThrownBy(() -> new ShareUrls(properties(null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("LINK_SEALING_KEYS");
    }

    private static ShareRequested share(SharedLink link) {
        return new ShareRequested(1, 1, List.of("a@mail.test"), null, List.of(link));
    }

    private static MailerProperties properties(List<String> keys) {
        return new MailerProperties(
                "Sharelinks <no-reply@sharelinks.local>",
                Duration.ofMillis(500),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                20,
                null,
                keys);
    }
}
