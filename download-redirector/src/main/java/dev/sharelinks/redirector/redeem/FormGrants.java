package dev.sharelinks.redirector.redeem;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.EventType;
import dev.sharelinks.messaging.outbox.OutboxRelay;
import dev.sharelinks.redirector.redeem.RedeemableLinks.GrantedDownload;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * The database side of a landing page's form: each POST is one statement that records its nonce as used and, only
 * if the nonce was new, spends one download (or, for a person holding a receipt, repeats one) with its event. A
 * replayed form finds its nonce taken and changes nothing; two POSTs of one form race on the nonce's key, and
 * concurrent forms of a link serialize on its row, so a limit of N grants exactly N.
 * <p>
 * A form is one statement per download, not batched like the GETs' grants: a person clicks a button, and the
 * statement's commit is what the answer waits for either way.
 */
@Repository
class FormGrants {

    private static final String NONCE = """
            WITH nonce AS (
                INSERT INTO spent_form_nonces (nonce_id, expires_at) VALUES (:nonce, :nonceExpires)
                ON CONFLICT (nonce_id) DO NOTHING
                RETURNING nonce_id
            )""";

    private static final String SPEND = NONCE + """
            , granted AS (
                UPDATE redeemable_links SET remaining = remaining - 1
                WHERE key_digest = :keyDigest AND remaining > 0 AND NOT revoked AND expires_at > now() AND landing_page
                  AND EXISTS (SELECT 1 FROM nonce)
                RETURNING link_id, key_digest, bucket, object_key, filename, remaining
            ), recorded AS (
                SELECT outbox_append(:topic, :type, link_id::text,
                           jsonb_build_object('linkId', link_id, 'keyDigest', encode(key_digest, 'hex'),
                                              'remaining', remaining, 'clientAddress', CAST(:client AS text),
                                              'userAgent', CAST(:agent AS text), 'recipientRef', CAST(:ref AS text)))
                           AS seq
                FROM granted
            )
            SELECT EXISTS (SELECT 1 FROM nonce) AS fresh, g.bucket, g.object_key, g.filename, r.seq AS event_seq
            FROM (SELECT 1) AS one LEFT JOIN granted g ON true LEFT JOIN recorded r ON true""";

    private static final String REPEAT = NONCE + """
            , link AS (
                SELECT link_id, key_digest, bucket, object_key, filename FROM redeemable_links
                WHERE key_digest = :keyDigest AND NOT revoked AND expires_at > now() AND EXISTS (SELECT 1 FROM nonce)
            ), recorded AS (
                SELECT outbox_append(:topic, :type, link_id::text,
                           jsonb_build_object('linkId', link_id, 'keyDigest', encode(key_digest, 'hex'),
                                              'clientAddress', CAST(:client AS text),
                                              'userAgent', CAST(:agent AS text))) AS seq
                FROM link
            )
            SELECT EXISTS (SELECT 1 FROM nonce) AS fresh, l.bucket, l.object_key, l.filename, r.seq AS event_seq
            FROM (SELECT 1) AS one LEFT JOIN link l ON true LEFT JOIN recorded r ON true""";

    private final DatabaseClient db;
    private final OutboxRelay relay;

    FormGrants(DatabaseClient db, OutboxRelay relay) {
        this.db = db;
        this.relay = relay;
    }

    /**
     * Spends one download of the landing-page link {@code key} for the form whose nonce is {@code nonceId}, posted
     * from the URL of the recipient {@code recipientRef} names (null: the plain URL).
     */
    Mono<Outcome> spend(
            String key,
            String nonceId,
            Instant nonceExpires,
            @Nullable String clientAddress,
            @Nullable String userAgent,
            @Nullable String recipientRef) {
        return run(
                db.sql(SPEND).bind("ref", Parameters.in(R2dbcType.VARCHAR, recipientRef)),
                EventType.DOWNLOAD_CONSUMED,
                key,
                nonceId,
                nonceExpires,
                clientAddress,
                userAgent);
    }

    /** The file again for a person holding a receipt of this link: recorded as a repeat, nothing spent. */
    Mono<Outcome> repeat(
            String key,
            String nonceId,
            Instant nonceExpires,
            @Nullable String clientAddress,
            @Nullable String userAgent) {
        return run(db.sql(REPEAT), EventType.DOWNLOAD_REPEATED, key, nonceId, nonceExpires, clientAddress, userAgent);
    }

    private Mono<Outcome> run(
            GenericExecuteSpec statement,
            EventType event,
            String key,
            String nonceId,
            Instant nonceExpires,
            @Nullable String clientAddress,
            @Nullable String userAgent) {
        return UncancellableCall.of(DownloadEventParameters.bind(statement, event, clientAddress, userAgent)
                .bind("nonce", nonceId)
                .bind("nonceExpires", nonceExpires.atOffset(ZoneOffset.UTC))
                .bind("keyDigest", CapabilityDigests.sha256(key))
                .map(FormGrants::outcome)
                .one()
                .doOnSuccess(outcome -> {
                    if (outcome != null && outcome.download() != null) {
                        relay.wakeUp();
                    }
                }));
    }

    private static Outcome outcome(Readable row) {
        String objectKey = row.get("object_key", String.class);
        return new Outcome(
                Boolean.TRUE.equals(row.get("fresh", Boolean.class)),
                objectKey == null
                        ? null
                        : new GrantedDownload(
                                row.get("bucket", String.class), objectKey, row.get("filename", String.class)));
    }

    /**
     * @param freshNonce the form had not been submitted before (a false one changed nothing)
     * @param download the file to hand out; null when nothing was granted (a used form, or no download left)
     */
    record Outcome(boolean freshNonce, @Nullable GrantedDownload download) {}
}
