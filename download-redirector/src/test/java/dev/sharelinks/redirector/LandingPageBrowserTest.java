package dev.sharelinks.redirector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.LinkCreated;
import dev.sharelinks.infra.SharedServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/**
 * The pages a person sees, in a real browser: Debian's headless Chromium driven through its chromedriver by
 * Selenium. The files land in the browser's download folder, and their bytes are compared with the stored object.
 * Screenshots of the pages go to {@code target/screenshots/}.
 */
class LandingPageBrowserTest extends RedirectorIntegrationTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final byte[] CONTENT = "%PDF-1.4 the exact bytes a person downloads\n".repeat(50)
            .getBytes(StandardCharsets.UTF_8);
    private static final String OBJECT = "media/browser/minutes.pdf";

    private static Path downloads;
    private static Path profile;
    private static WebDriver browser;

    @LocalServerPort
    int port;

    @BeforeAll
    static void startBrowser() throws IOException {
        assertThat(CHROMIUM).as("Debian's chromium (apt-get install chromium chromium-driver; .ci/run does)")
                .isExecutable();
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver").isExecutable();
        SharedServers.s3().putObject(BUCKET, OBJECT, CONTENT, "application/pdf");
        downloads = Files.createTempDirectory("browser-downloads");
        profile = Files.createTempDirectory("browser-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // as root Chromium needs --no-sandbox; the networking switches keep it off the (closed) internet
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-features=InsecureDownloadWarnings,DownloadBubble",
                "--user-data-dir=" + profile, "--window-size=1024,768");
        options.setExperimentalOption("prefs", Map.of(
                "download.default_directory", downloads.toString(),
                "download.prompt_for_download", false,
                "safebrowsing.enabled", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        for (Path folder : new Path[] {downloads, profile}) {
            if (folder != null) {
                try (Stream<Path> files = Files.walk(folder)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    @BeforeEach
    void emptyDownloads() throws IOException {
        try (Stream<Path> files = Files.list(downloads)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
    }

    @Test
    void aPersonOpensALandingPageClicksDownloadAndTheFileLandsWithItsNameAndExactBytes() {
        LinkCreated link = publishLink(OBJECT, "Board minutes.pdf", 3, Instant.parse("2099-03-01T00:00:00Z"),
                new LinkCreated.LandingPage(null));

        browser.get(url(link));
        screenshot("landing-page");
        assertThat(browser.getTitle()).isEqualTo("Board minutes.pdf – download");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Board minutes.pdf");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("1 March 2099, 00:00 UTC", "3");
        browser.navigate().refresh();
        assertThat(remaining(link)).as("showing the page spends nothing").isEqualTo(3);

        browser.findElement(By.cssSelector("button[type=submit]")).click();

        assertThat(downloaded("Board minutes.pdf")).isEqualTo(CONTENT);
        assertThat(remaining(link)).isEqualTo(2);
    }

    @Test
    void aPlainLinkFollowsTheRedirectAndAReloadWithinTheGracePeriodSpendsNothingMore() throws Exception {
        LinkCreated link = publishLink(OBJECT, "report.pdf", 5, Instant.now().plusSeconds(3600));

        browser.get(url(link));
        assertThat(downloaded("report.pdf")).isEqualTo(CONTENT);
        assertThat(remaining(link)).isEqualTo(4);

        browser.get(url(link));
        assertThat(downloaded("report (1).pdf")).as("the reload's file").isEqualTo(CONTENT);
        assertThat(remaining(link)).as("the reload was a repeat").isEqualTo(4);
        assertThat(browser.manage().getCookieNamed("sharelinks_receipt")).as("HttpOnly, so only on the link's path")
                .isNull();
    }

    @Test
    void aPasswordLinkTakesAWrongPasswordThenTheRightOne() {
        String hash = PasswordEncoderFactories.createDelegatingPasswordEncoder().encode("harbour lights");
        LinkCreated link = publishLink(OBJECT, "Plans.pdf", 2, Instant.now().plusSeconds(3600),
                new LinkCreated.LandingPage(hash));

        browser.get(url(link));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("A password-protected file");
        browser.findElement(By.id("password")).sendKeys("harbour light");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        screenshot("wrong-password");
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
        LinkCreated link = publishLink(OBJECT, "Expired.pdf", 1, Instant.now().minusSeconds(60), null);
        Map<String, String> titles = Map.of("en", "This link no longer works", "fi", "Tämä linkki ei enää toimi",
                "fr", "Ce lien ne fonctionne plus", "de", "Dieser Link funktioniert nicht mehr");
        try {
            for (var language : titles.entrySet()) {
                // the browser's Accept-Language, as a person's browser in that language sends it
                ((ChromeDriver) browser).executeCdpCommand("Network.enable", Map.of());
                ((ChromeDriver) browser).executeCdpCommand("Network.setExtraHTTPHeaders",
                        Map.of("headers", Map.of("Accept-Language", language.getKey() + ";q=1, en;q=0.5")));
                browser.get(url(link));
                screenshot("link-gone-" + language.getKey());
                assertThat(browser.getTitle()).isEqualTo(language.getValue());
                assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo(language.getValue());
                assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo(language.getKey());
                assertThat(browser.findElement(By.tagName("main")).getText()).doesNotContain("{", "error");
            }
            ((ChromeDriver) browser).executeCdpCommand("Network.setExtraHTTPHeaders",
                    Map.of("headers", Map.of("Accept-Language", "de-DE,de;q=0.9")));
            browser.get("http://127.0.0.1:" + port + "/share/no-such-token-value");
            screenshot("token-gone-de");
            assertThat(browser.findElement(By.tagName("h1")).getText())
                    .isEqualTo("Dieser Link funktioniert nicht mehr");
        } finally {
            ((ChromeDriver) browser).executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of()));
        }
    }

    private String url(LinkCreated link) {
        return "http://127.0.0.1:" + port + "/api/v2/shareable_links/" + link.key();
    }

    /** The file once the browser has finished writing it (no partial download left beside it). */
    private static byte[] downloaded(String filename) {
        Path file = downloads.resolve(filename);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try (Stream<Path> files = Files.list(downloads)) {
                List<String> names = files.map(path -> path.getFileName().toString()).toList();
                return names.contains(filename) && names.stream().noneMatch(name -> name.endsWith(".crdownload"))
                        && Files.size(file) == CONTENT.length;
            }
        });
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void screenshot(String name) {
        try {
            Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
                    SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int remaining(LinkCreated link) {
        return Integer.parseInt(SharedServers.postgres().query(DATABASE,
                "SELECT remaining FROM redirector.redeemable_links WHERE link_id = " + link.linkId()));
    }
}
