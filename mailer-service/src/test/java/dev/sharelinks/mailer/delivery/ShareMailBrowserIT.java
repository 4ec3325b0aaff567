package dev.sharelinks.mailer.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.infra.HeadlessChromium;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The share mail's HTML part as a person's mail client shows it, rendered in a real browser (Debian's headless
 * Chromium): in each language, in the account's branding and in Sharelinks' own look, light and dark; no errors
 * logged, no WCAG 2.1 AA violation axe-core finds, and a screenshot in {@code target/screenshots/} (the README's
 * comes from here).
 */
class ShareMailBrowserIT {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Path PAGES = Path.of("target", "mail-pages");
    private static final String LOGO_URL = "https://cdn.acme.test/logo.png";
    private static final Map<String, String> BUTTONS =
            Map.of("en", "Download", "fi", "Lataa", "fr", "Télécharger", "de", "Herunterladen");

    private static HeadlessChromium chromium;
    private final ShareMail mail = new ShareMail();

    @BeforeAll
    static void startBrowser() {
        chromium = HeadlessChromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void aBrandedMailReadsInEachLanguageAndPassesTheAccessibilityCheck() {
        for (String language : ShareRequested.LOCALES) {
            show(
                    share(
                            language,
                            new ShareRequested.Branding(
                                    LOGO_URL, "#8a1c1c", "Acme Media Oy, Mannerheimintie 1, 00100 Helsinki")),
                    "share-mail-" + language);

            assertThat(chromium.driver().findElement(By.tagName("html")).getAttribute("lang"))
                    .isEqualTo(language);
            assertThat(chromium.driver().findElements(By.cssSelector("a[aria-label]")))
                    .hasSize(2)
                    .allSatisfy(button -> {
                        assertThat(button.getText()).isEqualTo(BUTTONS.get(language));
                        assertThat(button.getCssValue("background-color")).isEqualTo("rgba(138, 28, 28, 1)");
                    });
            assertThat(chromium.driver().findElement(By.tagName("img")).getAttribute("alt"))
                    .isEqualTo("Acme Media");
        }
        HeadlessChromium.copyToReadme(SCREENSHOTS.resolve("share-mail-en.png"), "share-mail");
    }

    @Test
    void aMailInSharelinksOwnLookReadsInLightAndDarkMode() {
        ShareRequested share = share("en", null);
        show(share, "share-mail-plain");
        assertThat(chromium.driver().findElements(By.tagName("img"))).isEmpty();

        chromium.colorScheme("dark");
        try {
            show(share, "share-mail-dark");
        } finally {
            chromium.colorScheme("light");
        }
    }

    /** Opens the mail's HTML part as a client would show it, and checks it as every page is checked. */
    private void show(ShareRequested share, String name) {
        // the browser here is off the network: the logo comes inline, as a mail client that loaded it would show it
        String html = mail.html(share, "aino@mail.test", "q7Vd2mXr0bN5sK8wYc1ZaA")
                .replace(LOGO_URL, "data:image/png;base64," + logo());
        try {
            Files.createDirectories(PAGES);
            Path page = PAGES.resolve(name + ".html");
            Files.writeString(page, html, StandardCharsets.UTF_8);
            chromium.driver().get(page.toAbsolutePath().toUri().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        chromium.screenshot(SCREENSHOTS.resolve(name + ".png"));
        assertThat(chromium.pageErrors()).as(name + ": errors the page logged").isEmpty();
        assertThat(chromium.accessibilityViolations())
                .as(name + ": WCAG 2.1 AA violations")
                .isEmpty();
    }

    private static ShareRequested share(String locale, ShareRequested.Branding branding) {
        return new ShareRequested(
                9,
                1,
                List.of("aino@mail.test"),
                "The board papers for Thursday, and the plans.",
                List.of(
                        new ShareRequested.SharedLink(
                                1,
                                "https://dl.acme.test/api/v2/shareable_links/k1",
                                "Board minutes.pdf",
                                Instant.parse("2026-12-13T00:00:00Z"),
                                3),
                        new ShareRequested.SharedLink(
                                2,
                                "https://dl.acme.test/api/v2/shareable_links/k2",
                                "Harbour plans.pdf",
                                Instant.parse("2026-12-20T00:00:00Z"),
                                1)),
                null,
                new ShareRequested.Sender("Acme Media", "Anna Virtanen", "anna.virtanen@acme.test"),
                locale,
                branding);
    }

    /** A small logo drawn here (no fonts needed): a PNG, base64. */
    private static String logo() {
        BufferedImage image = new BufferedImage(144, 48, BufferedImage.TYPE_INT_ARGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(new Color(0x8a1c1c));
        graphics.fillRoundRect(0, 4, 40, 40, 10, 10);
        graphics.fillRect(52, 14, 88, 8);
        graphics.fillRect(52, 28, 60, 6);
        graphics.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(png.toByteArray());
    }
}
