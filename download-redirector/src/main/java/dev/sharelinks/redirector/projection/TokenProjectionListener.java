package dev.sharelinks.redirector.projection;

import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.MediaFile;
import dev.sharelinks.events.ShareTokenCreated;
import dev.sharelinks.events.ShareTokenDeleted;
import dev.sharelinks.events.ShareTokenState;
import dev.sharelinks.events.ShareTokenUpdated;
import dev.sharelinks.events.Topics;
import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Applies share-token events to {@code redeemable_tokens}: a created or updated token is stored whole (its state
 * carries its media's files), a deleted one kept as deleted, so its path stays known (a miss there is no guess). Like the link projection, each event applies at most once and
 * the offset is committed after the transaction that applied it.
 *
 * <p>One token's events share a key, so they arrive in order. Two tokens' do not: if token A gives up a public path
 * (deleted, or its suffix changed) and token B takes it, B's event may arrive first. token-api never lets two
 * tokens hold one path at once, so the later claim is the true one: a row holding the path with an older event is
 * dropped, and a claim older than the current holder's is ignored until that holder lets go.
 */
@Component
class TokenProjectionListener {

    private final DatabaseClient db;
    private final EventSerde serde;
    private final ProcessedEvents processed;

    TokenProjectionListener(DatabaseClient db, EventSerde serde, ProcessedEvents processed) {
        this.db = db;
        this.serde = serde;
        this.processed = processed;
    }

    @KafkaListener(topics = Topics.TOKENS, groupId = "${sharelinks.projection.consumer-group}-tokens")
    void on(ConsumerRecord<String, byte[]> record) {
        EventEnvelope<?> event = serde.read(record.value());
        processed.applyOnce(event, () -> apply(event.data(), event.occurredAt()));
    }

    private Mono<Void> apply(Object data, Instant occurredAt) {
        if (data instanceof ShareTokenCreated created) {
            return store(created.tokenId(), created.token(), occurredAt);
        }
        if (data instanceof ShareTokenUpdated updated) {
            return store(updated.tokenId(), updated.token(), occurredAt);
        }
        if (data instanceof ShareTokenDeleted deleted) {
            return db.sql("UPDATE redeemable_tokens SET deleted = true, event_at = :at WHERE token_id = :id")
                    .bind("id", deleted.tokenId())
                    .bind("at", occurredAt.atOffset(ZoneOffset.UTC))
                    .then();
        }
        return Mono.empty();
    }

    private Mono<Void> store(long tokenId, ShareTokenState token, Instant occurredAt) {
        OffsetDateTime at = occurredAt.atOffset(ZoneOffset.UTC);
        byte[] pathDigest = HexFormat.of().parseHex(token.pathDigest());
        Mono<Void> releaseStaleHolder = db.sql("""
                        DELETE FROM redeemable_tokens
                        WHERE path_digest = :path AND token_id <> :id AND event_at < :at""")
                .bind("path", pathDigest)
                .bind("id", tokenId)
                .bind("at", at)
                .then();
        GenericExecuteSpec upsert = db.sql("""
                        INSERT INTO redeemable_tokens (token_id, path_digest, media_id, export_definition,
                            manual_activate, activation_date, deactivation_date, hd_bucket, hd_key, hd_filename,
                            bd_bucket, bd_key, bd_filename, event_at)
                        SELECT :id, :path, :media, :definition, :manual, :activation, :deactivation,
                            :hdBucket, :hdKey, :hdFilename, :bdBucket, :bdKey, :bdFilename, :at
                        WHERE NOT EXISTS (SELECT 1 FROM redeemable_tokens WHERE path_digest = :path AND token_id <> :id)
                        ON CONFLICT (token_id) DO UPDATE SET path_digest = excluded.path_digest,
                            export_definition = excluded.export_definition, manual_activate = excluded.manual_activate,
                            activation_date = excluded.activation_date, deactivation_date = excluded.deactivation_date,
                            hd_bucket = excluded.hd_bucket, hd_key = excluded.hd_key, hd_filename = excluded.hd_filename,
                            bd_bucket = excluded.bd_bucket, bd_key = excluded.bd_key, bd_filename = excluded.bd_filename,
                            event_at = excluded.event_at
                        WHERE redeemable_tokens.event_at <= excluded.event_at AND NOT redeemable_tokens.deleted""")
                .bind("id", tokenId)
                .bind("path", pathDigest)
                .bind("media", token.mediaId())
                .bind("definition", token.exportDefinition().name())
                .bind("manual", token.manualActivate())
                .bind("hdBucket", token.original().bucket())
                .bind("hdKey", token.original().objectKey())
                .bind("hdFilename", token.original().filename())
                .bind("at", at);
        Optional<MediaFile> bd = Optional.ofNullable(token.lowDefinition());
        upsert = upsert.bind("activation", timestamp(token.activationDate()))
                .bind("deactivation", timestamp(token.deactivationDate()))
                .bind("bdBucket", text(bd.map(MediaFile::bucket)))
                .bind("bdKey", text(bd.map(MediaFile::objectKey)))
                .bind("bdFilename", text(bd.map(MediaFile::filename)));
        return releaseStaleHolder.then(upsert.then());
    }

    private static Parameter timestamp(@Nullable Instant value) {
        return Parameters.in(R2dbcType.TIMESTAMP_WITH_TIME_ZONE, value == null ? null : value.atOffset(ZoneOffset.UTC));
    }

    private static Parameter text(Optional<String> value) {
        return Parameters.in(R2dbcType.VARCHAR, value.orElse(null));
    }
}
