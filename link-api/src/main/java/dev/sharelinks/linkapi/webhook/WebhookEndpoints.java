package dev.sharelinks.linkapi.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sharelinks.sealing.Sealer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The accounts' webhook endpoints, each account seeing only its own; their secrets are kept sealed. */
@Repository
class WebhookEndpoints {

    private final DatabaseClient db;
    private final TransactionalOperator transaction;
    private final Sealer sealer;

    WebhookEndpoints(DatabaseClient db, TransactionalOperator transaction, Sealer sealer) {
        this.db = db;
        this.transaction = transaction;
        this.sealer = sealer;
    }

    /** The new endpoint; empty when the account already has {@code max} of them. */
    Mono<Registered> register(long accountId, WebhookRegistration registration, String secret, int max) {
        // registrations of one account take turns on an advisory lock, so two cannot both take the last place. The
        // count is a statement of its own after the lock: a statement's snapshot predates its own wait for a lock,
        // so a count in the locking statement would miss what the holder inserted
        Mono<Void> lock = db.sql("SELECT pg_advisory_xact_lock(hashtextextended('webhooks', :account))")
                .bind("account", accountId)
                .then();
        Mono<Registered> insert = db.sql("""
                        INSERT INTO webhook_endpoints (account_id, url, events, sealed_secret)
                        SELECT :account, :url, CAST(:events AS text[]), :sealed
                        WHERE (SELECT count(*) FROM webhook_endpoints WHERE account_id = :account) < :max
                        RETURNING id, created_at""")
                .bind("account", accountId)
                .bind("url", registration.url())
                .bind(
                        "events",
                        registration.events().stream()
                                .map(WebhookEventType::wireName)
                                .toArray(String[]::new))
                .bind("sealed", sealer.seal(secret))
                .bind("max", max)
                .map(row -> new Registered(
                        row.get("id", Long.class),
                        registration.url(),
                        registration.events().stream()
                                .map(WebhookEventType::wireName)
                                .toList(),
                        secret,
                        row.get("created_at", Instant.class)))
                .one();
        return transaction.transactional(lock.then(insert));
    }

    /** The account's endpoints, each {@code failing} once its last {@code failingAfter} attempts all failed. */
    Flux<Listed> list(long accountId, int failingAfter) {
        return db.sql("""
                        SELECT w.id, w.url, w.events, w.created_at, w.consecutive_failures, w.last_failure_at,
                               w.last_failure, w.last_success_at,
                               count(d.seq) FILTER (WHERE d.state = 'pending') AS pending,
                               count(d.seq) FILTER (WHERE d.state = 'failed') AS failed
                        FROM webhook_endpoints w
                        LEFT JOIN webhook_deliveries d ON d.endpoint_id = w.id AND d.state <> 'delivered'
                        WHERE w.account_id = :account
                        GROUP BY w.id
                        ORDER BY w.id""")
                .bind("account", accountId)
                .map(row -> new Listed(
                        row.get("id", Long.class),
                        row.get("url", String.class),
                        Arrays.asList(row.get("events", String[].class)),
                        row.get("created_at", Instant.class),
                        row.get("consecutive_failures", Integer.class) >= failingAfter ? "failing" : "active",
                        row.get("consecutive_failures", Integer.class),
                        row.get("last_success_at", Instant.class),
                        row.get("last_failure_at", Instant.class),
                        row.get("last_failure", String.class),
                        row.get("pending", Long.class),
                        row.get("failed", Long.class)))
                .all();
    }

    /** Whether the account had the endpoint; its pending deliveries go with it. */
    Mono<Boolean> delete(long accountId, long id) {
        return db.sql("DELETE FROM webhook_endpoints WHERE id = :id AND account_id = :account")
                .bind("id", id)
                .bind("account", accountId)
                .fetch()
                .rowsUpdated()
                .map(deleted -> deleted > 0);
    }

    /** {@code POST /api/v2/webhooks}: the secret is shown here only. */
    record Registered(
            long id,
            String url,
            List<String> events,
            String secret,
            @JsonProperty("created_at") Instant createdAt) {}

    /**
     * An endpoint as {@code GET /api/v2/webhooks} lists it, with how its deliveries are going: {@code failing} or
     * {@code active}, and how many deliveries wait or were given up (the dead letters).
     */
    record Listed(
            long id,
            String url,
            List<String> events,
            @JsonProperty("created_at") Instant createdAt,
            String status,
            @JsonProperty("consecutive_failures") int consecutiveFailures,
            @JsonProperty("last_success_at") @Nullable Instant lastSuccessAt,
            @JsonProperty("last_failure_at") @Nullable Instant lastFailureAt,
            @JsonProperty("last_failure") @Nullable String lastFailure,
            @JsonProperty("pending_deliveries") long pendingDeliveries,
            @JsonProperty("failed_deliveries") long failedDeliveries) {}
}
