package dev.sharelinks.tokenapi.web;

import dev.sharelinks.operator.FirewallRejections;
import dev.sharelinks.tokenapi.token.ShareTokenApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ContentTooLargeException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import reactor.core.publisher.Mono;

/** Every failure of the Keepeek API answers as a {@link KeepeekError} carrying the contract's code. */
// after the firewall's rejections (operator-api), before the problem-details handler, which answers every other
// controller (the admin API)
@Order(FirewallRejections.API_ADVICE_ORDER)
@RestControllerAdvice(assignableTypes = ShareTokenApi.class)
class KeepeekErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(KeepeekErrorHandler.class);

    @ExceptionHandler
    ResponseEntity<KeepeekError> refused(KeepeekException e) {
        return ResponseEntity.status(e.status()).body(e.toError());
    }

    /** Two tokens raced for the same value or public URL; the database's unique index decided. */
    @ExceptionHandler
    ResponseEntity<KeepeekError> duplicate(DuplicateKeyException e) {
        return refused(KeepeekException.alreadyExists("A share token with this value and suffix already exists"));
    }

    @ExceptionHandler
    ResponseEntity<KeepeekError> unreadable(ServerWebInputException e) {
        if (e.getMostSpecificCause() instanceof DataBufferLimitException) {
            return tooLarge();
        }
        return refused(KeepeekException.invalid("The request body is not valid JSON"));
    }

    @ExceptionHandler
    ResponseEntity<KeepeekError> tooLarge(DataBufferLimitException e) {
        return tooLarge();
    }

    @ExceptionHandler
    ResponseEntity<KeepeekError> tooLarge(ContentTooLargeException e) {
        return tooLarge();
    }

    @ExceptionHandler
    ResponseEntity<KeepeekError> notJson(UnsupportedMediaTypeStatusException e) {
        return notJson();
    }

    /**
     * Whatever else WebFlux refuses (wrong method, unacceptable media type...), with its own status. A form body is
     * refused with a plain 415 (WebFlux reads forms only through {@code getFormData()}): the same answer as any other
     * body that is not JSON.
     */
    @ExceptionHandler
    ResponseEntity<KeepeekError> refusedByWebFlux(ResponseStatusException e) {
        if (e.getStatusCode().value() == HttpStatus.UNSUPPORTED_MEDIA_TYPE.value()) {
            return notJson();
        }
        return ResponseEntity.status(e.getStatusCode()).body(KeepeekError.of(e.getStatusCode()));
    }

    private static ResponseEntity<KeepeekError> notJson() {
        return of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Content-Type must be application/json");
    }

    @ExceptionHandler
    Mono<ResponseEntity<KeepeekError>> unexpected(Exception e) {
        // logged in handle(), where Reactor puts the request's observation back on the thread from its context, so
        // the line carries the request's traceId (the services do not propagate context on every operator, which
        // took more than half of link-api's CPU)
        return Mono.just(of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal Server Error"))
                .handle((response, sink) -> {
                    log.error("request failed", e);
                    sink.next(response);
                });
    }

    private static ResponseEntity<KeepeekError> tooLarge() {
        return of(HttpStatus.CONTENT_TOO_LARGE, "request-too-large", "The request body is larger than 64 KB");
    }

    private static ResponseEntity<KeepeekError> of(HttpStatus status, String code, String message) {
        return ResponseEntity.status(status).body(new KeepeekError(status.value(), code, message));
    }
}
