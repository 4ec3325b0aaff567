package dev.sharelinks.tokenapi.token;

import dev.sharelinks.sealing.Resealing;
import dev.sharelinks.sealing.SealedColumn;
import dev.sharelinks.sealing.Sealer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
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
 * one (docs/operations.md, "Rotate a sealing key").
 */
@Component
public class TokenValueResealing {

    private static final Logger log = LoggerFactory.getLogger(TokenValueResealing.class);
    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);
    private static final SealedColumn TOKEN_VALUES =
            new SealedColumn("share_tokens", List.of("id"), "token_value", "sealed_value");

    private final Resealing resealing;
    private final Sealer sealer;
    private final Counter resealed;

    TokenValueResealing(DatabaseClient db, Sealer sealer, TokenSealingProperties properties, MeterRegistry meters) {
        this.resealing = new Resealing(db, sealer, properties.resealBatch());
        this.sealer = sealer;
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
        return resealing.resealBatch(TOKEN_VALUES).doOnNext(resealed::increment);
    }
}
