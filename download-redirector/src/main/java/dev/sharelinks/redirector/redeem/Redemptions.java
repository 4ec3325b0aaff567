package dev.sharelinks.redirector.redeem;

import dev.sharelinks.events.EventType;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** The database side of redeeming: one statement grants a download and records its event. */
@Repository
class Redemptions {

    /**
     * Decrements only a live link with downloads left, and writes the DownloadConsumed outbox row for exactly the
     * row it decremented, in one statement (so one round trip and one implicit transaction). Concurrent redeems
     * of one key serialize on its row lock: a limit of N grants exactly N, across any number of replicas.
     */
    private static final String GRANT = """
            WITH granted AS (
                UPDATE redeemable_links SET remaining = remaining - 1
                WHERE key = :key AND remaining > 0 AND NOT revoked AND expires_at > now()
                RETURNING link_id, key, bucket, object_key, filename, remaining
            ), recorded AS (
                INSERT INTO outbox (topic, event_key, event_type, data)
                SELECT :topic, link_id::text, :type,
                       jsonb_build_object('linkId', link_id, 'key', key, 'remaining', remaining,
                                          'clientAddress', CAST(:client AS text), 'userAgent', CAST(:agent AS text))
                FROM granted
            )
            SELECT bucket, object_key, filename FROM granted""";

    private static final String LIVE = """
            SELECT true AS live FROM redeemable_links
            WHERE key = :key AND remaining > 0 AND NOT revoked AND expires_at > now()""";

    private final DatabaseClient db;

    Redemptions(DatabaseClient db) {
        this.db = db;
    }

    /** The object to hand out, or empty if the link is unknown, expired, exhausted or revoked. */
    Mono<GrantedDownload> grant(String key, @Nullable String clientAddress, @Nullable String userAgent) {
        return db.sql(GRANT)
                .bind("key", key)
                .bind("topic", EventType.DOWNLOAD_CONSUMED.topic())
                .bind("type", EventType.DOWNLOAD_CONSUMED.typeName())
                .bind("client", Parameters.in(R2dbcType.VARCHAR, clientAddress))
                .bind("agent", Parameters.in(R2dbcType.VARCHAR, userAgent))
                .map(row -> new GrantedDownload(row.get("bucket", String.class), row.get("object_key", String.class),
                        row.get("filename", String.class)))
                .one();
    }

    /** Whether a GET would grant a download now; consumes nothing. */
    Mono<Boolean> isLive(String key) {
        return db.sql(LIVE).bind("key", key).map(row -> true).one().defaultIfEmpty(false);
    }

    /** Whether the key names a link at all, live or not. */
    Mono<Boolean> isKnown(String key) {
        return db.sql("SELECT true AS known FROM redeemable_links WHERE key = :key")
                .bind("key", key).map(row -> true).one().defaultIfEmpty(false);
    }

    record GrantedDownload(String bucket, String objectKey, String filename) {
    }
}
