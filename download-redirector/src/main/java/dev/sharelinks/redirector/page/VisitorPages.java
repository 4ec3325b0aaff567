package dev.sharelinks.redirector.page;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Renders the public pages (Mustache templates under {@code pages/}, every value HTML-escaped) and answers them
 * with the headers such a page needs: never cached or indexed, never framed, no referrer (the page's URL is the
 * link, a capability), and a content security policy that allows nothing but the page's own inline style. The
 * policy sets no {@code form-action}: browsers apply it to the redirect that follows the form, to the object store.
 */
@Component
public class VisitorPages {

    /** What a preview says about any file: nothing about the file but its name. */
    static final String PREVIEW_DESCRIPTION = "A file shared with you. Open the link to download it.";
    /** A password-protected link's name is only for those who know the password. */
    static final String PROTECTED_TITLE = "A password-protected file";
    private static final String SECURITY_POLICY =
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
    private static final DateTimeFormatter SHOWN_DATE =
            DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final Template preview = template("pages/preview.mustache");
    private final Template landing = template("pages/landing.mustache");

    /** 200: the page a link-preview agent gets instead of the file, titled with the file's name. */
    public ResponseEntity<String> preview(String filename, boolean passwordProtected) {
        String title = passwordProtected ? PROTECTED_TITLE : filename;
        return page(HttpStatusCode.valueOf(200), preview.execute(Map.of(
                "title", title, "description", PREVIEW_DESCRIPTION)));
    }

    /** A landing page, answered with {@code status}: the file, its expiry and downloads left, and the form. */
    public ResponseEntity<String> landing(HttpStatusCode status, Landing page) {
        Map<String, Object> model = new HashMap<>();
        model.put("title", page.passwordProtected() ? PROTECTED_TITLE : page.filename());
        model.put("expiresAt", SHOWN_DATE.format(page.expiresAt()));
        model.put("expiresAtIso", page.expiresAt().toString());
        model.put("remaining", page.remaining());
        model.put("open", page.nonce() != null);
        model.put("nonce", page.nonce() == null ? "" : page.nonce());
        model.put("password", page.passwordProtected());
        model.put("message", page.message() == null ? false
                : Map.of("text", page.message().text(), "error", page.message().error()));
        return page(status, landing.execute(model));
    }

    /**
     * A link's landing page.
     *
     * @param nonce the form's nonce; null shows the page without a form (nothing left to download)
     * @param message a line above the details (a wrong password, a stale form); null for none
     */
    public record Landing(String filename, boolean passwordProtected, Instant expiresAt, int remaining,
            @Nullable String nonce, @Nullable Message message) {
    }

    /** @param error shown as an alert (a refusal), not as a plain status line */
    public record Message(String text, boolean error) {
    }

    /** A page answered with {@code status} and the headers every public page carries. */
    ResponseEntity<String> page(HttpStatusCode status, String html) {
        return ResponseEntity.status(status)
                .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noStore())
                .header("X-Robots-Tag", "noindex, nofollow")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", SECURITY_POLICY)
                .body(html);
    }

    static Template template(String resource) {
        try {
            return Mustache.compiler().escapeHTML(true).compile(
                    new ClassPathResource(resource).getContentAsString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
