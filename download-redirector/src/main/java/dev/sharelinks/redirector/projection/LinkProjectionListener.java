package dev.sharelinks.redirector.projection;

import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.LinkCreated;
import dev.sharelinks.events.LinkRevoked;
import dev.sharelinks.events.Topics;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Applies link events to {@code redeemable_links} ({@link DownloadProjectionListener} applies their downloads).
 * Each event is applied at most once (its id is recorded in the same transaction) and the offset is committed only
 * after that transaction, so nothing is lost or doubled.
 */
@Component
class LinkProjectionListener {

    private final DatabaseClient db;
    private final EventSerde serde;
    private final ProcessedEvents processed;

    LinkProjectionListener(DatabaseClient db, EventSerde serde, ProcessedEvents processed) {
        this.db = db;
        this.serde = serde;
        this.processed = processed;
    }

    // each record is a transaction of its own, four round trips: one consumer fell behind at 50 creates a second on a
    // busy machine, so several (each with its partitions, whose per-link order they keep) apply them side by side
    @KafkaListener(
            topics = Topics.LINKS,
            groupId = "${sharelinks.projection.consumer-group}",
            concurrency = "${sharelinks.projection.link-consumers}")
    void on(ConsumerRecord<String, byte[]> record) {
        EventEnvelope<?> event = serde.read(record.value());
        processed.applyOnce(event, () -> apply(event.data()));
    }

    private Mono<Void> apply(Object data) {
        if (data instanceof LinkCreated created) {
            // starts at the lowest count its downloads reported, if a replay brought them first (V3 migration)
            return db.sql("""
                            WITH reported AS (
                                INSERT INTO reported_remaining (link_id, remaining) VALUES (:linkId, :remaining)
                                ON CONFLICT (link_id)
                                    DO UPDATE SET remaining = LEAST(reported_remaining.remaining, excluded.remaining)
                                RETURNING remaining
                            )
                            INSERT INTO redeemable_links (key_digest, link_id, bucket, object_key, filename, expires_at,
                                                          remaining, landing_page, password_hash, locale)
                            SELECT :keyDigest, :linkId, :bucket, :objectKey, :filename, :expiresAt, remaining, :landingPage,
                                   :passwordHash, :locale
                            FROM reported
                            ON CONFLICT (key_digest) DO NOTHING""")
                    .bind("keyDigest", HexFormat.of().parseHex(created.keyDigest()))
                    .bind("linkId", created.linkId())
                    .bind("bucket", created.bucket())
                    .bind("objectKey", created.objectKey())
                    .bind("filename", created.filename())
                    .bind("expiresAt", created.expiresAt().atOffset(ZoneOffset.UTC))
                    .bind("remaining", created.downloadLimit())
                    .bind("landingPage", created.landingPage() != null)
                    .bind(
                            "passwordHash",
                            Parameters.in(
                                    R2dbcType.VARCHAR,
                                    created.landingPage() == null
                                            ? null
                                            : created.landingPage().passwordHash()))
                    .bind("locale", Parameters.in(R2dbcType.VARCHAR, created.locale()))
                    .then();
        }
        if (data instanceof LinkRevoked revoked) {
            return db.sql("UPDATE redeemable_links SET revoked = true WHERE link_id = :linkId")
                    .bind("linkId", revoked.linkId())
                    .then();
        }
        return Mono.empty();
    }
}
