package dev.sharelinks.redirector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.LinkCreated;
import dev.sharelinks.infra.HeadlessChromium;
import dev.sharelinks.infra.SharedServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/**
 * The pages a person sees, in a real browser (Debian's headless Chromium, {@link HeadlessChromium}). The files land
 * in the browser's download folder, and their bytes are compared with the stored object. Every page is checked in
 * each of its languages: no errors logged, no WCAG 2.1 AA violation axe-core finds, and a screenshot in
 * {@code target/screenshots/} (the README's come from here).
 */
class LandingPageBrowserIT extends RedirectorIntegrationTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final byte[] CONTENT =
            "%PDF-1.4 the exact bytes a person downloads\n".repeat(50).getBytes(StandardCharsets.UTF_8);
    private static final String OBJECT = "media/browser/minutes.pdf";
    private static final List<String> LANGUAGES = List.of("en", "fi", "fr", "de");

    private static HeadlessChromium chromium;
    private static WebDriver browser;
    private static Path downloads;

    @LocalServerPort
    int port;

    @BeforeAll
    static void startBrowser() {
        SharedServers.s3().putObject(BUCKET, OBJECT, CONTENT, "application/pdf");
        chromium = HeadlessChromium.start();
        browser = chromium.driver();
        downloads = chromium.downloads();
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void emptyDownloadsAndSpeakEnglish() throws IOException {
        try (Stream<Path> files = Files.list(downloads)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        chromium.acceptLanguage("en-GB,en;q=0.9");
    }

    @Test
    void aPersonOpensALandingPageClicksDownloadAndTheFileLandsWithItsNameAndExactBytes() {
        PublishedLink link = publishLink(
                OBJECT,
                "Board minutes.pdf",
                3,
                Instant.parse("2099-03-01T00:00:00Z"),
                new LinkCreated.LandingPage(null));

        browser.get(url(link));
        checkPage("landing-page");
        HeadlessChromium.copyToReadme(SCREENSHOTS.resolve("landing-page.png"), "landing-page");
        assertThat(browser.getTitle()).isEqualTo("Board minutes.pdf – download");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Board minutes.pdf");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("1 March 2099, 00:00 (UTC)", "3");
        browser.navigate().refresh();
        assertThat(remaining(link)).as("showing the page spends nothing").isEqualTo(3);

        browser.findElement(By.cssSelector("button[type=submit]")).click();

        assertThat(downloaded("Board minutes.pdf")).isEqualTo(CONTENT);
        assertThat(remaining(link)).isEqualTo(2);
    }

    @Test
    void aPlainLinkFollowsTheRedirectAndAReloadWithinTheGracePeriodSpendsNothingMore() throws Exception {
        PublishedLink link = publishLink(OBJECT, "report.pdf", 5, Instant.now().plusSeconds(3600));

        browser.get(url(link));
        assertThat(downloaded("report.pdf")).isEqualTo(CONTENT);
        assertThat(remaining(link)).isEqualTo(4);

        browser.get(url(link));
        assertThat(downloaded("report (1).pdf")).as("the reload's file").isEqualTo(CONTENT);
        assertThat(remaining(link)).as("the reload was a repeat").isEqualTo(4);
        assertThat(browser.manage().getCookieNamed("sharelinks_receipt"))
                .as("HttpOnly, so only on the link's path")
                .isNull();
    }

    @Test
    void aPasswordLinkTakesAWrongPasswordThenTheRightOne() {
        String hash = PasswordEncoderFactories.createDelegatingPasswordEncoder().encode("harbour lights");
        PublishedLink link =
                publishLink(OBJECT, "Plans.pdf", 2, Instant.now().plusSeconds(3600), new LinkCreated.LandingPage(hash));

        browser.get(url(link));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("A password-protected file");
        browser.findElement(By.id("password")).sendKeys("harbour light");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        checkPage("wrong-password");
        assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText())
                .isEqualTo("Wrong password. Try again.");
        assertThat(remaining(link)).isEqualTo(2);

        browser.findElement(By.id("password")).sendKeys("harbour lights");
        browser.findElement(By.cssSelector("button[type=submit]")).click();

        assertThat(downloaded("Plans.pdf")).isEqualTo(CONTENT);
        assertThat(remaining(link)).isEqualTo(1);
    }

    /** A link or token URL that no longer works shows a page in the browser's language, not the vendor's JSON. */
    @Test
    void aLinkThatNoLongerWorksShowsAPageInTheBrowsersLanguage() {
        // expired: a person's own spent link would still give them their download again (the receipt)
        PublishedLink link = publishLink(OBJECT, "Expired.pdf", 1, Instant.now().minusSeconds(60), null);
        Map<String, String> titles = Map.of(
                "en",
                "This link no longer works",
                "fi",
                "Tämä linkki ei enää toimi",
                "fr",
                "Ce lien ne fonctionne plus",
                "de",
                "Dieser Link funktioniert nicht mehr");
        for (String language : LANGUAGES) {
            // the browser's Accept-Language, as a person's browser in that language sends it
            chromium.acceptLanguage(language + ";q=1, en;q=0.5");
            browser.get(url(link));
            checkPage("link-gone-" + language);
            assertThat(browser.getTitle()).isEqualTo(titles.get(language));
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo(titles.get(language));
            assertThat(browser.findElement(By.tagName("html")).getAttribute("lang"))
                    .isEqualTo(language);
            assertThat(browser.findElement(By.tagName("main")).getText()).doesNotContain("{", "error");
        }
        chromium.acceptLanguage("de-DE,de;q=0.9");
        browser.get("http://127.0.0.1:" + port + "/share/no-such-token-value");
        checkPage("token-gone-de");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Dieser Link funktioniert nicht mehr");
    }

    /** The landing page and a refusal on it, in each language; dark mode too. */
    @Test
    void aPasswordLandingPageSpeaksTheBrowsersLanguage() {
        String hash = PasswordEncoderFactories.createDelegatingPasswordEncoder().encode("harbour lights");
        PublishedLink link = publishLink(
                OBJECT, "Plans.pdf", 2, Instant.parse("2099-03-01T12:00:00Z"), new LinkCreated.LandingPage(hash));
        Map<String, List<String>> words = Map.of(
                "en", List.of("A password-protected file", "1 March 2099", "Wrong password. Try again."),
                "fi",
                        List.of(
                                "Salasanalla suojattu tiedosto",
                                "1. maaliskuuta 2099",
                                "Väärä salasana. Yritä uudelleen."),
                "fr",
                        List.of(
                                "Un fichier protégé par mot de passe",
                                "1 mars 2099",
                                "Mot de passe incorrect. Réessayez."),
                "de",
                        List.of(
                                "Eine passwortgeschützte Datei",
                                "1. März 2099",
                                "Falsches Passwort. Versuchen Sie es erneut."));
        for (String language : LANGUAGES) {
            chromium.acceptLanguage(language);
            browser.get(url(link));
            checkPage("landing-password-" + language);
            assertThat(browser.findElement(By.tagName("html")).getAttribute("lang"))
                    .isEqualTo(language);
            assertThat(browser.findElement(By.tagName("h1")).getText())
                    .isEqualTo(words.get(language).get(0));
            assertThat(browser.findElement(By.tagName("main")).getText())
                    .contains(words.get(language).get(1), "UTC");

            browser.findElement(By.id("password")).sendKeys("harbour light");
            browser.findElement(By.cssSelector("button[type=submit]")).click();
            checkPage("wrong-password-" + language);
            assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText())
                    .isEqualTo(words.get(language).get(2));
        }
        chromium.colorScheme("dark");
        try {
            browser.get(url(link));
            checkPage("landing-password-dark");
        } finally {
            chromium.colorScheme("light");
        }
        assertThat(remaining(link))
                .as("no page and no wrong password spent anything")
                .isEqualTo(2);
    }

    /**
     * A browser naming none of the pages' languages gets the link's (its account's); a link preview agent, which
     * usually names none, gets its preview page in it.
     */
    @Test
    void aBrowserInAnotherLanguageGetsTheLinksLanguageAndSoDoesALinkPreview() {
        PublishedLink link = publishLink(
                OBJECT, "Kokous.pdf", 3, Instant.now().plusSeconds(3600), new LinkCreated.LandingPage(null), "fi");

        chromium.acceptLanguage("sv-SE,sv;q=0.9");
        browser.get(url(link));
        checkPage("landing-page-fi");
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("fi");
        assertThat(browser.findElement(By.cssSelector("button[type=submit]")).getText())
                .isEqualTo("Lataa");

        chromium.userAgent("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)");
        try {
            browser.get(url(link));
            checkPage("preview-fi");
            assertThat(browser.findElement(By.tagName("p")).getText())
                    .isEqualTo("Sinulle jaettu tiedosto. Avaa linkki ladataksesi sen.");
        } finally {
            chromium.userAgent(null);
        }
        assertThat(remaining(link)).isEqualTo(3);
    }

    /** The page shows no error, passes axe-core's WCAG 2.1 AA rules, and is kept as a screenshot. */
    private static void checkPage(String name) {
        chromium.screenshot(SCREENSHOTS.resolve(name + ".png"));
        assertThat(chromium.pageErrors()).as(name + ": errors the page logged").isEmpty();
        assertThat(chromium.accessibilityViolations())
                .as(name + ": WCAG 2.1 AA violations")
                .isEmpty();
    }

    private String url(PublishedLink link) {
        return "http://127.0.0.1:" + port + "/api/v2/shareable_links/" + link.key();
    }

    /** The file once the browser has finished writing it (no partial download left beside it). */
    private static byte[] downloaded(String filename) {
        Path file = downloads.resolve(filename);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    try (Stream<Path> files = Files.list(downloads)) {
                        List<String> names =
                                files.map(path -> path.getFileName().toString()).toList();
                        return names.contains(filename)
                                && names.stream().noneMatch(name -> name.endsWith(".crdownload"))
                                && Files.size(file) == CONTENT.length;
                    }
                });
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int remaining(PublishedLink link) {
        return Integer.parseInt(SharedServers.postgres()
                .query(DATABASE, "SELECT remaining FROM redirector.redeemable_links WHERE link_id = " + link.linkId()));
    }
}
