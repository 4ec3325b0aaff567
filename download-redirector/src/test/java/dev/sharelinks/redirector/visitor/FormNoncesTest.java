package dev.sharelinks.redirector.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormNoncesTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private final VisitorProperties properties =
            DownloadReceiptsTest.properties(List.of(DownloadReceiptsTest.KEY_1), "http://x");
    private final SigningKeys keys = new SigningKeys(properties);

    @Test
    void aNonceIsValidForItsLinkUntilItExpiresAndEachHasItsOwnId() {
        String nonce = nonces(NOW).issue("linkA");

        FormNonces.Check check = nonces(NOW.plus(Duration.ofMinutes(59))).check("linkA", nonce);
        assertThat(check.verdict()).isEqualTo(FormNonces.Verdict.VALID);
        assertThat(check.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(check.id())
                .isNotBlank()
                .isNotEqualTo(
                        nonces(NOW).check("linkA", nonces(NOW).issue("linkA")).id());
        assertThat(nonces(NOW.plus(Duration.ofHours(1))).check("linkA", nonce).verdict())
                .isEqualTo(FormNonces.Verdict.EXPIRED);
    }

    @Test
    void aMissingForeignOrForgedNonceIsRefused() {
        String nonce = nonces(NOW).issue("linkA");

        assertThat(nonces(NOW).check("linkA", null).verdict()).isEqualTo(FormNonces.Verdict.MISSING);
        assertThat(nonces(NOW).check("linkA", "").verdict()).isEqualTo(FormNonces.Verdict.MISSING);
        assertThat(nonces(NOW).check("linkB", nonce).verdict()).isEqualTo(FormNonces.Verdict.INVALID);
        String later = String.valueOf(NOW.plus(Duration.ofDays(1)).getEpochSecond());
        assertThat(nonces(NOW)
                        .check("linkA", later + nonce.substring(nonce.indexOf('.')))
                        .verdict())
                .isEqualTo(FormNonces.Verdict.INVALID);
        assertThat(nonces(NOW).check("linkA", "1.2").verdict()).isEqualTo(FormNonces.Verdict.INVALID);
        assertThat(nonces(NOW).check("linkA", "x.y.z.w").verdict()).isEqualTo(FormNonces.Verdict.INVALID);
    }

    @Test
    void aNonceIsNeverTakenForAReceipt() {
        VisitorProperties same = properties;
        DownloadReceipts receipts = new DownloadReceipts(keys, same, Clock.fixed(NOW, ZoneOffset.UTC));
        String nonce = nonces(NOW).issue("linkA");

        assertThat(receipts.holdsReceipt("linkA", DownloadReceipts.COOKIE + "=" + nonce))
                .isFalse();
    }

    private FormNonces nonces(Instant now) {
        return new FormNonces(keys, properties, Clock.fixed(now, ZoneOffset.UTC));
    }
}
