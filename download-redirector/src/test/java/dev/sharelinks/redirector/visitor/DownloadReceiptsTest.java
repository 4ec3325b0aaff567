package dev.sharelinks.redirector.visitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;

class DownloadReceiptsTest {

    static final String KEY_1 = "k1:" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    static final String KEY_2 = "k2:" + "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    @Test
    void aReceiptIsAnHttpOnlyLaxCookieForThisLinksPathOnlyValidForTheGracePeriod() {
        DownloadReceipts receipts = receipts(List.of(KEY_1), "https://share.example.com/dl/", NOW);

        ResponseCookie cookie = parse(receipts.issue("linkA"));

        assertThat(cookie.getName()).isEqualTo(DownloadReceipts.COOKIE);
        assertThat(cookie.getPath()).isEqualTo("/dl/api/v2/shareable_links/linkA");
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.isSecure()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Lax");
        assertThat(cookie.getMaxAge()).isEqualTo(Duration.ofMinutes(10));
        assertThat(receipts.holdsReceipt("linkA", "other=1; " + header(cookie))).isTrue();
        assertThat(receipts(
                                List.of(KEY_1),
                                "https://x",
                                NOW.plus(Duration.ofMinutes(10)).minusSeconds(1))
                        .holdsReceipt("linkA", header(cookie)))
                .isTrue();
    }

    @Test
    void overPlainHttpTheCookieIsNotSecure() {
        assertThat(parse(receipts(List.of(KEY_1), "http://127.0.0.1:8082", NOW).issue("k"))
                        .isSecure())
                .isFalse();
    }

    @Test
    void aReceiptIsWorthlessOnAnotherLinkAfterItsTimeTamperedOrSignedWithARetiredKey() {
        DownloadReceipts receipts = receipts(List.of(KEY_2, KEY_1), "http://x", NOW);
        String cookie = header(parse(receipts.issue("linkA")));

        assertThat(receipts.holdsReceipt("linkB", cookie)).as("another link").isFalse();
        assertThat(receipts(List.of(KEY_2, KEY_1), "http://x", NOW.plus(Duration.ofMinutes(10)))
                        .holdsReceipt("linkA", cookie))
                .as("expired")
                .isFalse();
        String value = cookie.substring(cookie.indexOf('=') + 1);
        String expiry = value.substring(0, value.indexOf('.'));
        String later = String.valueOf(Long.parseLong(expiry) + 60);
        assertThat(receipts.holdsReceipt("linkA", cookie.replace(expiry, later)))
                .as("expiry moved")
                .isFalse();
        String mac = value.substring(value.lastIndexOf('.') + 1);
        String flipped = (mac.charAt(0) == 'A' ? "B" : "A") + mac.substring(1);
        assertThat(receipts.holdsReceipt("linkA", cookie.replace(mac, flipped)))
                .as("forged")
                .isFalse();
        assertThat(receipts(List.of(KEY_1), "http://x", NOW).holdsReceipt("linkA", cookie))
                .as("k2 retired")
                .isFalse();
        assertThat(receipts.holdsReceipt("linkA", "sharelinks_receipt=garbage")).isFalse();
        assertThat(receipts.holdsReceipt("linkA", "sharelinks_receipt=1.2.3.4")).isFalse();
        assertThat(receipts.holdsReceipt("linkA", null)).isFalse();
    }

    @Test
    void aReceiptSignedWithAnOlderKeyStillListedIsValidAfterRotation() {
        String before = header(parse(receipts(List.of(KEY_1), "http://x", NOW).issue("linkA")));

        assertThat(receipts(List.of(KEY_2, KEY_1), "http://x", NOW).holdsReceipt("linkA", before))
                .isTrue();
    }

    @Test
    void receiptsSignedWithARandomKeyWhenNoneIsConfigured() {
        DownloadReceipts receipts = receipts(List.of(), "http://x", NOW);

        assertThat(receipts.holdsReceipt("k", header(parse(receipts.issue("k")))))
                .isTrue();
    }

    @Test
    void aGracePeriodOfZeroTurnsReceiptsOff() {
        VisitorProperties off =
                new VisitorProperties("", List.of(KEY_1), Duration.ZERO, Duration.ofHours(1), URI.create("http://x"));
        DownloadReceipts receipts = new DownloadReceipts(new SigningKeys(off), off, Clock.fixed(NOW, ZoneOffset.UTC));
        String valid = header(parse(receipts(List.of(KEY_1), "http://x", NOW).issue("k")));

        assertThat(receipts.issue("k")).isNull();
        assertThat(receipts.holdsReceipt("k", valid)).isFalse();
    }

    @Test
    void badSigningKeysAreRefusedAtStart() {
        for (String bad : List.of("nocolon", "bad id:MDEy", "k1:not base64!", "k1:c2hvcnQ=")) {
            assertThatThrownBy(() -> new SigningKeys(properties(List.of(bad), "http://x")))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new SigningKeys(properties(List.of(KEY_1, KEY_1), "http://x")))
                .hasMessageContaining("twice");
    }

    static VisitorProperties properties(List<String> keys, String publicUrl) {
        return new VisitorProperties("", keys, Duration.ofMinutes(10), Duration.ofHours(1), URI.create(publicUrl));
    }

    private static DownloadReceipts receipts(List<String> keys, String publicUrl, Instant now) {
        VisitorProperties properties = properties(keys, publicUrl);
        return new DownloadReceipts(new SigningKeys(properties), properties, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static ResponseCookie parse(String setCookie) {
        java.net.HttpCookie parsed = java.net.HttpCookie.parse(setCookie).get(0);
        String sameSite = setCookie.replaceAll(".*SameSite=([A-Za-z]+).*", "$1");
        return ResponseCookie.from(parsed.getName(), parsed.getValue())
                .path(parsed.getPath())
                .httpOnly(parsed.isHttpOnly())
                .secure(parsed.getSecure())
                .sameSite(sameSite)
                .maxAge(parsed.getMaxAge())
                .build();
    }

    /** The request's {@code Cookie} header a browser would send back. */
    private static String header(HttpCookie cookie) {
        return cookie.getName() + "=" + cookie.getValue();
    }
}
