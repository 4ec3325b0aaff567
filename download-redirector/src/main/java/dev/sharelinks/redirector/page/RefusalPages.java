package dev.sharelinks.redirector.page;

import com.samskivert.mustache.Template;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * A person's browser gets a page, in its language, where an API client gets the vendor's JSON refusal: a link or
 * token that no longer works (404), a token whose file is not granted (403), too many misses (429). Status and
 * headers stay the refusal's ({@code Retry-After} included); only the body and its type change, and only for an
 * {@code Accept} that prefers {@code text/html} to JSON, as browsers send it. {@code Accept: application/json},
 * {@code *}{@code /*} or none keep the exact vendor bodies.
 */
@Component
public class RefusalPages {

    /** Which public route refused: the two vendor APIs word their refusals apart. */
    public enum Route {
        LINK,
        SHARE_TOKEN
    }

    private final VisitorPages pages;
    private final Template refusal = VisitorPages.template("pages/refusal.mustache");

    RefusalPages(VisitorPages pages) {
        this.pages = pages;
    }

    /** The answer as the visitor should see it: a page for a browser's refusal, else {@code answer} unchanged. */
    public ResponseEntity<String> forVisitor(
            ResponseEntity<String> answer, Route route, @Nullable String accept, @Nullable String acceptLanguage) {
        String kind = kind(answer, route);
        if (kind == null || !prefersHtml(accept)) {
            return answer;
        }
        Locale locale = VisitorPages.locale(acceptLanguage, null);
        long wait = retryAfter(answer);
        String html = refusal.execute(Map.of(
                "lang", locale.getLanguage(),
                "title", pages.say(locale, kind + ".title"),
                "text", pages.say(locale, kind + ".text", wait)));
        ResponseEntity<String> page = pages.page(answer.getStatusCode(), html);
        String retry = answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
        if (retry != null) {
            return ResponseEntity.status(page.getStatusCode())
                    .headers(page.getHeaders())
                    .header(HttpHeaders.RETRY_AFTER, retry)
                    .body(page.getBody());
        }
        return page;
    }

    private static @Nullable String kind(ResponseEntity<String> answer, Route route) {
        int status = answer.getStatusCode().value();
        if (status == HttpStatus.TOO_MANY_REQUESTS.value()) {
            return "too-many";
        }
        if (status == HttpStatus.NOT_FOUND.value()) {
            return route == Route.LINK ? "link.gone" : "token.gone";
        }
        if (status == HttpStatus.FORBIDDEN.value() && route == Route.SHARE_TOKEN) {
            return "token.not-granted";
        }
        return null;
    }

    /**
     * Whether {@code text/html} is named, and wanted more than JSON is (by name or by a wildcard): a browser's
     * {@code text/html,...,*}{@code /*;q=0.8} is; {@code *}{@code /*}, {@code application/json} or no header is not.
     */
    static boolean prefersHtml(@Nullable String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        List<MediaType> types;
        try {
            types = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException e) {
            return false;
        }
        double html = 0;
        for (MediaType type : types) {
            if (type.isCompatibleWith(MediaType.TEXT_HTML) && !type.isWildcardSubtype()) {
                html = Math.max(html, type.getQualityValue());
            }
        }
        return html > 0 && html > quality(types, MediaType.APPLICATION_JSON);
    }

    /** The quality the most specific range naming {@code target} gives it; 0 when none does. */
    private static double quality(List<MediaType> types, MediaType target) {
        double exact = -1;
        double subtypeWildcard = -1;
        double any = -1;
        for (MediaType type : types) {
            if (type.isWildcardType()) {
                any = Math.max(any, type.getQualityValue());
            } else if (type.getType().equals(target.getType()) && type.isWildcardSubtype()) {
                subtypeWildcard = Math.max(subtypeWildcard, type.getQualityValue());
            } else if (type.getType().equals(target.getType())
                    && type.getSubtype().equals(target.getSubtype())) {
                exact = Math.max(exact, type.getQualityValue());
            }
        }
        return exact >= 0 ? exact : subtypeWildcard >= 0 ? subtypeWildcard : Math.max(any, 0);
    }

    private static long retryAfter(ResponseEntity<String> answer) {
        String seconds = answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
        try {
            return seconds == null ? 0 : Long.parseLong(seconds);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
