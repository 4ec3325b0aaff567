package dev.sharelinks.redirector.redeem;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientException;
import java.util.concurrent.TimeoutException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;

/**
 * Tells the database being away (restarting, failing over, pool exhausted) from a bug in a statement: the first is
 * answered 503 and retried by the visitor, the second stays a 500, and gets fixed ({@link FailureAnswers}).
 */
final class DatabaseUnavailable {

    /** Causes are followed this deep at most, should a chain ever loop. */
    private static final int MAX_DEPTH = 16;

    private DatabaseUnavailable() {}

    /** Whether {@code failure}, or a cause of it, is the database being away. */
    static boolean isCauseOf(Throwable failure) {
        Throwable next = failure;
        for (int depth = 0; next != null && depth < MAX_DEPTH; depth++) {
            if (isDatabaseAway(next)) {
                return true;
            }
            next = next.getCause();
        }
        return false;
    }

    private static boolean isDatabaseAway(Throwable failure) {
        return failure instanceof DataAccessResourceFailureException
                || failure instanceof TransientDataAccessException
                || failure instanceof R2dbcNonTransientResourceException
                || failure instanceof R2dbcTransientException
                || failure instanceof TimeoutException;
    }
}
