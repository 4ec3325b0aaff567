package dev.sharelinks.tokenapi.web;

import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/**
 * The body of every refusal of the Keepeek API: the HTTP status, the contract's error code (such as
 * {@code share-token-not-found}) for programs, and a sentence for people.
 */
public record KeepeekError(int status, String code, String message) {

    /** A refusal WebFlux made with {@code status} (a wrong method, an unmapped path): its reason, as code too. */
    static KeepeekError of(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        String reason = known == null ? "Request refused" : known.getReasonPhrase();
        return new KeepeekError(status.value(), reason.toLowerCase(Locale.ROOT).replace(' ', '-'), reason);
    }
}
