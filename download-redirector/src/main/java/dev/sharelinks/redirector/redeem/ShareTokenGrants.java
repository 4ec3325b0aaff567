package dev.sharelinks.redirector.redeem;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.EventType;
import dev.sharelinks.messaging.outbox.OutboxRelay;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** The database side of a share token's public URL: one statement finds the active token and records the download. */
@Repository
class ShareTokenGrants {

    /**
     * Active: not deleted, and from its activation date, or at once when switched on by hand ({@code manualActivate}), until its
     * deactivation date, which ends access in either mode; an absent bound is open. The same reading as token-api's
     * {@code active}.
     */
    private static final String ACTIVE_TOKEN = """
            SELECT token_id, media_id, export_definition,
                   CASE export_definition WHEN 'HD' THEN hd_bucket WHEN 'BD' THEN bd_bucket END AS bucket,
                   CASE export_definition WHEN 'HD' THEN hd_key WHEN 'BD' THEN bd_key END AS object_key,
                   CASE export_definition WHEN 'HD' THEN hd_filename WHEN 'BD' THEN bd_filename END AS filename
            FROM redeemable_tokens
            WHERE path_digest = :pathDigest AND NOT deleted
              AND (manual_activate OR activation_date IS NULL OR activation_date <= now())
              AND (deactivation_date IS NULL OR now() < deactivation_date)""";

    /**
     * Finds the active token and, only when it grants a file, writes the ShareTokenDownloaded outbox row in the same
     * statement (one round trip, one implicit transaction): every redirect handed out is on the record.
     */
    private static final String GRANT = "WITH token AS (" + ACTIVE_TOKEN + """
            )
            SELECT bucket, object_key, filename,
                   CASE WHEN object_key IS NOT NULL THEN outbox_append(:topic, :type, token_id::text,
                       jsonb_build_object('tokenId', token_id, 'mediaId', media_id,
                                          'exportDefinition', export_definition,
                                          'clientAddress', CAST(:client AS text),
                                          'userAgent', CAST(:agent AS text))) END AS event_seq
            FROM token""";

    private final DatabaseClient db;
    private final OutboxRelay relay;

    ShareTokenGrants(DatabaseClient db, OutboxRelay relay) {
        this.db = db;
        this.relay = relay;
    }

    /**
     * What the active token at this public path grants: a file, or no download ({@code NOT_GRANTED}); empty if no
     * active token answers the path.
     */
    Mono<Grant> grant(String publicPath, @Nullable String clientAddress, @Nullable String userAgent) {
        // runs to its end even if the visitor hangs up: the download is then recorded without a 302 answered, as it
        // always was for a hang-up just after the commit
        return UncancellableCall.of(
                DownloadEventParameters.bind(db.sql(GRANT), EventType.SHARE_TOKEN_DOWNLOADED, clientAddress, userAgent)
                        .bind("pathDigest", CapabilityDigests.sha256(publicPath))
                        .map(ShareTokenGrants::grant)
                        .one()
                        // committed (the statement's answer completes after its commit): send the event on now
                        .doOnSuccess(grant -> {
                            if (grant != null && grant.download() != null) {
                                relay.wakeUp();
                            }
                        }));
    }

    /** What a GET would grant now; records nothing. */
    Mono<Grant> probe(String publicPath) {
        return UncancellableCall.of(db.sql(ACTIVE_TOKEN)
                .bind("pathDigest", CapabilityDigests.sha256(publicPath))
                .map(ShareTokenGrants::grant)
                .one());
    }

    /** Whether a token answers or answered this public path: active, inactive or deleted. */
    Mono<Boolean> isKnown(String publicPath) {
        return UncancellableCall.of(
                db.sql("SELECT true AS known FROM redeemable_tokens WHERE path_digest = :pathDigest")
                        .bind("pathDigest", CapabilityDigests.sha256(publicPath))
                        .map(row -> true)
                        .one()
                        .defaultIfEmpty(false));
    }

    private static Grant grant(Readable row) {
        String objectKey = row.get("object_key", String.class);
        return objectKey == null
                ? new Grant(null)
                : new Grant(new RedeemableLinks.GrantedDownload(
                        row.get("bucket", String.class), objectKey, row.get("filename", String.class)));
    }

    /** @param download the file to hand out; null when the token grants no download */
    record Grant(RedeemableLinks.@Nullable GrantedDownload download) {}
}
