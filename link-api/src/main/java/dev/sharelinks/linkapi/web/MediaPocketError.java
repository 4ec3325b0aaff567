package dev.sharelinks.linkapi.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/** The MediaPocket error body: {@code {"error": "..."}}. */
public record MediaPocketError(String error) {

    /** A refusal WebFlux made with {@code status} (a wrong method, an unmapped path): its reason. */
    static MediaPocketError of(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return new MediaPocketError(known == null ? "Request refused" : known.getReasonPhrase());
    }
}
