package dev.sharelinks.redirector.redeem;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * What a public route answers when its answer failed, whichever server code serves it: the database being away is
 * 503 with {@code Retry-After} (a grant is only handed out once its decrement and event are written, so the visitor
 * retries and nothing is lost or given twice; the pool reconnects by itself), anything else 500, logged. Both in the
 * route's contract format.
 */
final class FailureAnswers {

    private static final Logger log = LoggerFactory.getLogger(FailureAnswers.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private FailureAnswers() {}

    static ResponseEntity<String> answerFor(Throwable failure, PublicRoute route) {
        if (DatabaseUnavailable.isCauseOf(failure)) {
            log.warn("database unavailable, answering 503 on the {} route: {}", route.tag(), failure.toString());
            return RedeemResponses.retryLater(HttpStatus.SERVICE_UNAVAILABLE, RETRY_AFTER, route.unavailableBody());
        }
        log.error("{} route failed, answering 500", route.tag(), failure);
        return RedeemResponses.json(HttpStatus.INTERNAL_SERVER_ERROR, route.failedBody());
    }
}
