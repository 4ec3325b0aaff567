package dev.sharelinks.redirector.redeem;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.EventType;
import dev.sharelinks.messaging.outbox.OutboxRelay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.io.ClassPathResource;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * The database side of redeeming: one statement grants a whole batch of redeems and records their events, and no
 * answer leaves before that statement has committed, so no redirect is ever handed out for a decrement that did not.
 */
@Repository
class RedeemableLinks {

    private static final GrantStatementText GRANT = GrantStatementText.of(statement("redeem/grant.sql"));

    /** The grant statement of a batch with requests for this replica's download leases. */
    private static final GrantStatementText GRANT_LEASED = GrantStatementText.of(statement("redeem/grant-leased.sql"));

    /** The grant statement of a batch whose every request is for one of this replica's download leases. */
    private static final GrantStatementText GRANT_FROM_LEASES =
            GrantStatementText.of(statement("redeem/grant-from-leases.sql"));

    private static final String LIVE = """
            SELECT true AS live FROM redeemable_links
            WHERE key_digest = :keyDigest AND remaining + leased > 0 AND NOT revoked AND expires_at > now()""";

    private static final String STATE = """
            SELECT filename, expires_at, remaining + leased AS remaining, landing_page, password_hash, locale,
                   remaining + leased > 0 AND NOT revoked AND expires_at > now() AS live
            FROM redeemable_links WHERE key_digest = :keyDigest""";

    /**
     * A repeat: the link's file again, without a decrement, while the link is neither revoked nor expired (used up
     * is fine: the receipt is of a download already counted). Recorded as DownloadRepeated in the same statement;
     * a landing-page link is not served by a GET, so nothing is recorded for it.
     */
    private static final String REPEAT = """
            WITH link AS (
                SELECT link_id, key_digest, bucket, object_key, filename, landing_page FROM redeemable_links
                WHERE key_digest = :keyDigest AND NOT revoked AND expires_at > now()
            )
            SELECT bucket, object_key, filename, landing_page,
                   CASE WHEN NOT landing_page THEN outbox_append(:topic, :type, link_id::text,
                       jsonb_build_object('linkId', link_id, 'keyDigest', encode(key_digest, 'hex'),
                                          'clientAddress', CAST(:client AS text), 'userAgent', CAST(:agent AS text))) END AS event_seq
            FROM link""";

    private final DatabaseClient db;
    private final GrantConnection grantConnection;
    private final OutboxRelay relay;

    RedeemableLinks(
            DatabaseClient db, @Qualifier(GrantConnections.LINKS) GrantConnection grantConnection, OutboxRelay relay) {
        this.db = db;
        this.grantConnection = grantConnection;
        this.relay = relay;
    }

    /**
     * Grants what it can of {@code requests}, each from its link's row or from the download lease of the same index
     * in {@code leases} (null: the row): the granted ones by their index in the list, once committed. A request
     * missing from the answer gets nothing (its link is unknown, expired, used up or revoked, or its lease is gone);
     * one {@linkplain Grants#held held} was refused by its link's row while leases hold downloads of it.
     * <p>
     * The statement is its own implicit transaction (auto-commit), one round trip, on the kept {@link
     * GrantConnection}. The answer is only emitted when {@code executeQuery} returns, and pgjdbc returns on
     * ReadyForQuery, which PostgreSQL sends after the commit; a commit that fails arrives as an error instead. (Rows
     * alone would not do: they arrive before the commit.)
     */
    Mono<Grants> grantAll(List<Redeem> requests, @Nullable Long[] leases) {
        long leased = Arrays.stream(leases).filter(Objects::nonNull).count();
        // grant.sql with no lease in the batch, grant-from-leases.sql with nothing else, grant-leased.sql for a mix
        GrantStatementText statement = leased == 0 ? GRANT : leased == leases.length ? GRANT_FROM_LEASES : GRANT_LEASED;
        // a batch of leases alone names its links by lease: its statement reads no keys, so none are hashed
        String[] keyDigests = leased == leases.length ? new String[0] : keyDigests(requests);
        String[] clients = new String[requests.size()];
        String[] agents = new String[requests.size()];
        String[] refs = new String[requests.size()];
        for (int i = 0; i < requests.size(); i++) {
            clients[i] = requests.get(i).clientAddress();
            agents[i] = requests.get(i).userAgent();
            refs[i] = requests.get(i).recipientRef();
        }
        return grantConnection
                .query(
                        statement,
                        RedeemableLinks::outcome,
                        keyDigests,
                        clients,
                        agents,
                        refs,
                        EventType.DOWNLOAD_CONSUMED.topic(),
                        EventType.DOWNLOAD_CONSUMED.typeName(),
                        leases)
                .map(Grants::of);
    }

    /** The keys' digests, in hex: the driver binds text arrays, and the statement decodes them. */
    private static String[] keyDigests(List<Redeem> requests) {
        String[] digests = new String[requests.size()];
        for (int i = 0; i < requests.size(); i++) {
            digests[i] = CapabilityDigests.hex(requests.get(i).key());
        }
        return digests;
    }

    private static Outcome outcome(ResultSet row) throws SQLException {
        int index = Math.toIntExact(row.getLong("ord") - 1);
        String objectKey = row.getString("object_key");
        return objectKey == null
                ? new Outcome(index, null)
                : new Outcome(
                        index, new GrantedDownload(row.getString("bucket"), objectKey, row.getString("filename")));
    }

    private record Outcome(int index, @Nullable GrantedDownload download) {}

    /**
     * A grant statement's answer.
     *
     * @param granted the granted requests' downloads, by index
     * @param held the requests refused by their link's row while its download leases hold downloads: worth trying
     *     again once those leases end
     */
    record Grants(Map<Integer, GrantedDownload> granted, BitSet held) {

        private static Grants of(List<Outcome> outcomes) {
            Map<Integer, GrantedDownload> granted = new HashMap<>();
            BitSet held = new BitSet();
            for (Outcome outcome : outcomes) {
                if (outcome.download() == null) {
                    held.set(outcome.index());
                } else {
                    granted.put(outcome.index(), outcome.download());
                }
            }
            return new Grants(granted, held);
        }
    }

    /** What a page about the link shows, and whether it is live; empty for a key no link has. */
    Mono<LinkState> state(String key) {
        return UncancellableCall.of(db.sql(STATE)
                .bind("keyDigest", CapabilityDigests.sha256(key))
                .map(row -> new LinkState(
                        row.get("filename", String.class),
                        row.get("expires_at", OffsetDateTime.class).toInstant(),
                        row.get("remaining", Integer.class),
                        row.get("live", Boolean.class),
                        row.get("landing_page", Boolean.class),
                        row.get("password_hash", String.class),
                        row.get("locale", String.class)))
                .one());
    }

    /**
     * A person's repeat of a download they were granted minutes ago: the file again, recorded and not counted.
     * Empty when the link was revoked or has expired since; {@link Repeat#landingPage} when the link's GET shows
     * its page instead (nothing recorded).
     */
    Mono<Repeat> repeat(String key, @Nullable String clientAddress, @Nullable String userAgent) {
        return UncancellableCall.of(DownloadEventParameters.bind(
                        db.sql(REPEAT), EventType.DOWNLOAD_REPEATED, clientAddress, userAgent)
                .bind("keyDigest", CapabilityDigests.sha256(key))
                .map(row -> new Repeat(
                        new GrantedDownload(
                                row.get("bucket", String.class),
                                row.get("object_key", String.class),
                                row.get("filename", String.class)),
                        row.get("landing_page", Boolean.class)))
                .one()
                // committed with its DownloadRepeated (none for a landing-page link): send it on now, not at the poll
                .doOnSuccess(repeat -> {
                    if (repeat != null && !repeat.landingPage()) {
                        relay.wakeUp();
                    }
                }));
    }

    /** Whether a GET would grant a download now; consumes nothing. */
    Mono<Boolean> isLive(String key) {
        return UncancellableCall.of(db.sql(LIVE)
                .bind("keyDigest", CapabilityDigests.sha256(key))
                .map(row -> true)
                .one()
                .defaultIfEmpty(false));
    }

    /** Whether the key names a link at all, live or not. */
    Mono<Boolean> isKnown(String key) {
        return UncancellableCall.of(db.sql("SELECT true AS known FROM redeemable_links WHERE key_digest = :keyDigest")
                .bind("keyDigest", CapabilityDigests.sha256(key))
                .map(row -> true)
                .one()
                .defaultIfEmpty(false));
    }

    /** One visitor's redeem of a key, through the URL of the recipient {@code recipientRef} names (or the plain one). */
    record Redeem(
            String key,
            @Nullable String clientAddress,
            @Nullable String userAgent,
            @Nullable String recipientRef) {}

    record GrantedDownload(String bucket, String objectKey, String filename) {}

    /**
     * A link as its pages describe it.
     *
     * @param live it can be downloaded now: downloads left, not revoked, not expired
     * @param passwordHash its password's hash, null without one; for checking, never shown
     * @param language its pages' language for a visitor whose browser names none of theirs (its account's); null
     *     for a link created before links had one
     */
    record LinkState(
            String filename,
            Instant expiresAt,
            int remaining,
            boolean live,
            boolean landingPage,
            @Nullable String passwordHash,
            @Nullable String language) {

        boolean passwordProtected() {
            return passwordHash != null;
        }
    }

    /** @param landingPage the link shows its landing page to a GET; the download was neither served nor recorded */
    record Repeat(GrantedDownload download, boolean landingPage) {}

    /**
     * The statement without its comment lines and indentation: the file documents it, but r2dbc-postgresql scans
     * the text of every statement it sends for its parameters, and the grant statement is sent hundreds of times a
     * second.
     */
    static String statement(String resource) {
        try {
            return new ClassPathResource(resource)
                    .getContentAsString(StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("--"))
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
