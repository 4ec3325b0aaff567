package dev.sharelinks.redirector.redeem;

import java.time.Duration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** The answers of the public routes that are not redirects: never cached, JSON in the route's own contract format. */
final class RedeemResponses {

    private RedeemResponses() {}

    static ResponseEntity<String> json(HttpStatus status, String body) {
        return ResponseEntity.status(status)
                .cacheControl(CacheControl.noStore())
                .contentType(MediaType.APPLICATION_JSON)
                .body(body);
    }

    /** With {@code Retry-After} in whole seconds, rounded up, at least one. */
    static ResponseEntity<String> retryLater(HttpStatus status, Duration wait, String body) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return ResponseEntity.status(status)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(seconds))
                .cacheControl(CacheControl.noStore())
                .contentType(MediaType.APPLICATION_JSON)
                .body(body);
    }

    /** The same answer to a HEAD: status and headers, no body. */
    static ResponseEntity<Void> withoutBody(ResponseEntity<?> response) {
        return ResponseEntity.status(response.getStatusCode())
                .headers(response.getHeaders())
                .build();
    }

    /** An {@code OPTIONS} answer: 204 with the methods the URL answers to. */
    static ResponseEntity<Void> allow(HttpMethod... methods) {
        return ResponseEntity.noContent()
                .allow(methods)
                .cacheControl(CacheControl.noStore())
                .build();
    }

    static ResponseEntity<Void> status(HttpStatus status) {
        return ResponseEntity.status(status)
                .cacheControl(CacheControl.noStore())
                .build();
    }
}
