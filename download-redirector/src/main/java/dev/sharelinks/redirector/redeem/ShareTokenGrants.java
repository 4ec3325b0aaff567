package dev.sharelinks.redirector.redeem;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.EventType;
import io.r2dbc.spi.Readable;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * The database side of share tokens' public URLs: one statement answers a whole batch of GETs and records the
 * downloads it grants, and no answer leaves before that statement has committed. Which tokens answer is the
 * {@code active_tokens} view's reading.
 */
@Repository
class ShareTokenGrants {

    private static final GrantStatementText GRANT =
            GrantStatementText.of(RedeemableLinks.statement("redeem/share-token-grant.sql"));

    private static final String ACTIVE_TOKEN =
            "SELECT bucket, object_key, filename FROM active_tokens WHERE path_digest = :pathDigest";

    private final DatabaseClient db;
    private final GrantConnection grantConnection;

    ShareTokenGrants(DatabaseClient db, @Qualifier(GrantConnections.SHARE_TOKENS) GrantConnection grantConnection) {
        this.db = db;
        this.grantConnection = grantConnection;
    }

    /**
     * What the active token at each GET's public path grants, by the GET's index, once committed with a
     * ShareTokenDownloaded event for each file granted. A GET missing from the answer found no active token.
     * <p>
     * Like a link's grant statement ({@link RedeemableLinks#grantAll}), it is its own implicit transaction, on the
     * kept {@link GrantConnection}, and its answer is emitted only when the result completes, after the commit.
     */
    Mono<Map<Integer, Grant>> grantAll(List<ShareTokenGet> gets) {
        String[] pathDigests = new String[gets.size()];
        String[] clients = new String[gets.size()];
        String[] agents = new String[gets.size()];
        for (int i = 0; i < gets.size(); i++) {
            pathDigests[i] = CapabilityDigests.hex(gets.get(i).publicPath());
            clients[i] = gets.get(i).clientAddress();
            agents[i] = gets.get(i).userAgent();
        }
        return grantConnection
                .query(
                        GRANT,
                        row -> Map.entry(
                                Math.toIntExact(row.getLong("ord") - 1),
                                grant(row.getString("bucket"), row.getString("object_key"), row.getString("filename"))),
                        pathDigests,
                        clients,
                        agents,
                        EventType.SHARE_TOKEN_DOWNLOADED.topic(),
                        EventType.SHARE_TOKEN_DOWNLOADED.typeName())
                .map(answers -> answers.stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
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
        return grant(
                row.get("bucket", String.class),
                row.get("object_key", String.class),
                row.get("filename", String.class));
    }

    /** What a row of the token's file grants: nothing without an object key. */
    private static Grant grant(@Nullable String bucket, @Nullable String objectKey, @Nullable String filename) {
        return objectKey == null || bucket == null || filename == null
                ? new Grant(null)
                : new Grant(new RedeemableLinks.GrantedDownload(bucket, objectKey, filename));
    }

    /** One GET of the URL with this public path ({@link ShareTokenRedeems#publicPath}), and who asked. */
    record ShareTokenGet(
            String publicPath,
            @Nullable String clientAddress,
            @Nullable String userAgent) {}

    /** @param download the file to hand out; null when the token grants no download */
    record Grant(RedeemableLinks.@Nullable GrantedDownload download) {}
}
