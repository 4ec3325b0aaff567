package dev.sharelinks.mailer.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.ShareRequested;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShareMailTest {

    private static final Instant THROUGH_12_DECEMBER = Instant.parse("2026-12-13T00:00:00Z");
    private final ShareMail mail = new ShareMail();

    @Test
    void everyLanguageHasEveryMessageAndEachFormats() throws IOException {
        Properties english = bundle("");
        assertThat(english).isNotEmpty();
        for (String language : ShareRequested.LOCALES) {
            Properties translated = language.equals("en") ? english : bundle("_" + language);
            assertThat(translated.keySet()).as(language).isEqualTo(english.keySet());
            for (String key : translated.stringPropertyNames()) {
                // numbers fit every argument: the names format as text, the counts as numbers
                assertThat(new MessageFormat(translated.getProperty(key), Locale.forLanguageTag(language))
                                .format(new Object[] {3, 2, 1}))
                        .as(language + " " + key)
                        .isNotBlank();
            }
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "en|Anna Virtanen shared 2 files with you|3 downloads, available through 12 December 2026 (UTC)",
                "fi|Anna Virtanen jakoi kanssasi 2 tiedostoa|3 latausta, saatavilla 12. joulukuuta 2026 asti (UTC)",
                "fr|Anna Virtanen a partagé 2 fichiers avec vous|3 téléchargements, disponible jusqu'au 12 décembre 2026 inclus (UTC)",
                "de|Anna Virtanen hat 2 Dateien mit Ihnen geteilt|3 Downloads, verfügbar bis einschließlich 12. Dezember 2026 (UTC)"
            })
    void theSubjectNamesWhoSharedAndEachFileSaysWhatItAllowsInTheSharesLanguage(
            String locale, String subject, String allows) {
        ShareRequested share =
                share(locale, "Anna Virtanen", link(3, THROUGH_12_DECEMBER), link(3, THROUGH_12_DECEMBER));

        assertThat(mail.subject(share)).isEqualTo(subject);
        assertThat(mail.text(share, "aino@mail.test", null)).contains("- a.pdf: " + allows);
    }

    @Test
    void oneFileOneDownloadAMomentAndTheAccountAloneReadNaturally() {
        ShareRequested share = share("en", null, link(1, Instant.parse("2026-12-12T14:30:00Z")));

        assertThat(mail.subject(share)).isEqualTo("Acme Media shared a file with you");
        assertThat(mail.text(share, "aino@mail.test", null))
                .contains(
                        "Acme Media shared a file with you.",
                        "- a.pdf: 1 download, available until 12 December 2026, 14:30 (UTC)",
                        "Sent by Acme Media through Sharelinks to aino@mail.test.");
    }

    @Test
    void aShareFromBeforeSendersAndLanguagesIsMailedAsBeforeInEnglish() {
        ShareRequested older = new ShareRequested(
                9,
                1,
                List.of("aino@mail.test"),
                null,
                List.of(new ShareRequested.SharedLink(1, "http://r.test/k", "a.pdf", THROUGH_12_DECEMBER)));

        assertThat(mail.subject(older)).isEqualTo("Files have been shared with you");
        assertThat(mail.text(older, "aino@mail.test", null))
                .contains("Files have been shared with you.", "- a.pdf: available through 12 December 2026 (UTC)");
        assertThat(ShareMail.locale(older)).isEqualTo(Locale.UK);
    }

    @Test
    void aNameWithLineBreaksReachesNoHeaderAsMoreThanOneLine() {
        ShareRequested share = share("en", "Anna\r\nBcc: x@evil.test", link(1, THROUGH_12_DECEMBER));

        assertThat(mail.subject(share)).doesNotContain("\r", "\n").startsWith("Anna  Bcc: x@evil.test shared");
    }

    @Test
    void brandingFromAnEventReachesTheMailOnlyInShapesLinkApiAllows() {
        ShareRequested share = new ShareRequested(
                9,
                1,
                List.of("aino@mail.test"),
                null,
                List.of(link(1, THROUGH_12_DECEMBER)),
                null,
                new ShareRequested.Sender("Acme Media", null, null),
                "en",
                new ShareRequested.Branding(null, "red;background:url(https://evil.test/x)", "Line one\nBcc: two"));

        String html = mail.html(share, "aino@mail.test", null);

        assertThat(html).contains("background:#1f5fbf", "Line one Bcc: two").doesNotContain("evil.test", "<img");
    }

    private static ShareRequested share(String locale, String senderName, ShareRequested.SharedLink... links) {
        return new ShareRequested(
                9,
                1,
                List.of("aino@mail.test"),
                null,
                List.of(links),
                null,
                new ShareRequested.Sender("Acme Media", senderName, null),
                locale);
    }

    private static ShareRequested.SharedLink link(int downloads, Instant expiresAt) {
        return new ShareRequested.SharedLink(1, "http://r.test/k", "a.pdf", expiresAt, downloads);
    }

    private static Properties bundle(String suffix) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = ShareMailTest.class.getResourceAsStream("/mail/messages" + suffix + ".properties")) {
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return properties;
    }
}
