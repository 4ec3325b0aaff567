package dev.sharelinks.redirector.page;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

class RefusalPagesTest {

    private static final String LINK_GONE = "{\"error\":\"Link not found or has expired\"}";
    private static final String CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
            + "image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
    private final RefusalPages refusals = new RefusalPages(new VisitorPages());

    @ParameterizedTest
    @ValueSource(
            strings = {
                CHROME,
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "text/html",
                "application/json;q=0.5, text/html"
            })
    void browsersPreferHtml(String accept) {
        assertThat(RefusalPages.prefersHtml(accept)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "*/*",
                "application/json",
                "",
                "text/*",
                "text/html;q=0.5, application/json",
                "text/html, application/json",
                "text/html;q=0, */*",
                "not a media type;;",
                "application/*, text/html;q=0.9"
            })
    void apiClientsAndAnythingElseKeepJson(String accept) {
        assertThat(RefusalPages.prefersHtml(accept)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "fi-FI,fi;q=0.9,en-US;q=0.8,en;q=0.7|fi",
                "de-CH|de",
                "fr|fr",
                "sv-SE,sv;q=0.9|en",
                "en-GB|en",
                "'x;;q=bad'|en",
                "''|en",
                "sv, de;q=0.5|de"
            })
    void theLanguageIsTheBrowsersFirstOfTheFourElseEnglish(String acceptLanguage, String language) {
        assertThat(VisitorPages.locale(acceptLanguage, null).getLanguage()).isEqualTo(language);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"fr|de|fr", "sv|fi|fi", "''|de|de", "'x;;q=bad'|fi|fi", "sv|xx|en"})
    void aBrowserNamingNoneOfTheFourGetsTheLinksLanguage(String acceptLanguage, String linkLanguage, String language) {
        assertThat(VisitorPages.locale(acceptLanguage, linkLanguage).getLanguage())
                .isEqualTo(language);
    }

    @Test
    void anApiClientGetsTheVendorsAnswerUnchanged() {
        ResponseEntity<String> answer = ResponseEntity.status(HttpStatus.NOT_FOUND)
                .contentType(MediaType.APPLICATION_JSON)
                .body(LINK_GONE);
        for (String accept : new String[] {null, "*/*", "application/json"}) {
            assertThat(refusals.forVisitor(answer, RefusalPages.Route.LINK, accept, "fi"))
                    .isSameAs(answer);
        }
        ResponseEntity<String> redirect =
                ResponseEntity.status(HttpStatus.FOUND).build();
        assertThat(refusals.forVisitor(redirect, RefusalPages.Route.LINK, CHROME, "fi"))
                .isSameAs(redirect);
    }

    @Test
    void aBrowserGetsAPageWithTheSameStatusAndRetryAfter() {
        ResponseEntity<String> throttled = ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, "42")
                .contentType(MediaType.APPLICATION_JSON)
                .body("{}");

        ResponseEntity<String> page = refusals.forVisitor(throttled, RefusalPages.Route.SHARE_TOKEN, CHROME, "fr");

        assertThat(page.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(page.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("42");
        assertThat(page.getHeaders().getContentType().isCompatibleWith(MediaType.TEXT_HTML))
                .isTrue();
        assertThat(page.getHeaders().getFirst("Content-Security-Policy")).startsWith("default-src 'none'");
        assertThat(page.getBody())
                .contains("<html lang=\"fr\">", "<h1>Trop de tentatives</h1>", "Réessayez dans 42 secondes.");
        ResponseEntity<String> notGranted = refusals.forVisitor(
                ResponseEntity.status(HttpStatus.FORBIDDEN).body("{}"), RefusalPages.Route.SHARE_TOKEN, CHROME, "de");
        assertThat(notGranted.getBody()).contains("Diese Datei kann nicht heruntergeladen werden");
        // the link API has no 403 of its own to show as a page
        ResponseEntity<String> forbidden =
                ResponseEntity.status(HttpStatus.FORBIDDEN).body("{}");
        assertThat(refusals.forVisitor(forbidden, RefusalPages.Route.LINK, CHROME, "de"))
                .isSameAs(forbidden);
    }

    @Test
    void everyLanguageHasEveryMessage() throws IOException {
        Properties english = bundle("");
        for (String language : VisitorPages.LANGUAGES.subList(1, VisitorPages.LANGUAGES.size())) {
            assertThat(bundle("_" + language).keySet()).as(language).isEqualTo(english.keySet());
        }
    }

    private static Properties bundle(String suffix) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = RefusalPagesTest.class.getResourceAsStream("/pages/messages" + suffix + ".properties")) {
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return properties;
    }
}
