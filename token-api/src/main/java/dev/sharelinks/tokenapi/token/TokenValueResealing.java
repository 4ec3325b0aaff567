package dev.sharelinks.tokenapi.token;

import dev.sharelinks.sealing.Sealer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Keeps every token value sealed with the first of {@code TOKEN_SEALING_KEYS}: in the background it seals what a
 * row from before sealing still holds in plaintext, and reseals what an older key sealed. So a key rotates by
 * listing a new one first and, once {@code sharelinks.token_values.resealed} has stopped counting, dropping the old
 * one (docs/operations.md, "Rotate the token sealing key"). A row is rewritten only if it still holds what was read.
 */
@Component
public class TokenValueResealing {

    private static final Logger log = LoggerFactory.getLogger(TokenValueResealing.class);
    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    private final DatabaseClient db;
    private final Sealer sealer;
    private final TokenSealingProperties properties;
    private final Counter resealed;

    TokenValueResealing(DatabaseClient db, Sealer sealer, TokenSealingProperties properties, MeterRegistry meters) {
        this.db = db;
        this.sealer = sealer;
        this.properties = properties;
        this.resealed = Counter.builder("sharelinks.token_values.resealed")
                .description("token values sealed again with the sealing key, from plaintext or an older key")
                .register(meters);
    }

    @Scheduled(
            fixedDelayString = "${sharelinks.token-sealing.reseal-every:1m}",
            initialDelayString = "${sharelinks.token-sealing.reseal-first-after:5s}")
    void resealInTheBackground() {
        long count = resealBatch().blockOptional(STATEMENT_TIMEOUT).orElse(0L);
        if (count > 0) {
            log.info("resealed {} token values with key {}", count, sealer.sealingKeyId());
        }
    }

    /** Seals up to a batch of values not sealed with the sealing key; how many it rewrote. */
    public Mono<Long> resealBatch() {
        return db.sql("""
                        SELECT id, sealed_value, token_value FROM share_tokens
                        WHERE token_value IS NOT NULL OR NOT starts_with(sealed_value, :prefix)
                        ORDER BY id LIMIT :batch""")
                .bind("prefix", sealer.sealingKeyId() + ":")
                .bind("batch", properties.resealBatch())
                .map(row -> new Row(
                        row.get("id", Long.class),
                        row.get("sealed_value", String.class),
                        row.get("token_value", String.class)))
                .all()
                .concatMap(this::reseal)
                .reduce(0L, Long::sum)
                .doOnNext(count -> resealed.increment(count));
    }

    private Mono<Long> reseal(Row row) {
        String plaintext = row.plaintext();
        String value;
        try {
            value = plaintext != null
                    ? plaintext
                    : sealer.open(Objects.requireNonNull(row.sealed(), "share_tokens_value_kept"));
        } catch (IllegalArgumentException e) {
            // sealed with a key no longer listed: only putting that key back opens it
            log.error("share token {}: {}", row.id(), e.getMessage());
            return Mono.just(0L);
        }
        return db.sql("""
                        UPDATE share_tokens SET sealed_value = :sealed, token_value = NULL
                        WHERE id = :id AND sealed_value IS NOT DISTINCT FROM :before
                          AND token_value IS NOT DISTINCT FROM :plaintext""")
                .bind("sealed", sealer.seal(value))
                .bind("id", row.id())
                .bind("before", Parameters.in(R2dbcType.VARCHAR, row.sealed()))
                .bind("plaintext", Parameters.in(R2dbcType.VARCHAR, row.plaintext()))
                .fetch()
                .rowsUpdated();
    }

    /** A row to reseal: one of the two is set (the table's {@code share_tokens_value_kept}). */
    private record Row(
            long id, @Nullable String sealed, @Nullable String plaintext) {}
}
