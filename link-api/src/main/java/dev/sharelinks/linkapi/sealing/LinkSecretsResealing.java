package dev.sharelinks.linkapi.sealing;

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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps link keys, idempotent answers and webhook secrets sealed with the first of {@code LINK_SEALING_KEYS}: in
 * the background it seals what rows from before sealing still hold in plaintext, and reseals what an older key
 * sealed. So a key rotates by listing a new one first and, once {@code sharelinks.link_secrets.resealed} has stopped
 * counting, dropping the old one (docs/operations.md, "Rotate a sealing key").
 */
@Component
public class LinkSecretsResealing {

    private static final Logger log = LoggerFactory.getLogger(LinkSecretsResealing.class);
    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(60);

    /** Every sealed column of link-api's tables. */
    static final List<SealedColumn> SEALED = List.of(
            new SealedColumn("links", List.of("id"), "key", "sealed_key"),
            new SealedColumn("idempotency_keys", List.of("account_id", "idem_key"), "answer", "sealed_answer"),
            new SealedColumn("webhook_endpoints", List.of("id"), "secret", "sealed_secret"));

    private final Resealing resealing;
    private final Sealer sealer;
    private final MeterRegistry meters;

    LinkSecretsResealing(DatabaseClient db, Sealer sealer, LinkSealingProperties properties, MeterRegistry meters) {
        this.resealing = new Resealing(db, sealer, properties.resealBatch());
        this.sealer = sealer;
        this.meters = meters;
        SEALED.forEach(this::resealed);
    }

    private Counter resealed(SealedColumn column) {
        return Counter.builder("sharelinks.link_secrets.resealed")
                .tag("table", column.table())
                .description("values sealed again with the sealing key, from plaintext or an older key")
                .register(meters);
    }

    @Scheduled(
            fixedDelayString = "${sharelinks.link-sealing.reseal-every:1m}",
            initialDelayString = "${sharelinks.link-sealing.reseal-first-after:5s}")
    void resealInTheBackground() {
        long count = resealBatch().blockOptional(STATEMENT_TIMEOUT).orElse(0L);
        if (count > 0) {
            log.info("resealed {} link keys, answers and webhook secrets with key {}", count, sealer.sealingKeyId());
        }
    }

    /** Seals up to a batch of each column's values not sealed with the sealing key; how many rows it rewrote. */
    public Mono<Long> resealBatch() {
        return Flux.fromIterable(SEALED)
                .concatMap(column -> resealing
                        .resealBatch(column)
                        .doOnNext(count -> resealed(column).increment(count)))
                .reduce(0L, Long::sum);
    }
}
