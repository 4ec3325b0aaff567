package dev.sharelinks.infra;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.util.FileSystemUtils;

/**
 * Debian's headless Chromium ({@code apt-get install chromium chromium-driver}; {@code .ci/run} does), driven by
 * Selenium through its chromedriver, for the tests of the pages and mails a person sees: what the page shows, its
 * screenshot, the errors it logged, and what axe-core finds against WCAG 2.1 AA.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The rules axe-core checks: WCAG 2.0 and 2.1, levels A and AA. */
    private static final List<String> WCAG_21_AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");
    /**
     * Installed in every document before its own scripts: keeps what the page reports as broken (script errors,
     * {@code console.error}, resources or inline code its security policy refused), for {@link #pageErrors}.
     */
    private static final String ERROR_RECORDER = """
            window.__pageErrors = [];
            window.addEventListener('error', e => window.__pageErrors.push('error: ' + (e.message || e.target)), true);
            window.addEventListener('securitypolicyviolation',
                e => window.__pageErrors.push('refused by the page\\'s policy: ' + e.violatedDirective + ' '
                    + e.blockedURI));
            const logError = console.error;
            console.error = (...args) => {
                window.__pageErrors.push('console.error: ' + args.join(' '));
                logError(...args);
            };
            """;

    private final ChromeDriver driver;
    private final Path profile;
    private final Path downloads;
    private final String ownUserAgent;

    private HeadlessChromium(ChromeDriver driver, Path profile, Path downloads) {
        this.driver = driver;
        this.profile = profile;
        this.downloads = downloads;
        this.ownUserAgent = String.valueOf(driver.executeScript("return navigator.userAgent"));
    }

    /** A fresh browser with an empty profile, off the network but for the addresses the test gives it. */
    public static HeadlessChromium start() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the browser tests need Debian's Chromium: apt-get install -y chromium "
                    + "chromium-driver (.ci/run installs them when missing)");
        }
        try {
            Path profile = Files.createTempDirectory("chromium-profile");
            Path downloads = Files.createTempDirectory("chromium-downloads");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            // as root Chromium needs --no-sandbox; the networking switches keep it off the (closed) internet
            options.addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-features=InsecureDownloadWarnings,DownloadBubble",
                    "--user-data-dir=" + profile,
                    "--window-size=1024,768");
            options.setExperimentalOption(
                    "prefs",
                    Map.of(
                            "download.default_directory", downloads.toString(),
                            "download.prompt_for_download", false,
                            "safebrowsing.enabled", false));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", ERROR_RECORDER));
            return new HeadlessChromium(driver, profile, downloads);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Where the browser saves what it downloads. */
    public Path downloads() {
        return downloads;
    }

    /** The {@code Accept-Language} every request sends from now on, as a browser set to that language does. */
    public void acceptLanguage(String acceptLanguage) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand(
                "Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Accept-Language", acceptLanguage)));
    }

    /** The {@code User-Agent} every request sends from now on, as another client would; null for the browser's. */
    public void userAgent(@Nullable String userAgent) {
        driver.executeCdpCommand(
                "Network.setUserAgentOverride", Map.of("userAgent", userAgent == null ? ownUserAgent : userAgent));
    }

    /** Dark mode or light, as the person's system sets it ({@code prefers-color-scheme}). */
    public void colorScheme(String scheme) {
        driver.executeCdpCommand(
                "Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    /** What the current page reported as broken since it loaded; empty for a page that works. */
    public List<String> pageErrors() {
        Object errors = driver.executeScript("return window.__pageErrors || ['the error recorder did not run']");
        List<String> found = new ArrayList<>();
        if (errors instanceof List<?> list) {
            list.forEach(error -> found.add(String.valueOf(error)));
        }
        return found;
    }

    /** axe-core's WCAG 2.1 AA violations on the current page, one line each (rule, impact, the elements). */
    public List<String> accessibilityViolations() {
        Results results = new AxeBuilder().withTags(WCAG_21_AA).analyze(driver);
        if (results.isErrored()) {
            throw new IllegalStateException("axe-core could not check the page: " + results.getErrorMessage());
        }
        List<String> violations = new ArrayList<>();
        for (Rule rule : results.getViolations()) {
            violations.add(rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + " at "
                    + rule.getNodes().stream()
                            .map(node -> String.valueOf(node.getTarget()))
                            .toList());
        }
        return violations;
    }

    /** A screenshot of the current page, written to {@code file} (its folder created). */
    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies a screenshot taken here to the README's pictures, {@code <name>.png} in the folder the system property
     * {@code sharelinks.readme-images} names; nothing without it. So the README shows what the tests saw.
     */
    public static void copyToReadme(Path screenshot, String name) {
        String folder = System.getProperty("sharelinks.readme-images");
        if (folder == null || folder.isBlank()) {
            return;
        }
        try {
            Files.createDirectories(Path.of(folder));
            Files.copy(screenshot, Path.of(folder, name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        for (Path folder : List.of(downloads, profile)) {
            try {
                FileSystemUtils.deleteRecursively(folder);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
