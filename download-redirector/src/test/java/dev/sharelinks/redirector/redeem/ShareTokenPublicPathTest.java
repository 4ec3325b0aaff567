package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Keepeek's public path, read from the raw request line as the GET's route reads it ({@link RequestTarget}): the
 * path after {@code /share/} percent-decoded, plus {@code ?} and the decoded query; nothing a token cannot have.
 */
class ShareTokenPublicPathTest {

    @Test
    void whenThePathIsPercentEncodedThenItIsDecoded() {
        assertThat(publicPath("/share/v123-press%28kit%29")).isEqualTo("v123-press(kit)");
        assertThat(publicPath("/share/v123%2Fharbour.jpg")).isEqualTo("v123/harbour.jpg");
        assertThat(publicPath("/share/v123/harbour.jpg")).isEqualTo("v123/harbour.jpg");
    }

    @Test
    void whenTheSuffixHoldsAQueryThenItIsPartOfThePath() {
        assertThat(publicPath("/share/v123?iAmASuffix")).isEqualTo("v123?iAmASuffix");
        assertThat(publicPath("/share/v123?i%41m")).isEqualTo("v123?iAm");
        assertThat(publicPath("/share/v123?a?b")).isEqualTo("v123?a?b");
        assertThat(publicPath("/share/v123?")).isEqualTo("v123?");
    }

    @Test
    void whenATrailingSlashIsSentThenItIsKept() {
        assertThat(publicPath("/share/v123-press/")).isEqualTo("v123-press/");
    }

    @Test
    void whenNothingFollowsThePrefixThenNoTokenHasIt() {
        assertThat(publicPath("/share/")).isNull();
        assertThat(publicPath("/share")).isNull();
        assertThat(publicPath("/share/?x")).isNull();
    }

    @Test
    void whenThePathIsTooLongThenNoTokenHasIt() {
        // a 128-character value and a 255-character suffix, every character percent-encoded
        assertThat(publicPath("/share/" + "x".repeat(1150 - "/share/".length())))
                .isNotNull();
        assertThat(publicPath("/share/" + "x".repeat(1151 - "/share/".length())))
                .isNull();
        assertThat(publicPath("/share/" + "x".repeat(1000) + "?" + "y".repeat(200)))
                .isNull();
    }

    @Test
    void whenTheDecodedPathIsNotPrintableAsciiThenNoTokenHasIt() {
        assertThat(publicPath("/share/caf%C3%A9")).isNull();
        assertThat(publicPath("/share/%C3%28")).isNull();
        assertThat(publicPath("/share/v123%00")).isNull();
        assertThat(publicPath("/share/v123%20x")).isNull();
        assertThat(publicPath("/share/v123?caf%C3%A9")).isNull();
    }

    @Test
    void whenAnEscapeIsMalformedThenNoTokenHasIt() {
        assertThat(publicPath("/share/v123%2")).isNull();
        assertThat(publicPath("/share/v123%zz")).isNull();
        assertThat(publicPath("/share/v123?%")).isNull();
    }

    private static String publicPath(String uri) {
        RequestTarget target = RequestTarget.of(uri);
        return ShareTokenRedeems.publicPath(target.rawPath(), target.rawQuery());
    }
}
