package dev.sharelinks.redirector.page;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Renders the public pages (Mustache templates under {@code pages/}, every value HTML-escaped) in the visitor's
 * language (words from {@code pages/messages_<language>.properties}) and answers them with the headers such a page
 * needs: never cached or indexed, never framed, no referrer (the page's URL is the link, a capability), and a
 * content security policy that allows nothing but the page's own inline style. The policy sets no
 * {@code form-action}: browsers apply it to the redirect that follows the form, to the object store.
 */
@Component
public class VisitorPages {

    /** The languages the pages are written in; the first is the default. */
    static final List<String> LANGUAGES = List.of("en", "fi", "fr", "de");

    private static final String SECURITY_POLICY =
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

    private final ResourceBundleMessageSource messages = new ResourceBundleMessageSource();
    private final Template preview = template("pages/preview.mustache");
    private final Template landing = template("pages/landing.mustache");

    VisitorPages() {
        messages.setBasename("pages/messages");
        messages.setDefaultEncoding("UTF-8");
        messages.setFallbackToSystemLocale(false);
        // one quoting rule for every message, with arguments or without: a quote is written ''
        messages.setAlwaysUseMessageFormat(true);
        // read every bundle now: a bundle is read from its jar the first time it is asked for, which would block
        // the event loop that answers the request (the bundles are kept once read)
        for (String language : LANGUAGES) {
            messages.getMessage("link.gone.title", null, locale(language));
        }
    }

    /**
     * The page's language: the visitor's first among the pages' ({@code Accept-Language}), else {@code fallback}
     * (the link's account's), else English.
     */
    public static Locale locale(@Nullable String acceptLanguage, @Nullable String fallback) {
        String fromVisitor = visitorsLanguage(acceptLanguage);
        if (fromVisitor != null) {
            return locale(fromVisitor);
        }
        return locale(fallback != null && LANGUAGES.contains(fallback) ? fallback : LANGUAGES.get(0));
    }

    /** 200: the page a link-preview agent gets instead of the file, titled with the file's name. */
    public ResponseEntity<String> preview(String filename, boolean passwordProtected, Locale locale) {
        return page(
                HttpStatusCode.valueOf(200),
                preview.execute(Map.of(
                        "lang", locale.getLanguage(),
                        "title", passwordProtected ? say(locale, "protected.title") : filename,
                        "description", say(locale, "preview.description"))));
    }

    /** A landing page, answered with {@code status}: the file, its expiry and downloads left, and the form. */
    public ResponseEntity<String> landing(HttpStatusCode status, Landing page, Locale locale) {
        String title = page.passwordProtected() ? say(locale, "protected.title") : page.filename();
        Map<String, Object> model = new HashMap<>();
        model.put("lang", locale.getLanguage());
        model.put("heading", title);
        model.put("title", say(locale, "landing.title", title));
        model.put("expiresLabel", say(locale, "landing.expires"));
        model.put(
                "expiresAt",
                say(
                        locale,
                        "landing.expires.value",
                        DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT)
                                .withLocale(locale)
                                .withZone(ZoneOffset.UTC)
                                .format(page.expiresAt())));
        model.put("expiresAtIso", page.expiresAt().toString());
        model.put("remainingLabel", say(locale, "landing.remaining"));
        model.put("remaining", page.remaining());
        model.put("open", page.nonce() != null);
        model.put("nonce", page.nonce() == null ? "" : page.nonce());
        model.put("password", page.passwordProtected());
        model.put("passwordLabel", say(locale, "landing.password"));
        model.put("download", say(locale, "landing.download"));
        Message message = page.message();
        model.put(
                "message",
                message == null
                        ? false
                        : Map.of(
                                "text",
                                say(locale, message.key(), message.arguments().toArray()),
                                "error",
                                message.error()));
        return page(status, landing.execute(model));
    }

    /** The page's words for {@code key} in {@code locale}, from {@code pages/messages_<language>.properties}. */
    String say(Locale locale, String key, Object... arguments) {
        return messages.getMessage(key, arguments, locale);
    }

    /**
     * A link's landing page.
     *
     * @param nonce the form's nonce; null shows the page without a form (nothing left to download)
     * @param message a line above the details (a wrong password, a stale form); null for none
     */
    public record Landing(
            String filename,
            boolean passwordProtected,
            Instant expiresAt,
            int remaining,
            @Nullable String nonce,
            @Nullable Message message) {}

    /**
     * A line on a landing page, in the page's language.
     *
     * @param key its words' key in the pages' messages
     * @param error shown as an alert (a refusal), not as a plain status line
     */
    public record Message(String key, List<Object> arguments, boolean error) {

        public Message {
            arguments = List.copyOf(arguments);
        }

        /** A refusal, shown as an alert. */
        public static Message error(String key, Object... arguments) {
            return new Message(key, List.of(arguments), true);
        }

        /** A note, shown as a status line. */
        public static Message note(String key) {
            return new Message(key, List.of(), false);
        }
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

    /** The visitor's first language among the pages' ({@code Accept-Language}); null when it names none of them. */
    static @Nullable String visitorsLanguage(@Nullable String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank()) {
            return null;
        }
        try {
            return Locale.lookupTag(Locale.LanguageRange.parse(acceptLanguage), LANGUAGES);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /** British English writes "1 March 2099", as the other three languages order a date. */
    private static Locale locale(String language) {
        return language.equals("en") ? Locale.UK : Locale.forLanguageTag(language);
    }

    static Template template(String resource) {
        try {
            return Mustache.compiler()
                    .escapeHTML(true)
                    .compile(new ClassPathResource(resource).getContentAsString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
