package dev.sharelinks.linkapi.webhook;

import dev.sharelinks.sealing.Sealer;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** The dispatcher's side of {@code webhook_deliveries}: claiming what is due, and recording how an attempt went. */
@Repository
class WebhookDeliveries {

    private final DatabaseClient db;

    private final Sealer sealer;

    WebhookDeliveries(DatabaseClient db, Sealer sealer) {
        this.db = db;
        this.sealer = sealer;
    }

    /**
     * Claims up to {@code limit} due deliveries, each the earliest pending one of its endpoint and subject by its
     * event's time (so one subject's messages reach an endpoint in the order they happened), by moving its next
     * attempt past {@code claim}: a dispatcher that dies mid-delivery leaves it to be claimed again then. Concurrent
     * dispatchers skip each other's rows.
     */
    Mono<List<Due>> claim(int limit, Duration claim) {
        return db.sql("""
                        WITH due AS (
                            SELECT d.seq FROM webhook_deliveries d
                            WHERE d.state = 'pending' AND d.next_attempt_at <= now()
                              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                                              WHERE e.endpoint_id = d.endpoint_id AND e.subject = d.subject
                                                AND e.state = 'pending'
                                                AND (e.occurred_at, e.seq) < (d.occurred_at, d.seq))
                            ORDER BY d.next_attempt_at, d.seq
                            LIMIT :limit
                            FOR UPDATE SKIP LOCKED)
                        UPDATE webhook_deliveries d
                        SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => :claim)
                        FROM due, webhook_endpoints w
                        WHERE d.seq = due.seq AND w.id = d.endpoint_id
                        RETURNING d.seq, d.endpoint_id, d.message_id, d.body, d.attempts, d.created_at, w.url,
                                  w.sealed_secret, w.secret""")
                .bind("limit", limit)
                .bind("claim", (double) claim.toMillis() / 1000)
                .map(row -> new Due(
                        row.get("seq", Long.class),
                        row.get("endpoint_id", Long.class),
                        row.get("message_id", String.class),
                        row.get("body", String.class),
                        row.get("attempts", Integer.class),
                        row.get("created_at", Instant.class),
                        row.get("url", String.class),
                        sealer.open(row.get("sealed_secret", String.class), row.get("secret", String.class))))
                .all()
                .collectList();
    }

    Mono<Void> delivered(Due delivery, int status) {
        return db.sql("""
                        WITH d AS (
                            UPDATE webhook_deliveries
                            SET state = 'delivered', finished_at = now(), last_status = :status, last_error = NULL
                            WHERE seq = :seq AND state = 'pending'
                            RETURNING endpoint_id)
                        UPDATE webhook_endpoints w SET consecutive_failures = 0, last_success_at = now()
                        FROM d WHERE w.id = d.endpoint_id""").bind("seq", delivery.seq()).bind("status", status).then();
    }

    /**
     * Records a failed attempt: the delivery is tried again at {@code nextAttempt}, or, when that is null, failed for
     * good (a dead letter, kept with the error).
     */
    Mono<Void> attemptFailed(Due delivery, @Nullable Integer status, String error, @Nullable Instant nextAttempt) {
        return db.sql("""
                        WITH d AS (
                            UPDATE webhook_deliveries
                            SET state = CASE WHEN CAST(:next AS timestamptz) IS NULL THEN 'failed' ELSE 'pending' END,
                                finished_at = CASE WHEN CAST(:next AS timestamptz) IS NULL THEN now() END,
                                next_attempt_at = coalesce(CAST(:next AS timestamptz), next_attempt_at),
                                last_status = :status, last_error = :error
                            WHERE seq = :seq AND state = 'pending'
                            RETURNING endpoint_id)
                        UPDATE webhook_endpoints w
                        SET consecutive_failures = w.consecutive_failures + 1, last_failure_at = now(),
                            last_failure = :error
                        FROM d WHERE w.id = d.endpoint_id""")
                .bind("seq", delivery.seq())
                .bind("status", Parameters.in(R2dbcType.INTEGER, status))
                .bind("error", error)
                .bind("next", Parameters.in(R2dbcType.VARCHAR, nextAttempt == null ? null : nextAttempt.toString()))
                .then();
    }

    /** How many deliveries wait, and how long the oldest of them has waited (zero when none). */
    Mono<Backlog> backlog() {
        return db.sql("""
                        SELECT count(*) AS pending,
                               CAST(coalesce(extract(epoch FROM now() - min(created_at)), 0) AS double precision) AS oldest
                        FROM webhook_deliveries WHERE state = 'pending'""")
                .map(row -> new Backlog(row.get("pending", Long.class), Duration.ofMillis((long)
                        (row.get("oldest", Double.class) * 1000))))
                .one();
    }

    /** Forgets delivered and failed deliveries older than {@code kept}. */
    Mono<Long> forgetFinished(Duration kept) {
        return db.sql("""
                        DELETE FROM webhook_deliveries
                        WHERE state <> 'pending' AND finished_at < now() - make_interval(secs => :kept)""").bind("kept", (double) kept.toSeconds()).fetch().rowsUpdated();
    }

    /** A claimed delivery, with what sending it needs. */
    record Due(
            long seq,
            long endpointId,
            String messageId,
            String body,
            int attempt,
            Instant createdAt,
            String url,
            String secret) {}

    record Backlog(long pending, Duration oldest) {}
}
