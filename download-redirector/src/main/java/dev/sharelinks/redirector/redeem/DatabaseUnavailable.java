package dev.sharelinks.redirector.redeem;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.ExceptionHandlerMethodResolver;

/**
 * When the database cannot answer (restarting, failing over, pool exhausted), a redeem answers 503 with
 * {@code Retry-After}: a grant is only handed out once its decrement and event are written, so the visitor retries
 * and nothing is lost or given twice. The pool reconnects by itself; no restart is needed.
 * <p>
 * The redeem GET is served outside WebFlux ({@link RedeemRoute}), where no controller advice reaches, and
 * {@link LandingFormController} answers its other failures itself; both ask {@link #answerFor}, which goes by this
 * class's own {@code @ExceptionHandler} list, so the list is kept in one place.
 */
@RestControllerAdvice(assignableTypes = {RedeemController.class, ShareTokenController.class})
class DatabaseUnavailable {

    private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailable.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    private static final ExceptionHandlerMethodResolver HANDLED =
            new ExceptionHandlerMethodResolver(DatabaseUnavailable.class);

    /** The database being away, not a bug in a statement (that stays a 500, and gets fixed). */
    @ExceptionHandler({
        DataAccessResourceFailureException.class,
        TransientDataAccessException.class,
        R2dbcNonTransientResourceException.class,
        R2dbcTransientException.class,
        TimeoutException.class
    })
    ResponseEntity<String> unavailable(Exception e, ServerHttpRequest request) {
        return answer(e, request.getPath().pathWithinApplication().value());
    }

    /** 503 if {@code failure} is the database being away (as the handler above judges), else empty. */
    static Optional<ResponseEntity<String>> answerFor(Throwable failure, String path) {
        return failure instanceof Exception e && HANDLED.resolveMethodByThrowable(e) != null
                ? Optional.of(answer(e, path))
                : Optional.empty();
    }

    private static ResponseEntity<String> answer(Exception e, String path) {
        log.warn("database unavailable, answering 503: {}", e.toString());
        String body = path.startsWith("/share/")
                ? "{\"status\":503,\"code\":\"service-unavailable\",\"message\":\"Try again in a moment\"}"
                : "{\"error\":\"Service temporarily unavailable\"}";
        return RedeemResponses.retryLater(HttpStatus.SERVICE_UNAVAILABLE, RETRY_AFTER, body);
    }
}
