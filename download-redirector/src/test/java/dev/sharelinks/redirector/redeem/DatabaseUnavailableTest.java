package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpStatus;

/** The database being away is 503 in each route's format; a bug stays a 500. */
class DatabaseUnavailableTest {

    @Test
    void whenTheDatabaseIsAwayOrItIsTheCauseThenItIsTold() {
        assertThat(DatabaseUnavailable.isCauseOf(new DataAccessResourceFailureException("gone")))
                .isTrue();
        assertThat(DatabaseUnavailable.isCauseOf(new QueryTimeoutException("slow")))
                .isTrue();
        assertThat(DatabaseUnavailable.isCauseOf(new R2dbcNonTransientResourceException("closed")))
                .isTrue();
        assertThat(DatabaseUnavailable.isCauseOf(new R2dbcTransientResourceException("pool")))
                .isTrue();
        assertThat(DatabaseUnavailable.isCauseOf(new TimeoutException())).isTrue();
        assertThat(DatabaseUnavailable.isCauseOf(new IllegalStateException("wrapped", new TimeoutException())))
                .isTrue();
    }

    @Test
    void whenItIsABugThenItIsNot() {
        assertThat(DatabaseUnavailable.isCauseOf(new InvalidDataAccessResourceUsageException("bad SQL")))
                .isFalse();
        assertThat(DatabaseUnavailable.isCauseOf(new IllegalStateException("bug")))
                .isFalse();
    }

    @Test
    void whenAnAnswerFailsThenItIsInTheRoutesFormat() {
        var unavailable = FailureAnswers.answerFor(new TimeoutException(), PublicRoute.SHARE_TOKEN);
        assertThat(unavailable.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(unavailable.getHeaders().getFirst("Retry-After")).isEqualTo("1");
        assertThat(unavailable.getBody()).startsWith("{\"status\":503,");
        var failed = FailureAnswers.answerFor(new IllegalStateException("bug"), PublicRoute.LINK);
        assertThat(failed.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(failed.getBody()).isEqualTo("{\"error\":\"Internal server error\"}");
    }
}
