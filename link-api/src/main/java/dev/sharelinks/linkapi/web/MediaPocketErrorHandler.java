package dev.sharelinks.linkapi.web;

import dev.sharelinks.operator.FirewallRejections;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ContentTooLargeException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import reactor.core.publisher.Mono;

/**
 * Every failure of the MediaPocket API answers in its own format, {@code {"error": "..."}}, as JSON whatever the
 * request accepts (a CSV download log's refusal included).
 */
// after the firewall's rejections (operator-api), before the problem-details handler, which answers every other
// controller (the admin API)
@Order(FirewallRejections.API_ADVICE_ORDER)
@RestControllerAdvice(
        basePackages = {
            "dev.sharelinks.linkapi.link",
            "dev.sharelinks.linkapi.share",
            "dev.sharelinks.linkapi.download",
            "dev.sharelinks.linkapi.webhook"
        })
class MediaPocketErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(MediaPocketErrorHandler.class);

    @ExceptionHandler
    ResponseEntity<MediaPocketError> refused(MediaPocketException e) {
        return ResponseEntity.status(e.status())
                .contentType(MediaType.APPLICATION_JSON)
                // every MediaPocketException is made with a message
                .body(new MediaPocketError(Objects.requireNonNull(e.getMessage(), "message")));
    }

    @ExceptionHandler
    ResponseEntity<MediaPocketError> unreadable(ServerWebInputException e) {
        if (e.getMostSpecificCause() instanceof DataBufferLimitException) {
            return tooLarge();
        }
        return ResponseEntity.badRequest()
                .contentType(MediaType.APPLICATION_JSON)
                .body(new MediaPocketError("Malformed JSON body"));
    }

    @ExceptionHandler
    ResponseEntity<MediaPocketError> tooLarge(DataBufferLimitException e) {
        return tooLarge();
    }

    @ExceptionHandler
    ResponseEntity<MediaPocketError> tooLarge(ContentTooLargeException e) {
        return tooLarge();
    }

    @ExceptionHandler
    ResponseEntity<MediaPocketError> notJson(UnsupportedMediaTypeStatusException e) {
        return notJson();
    }

    /**
     * Whatever else WebFlux refuses (wrong method, unacceptable media type...), with its own status. A form body is
     * refused with a plain 415 (WebFlux reads forms only through {@code getFormData()}): the same answer as any other
     * body that is not JSON.
     */
    @ExceptionHandler
    ResponseEntity<MediaPocketError> refusedByWebFlux(ResponseStatusException e) {
        if (e.getStatusCode().value() == HttpStatus.UNSUPPORTED_MEDIA_TYPE.value()) {
            return notJson();
        }
        return ResponseEntity.status(e.getStatusCode())
                .contentType(MediaType.APPLICATION_JSON)
                .body(MediaPocketError.of(e.getStatusCode()));
    }

    @ExceptionHandler
    Mono<ResponseEntity<MediaPocketError>> unexpected(Exception e) {
        // logged in handle(), where Reactor puts the request's observation back on the thread from its context, so
        // the line carries the request's traceId (the services do not propagate context on every operator, which
        // took more than half of link-api's CPU)
        return Mono.just(ResponseEntity.internalServerError()
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(new MediaPocketError("Internal Server Error")))
                .handle((response, sink) -> {
                    log.error("request failed", e);
                    sink.next(response);
                });
    }

    private static ResponseEntity<MediaPocketError> notJson() {
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .contentType(MediaType.APPLICATION_JSON)
                .body(new MediaPocketError("Content-Type must be application/json"));
    }

    private static ResponseEntity<MediaPocketError> tooLarge() {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                .contentType(MediaType.APPLICATION_JSON)
                .body(new MediaPocketError("Request body too large"));
    }
}
