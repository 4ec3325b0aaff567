package dev.sharelinks.redirector.redeem;

import dev.sharelinks.events.EventType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ClassPathResource;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * The database side of redeeming: one statement grants a whole batch of redeems and records their events, and no
 * answer leaves before that statement has committed, so no redirect is ever handed out for a decrement that did not.
 */
@Repository
class Redemptions {

    private static final String GRANT = statement("redeem/grant.sql");

    private static final String LIVE = """
            SELECT true AS live FROM redeemable_links
            WHERE key = :key AND remaining > 0 AND NOT revoked AND expires_at > now()""";

    private final DatabaseClient db;
    private final GrantConnection grantConnection;

    Redemptions(DatabaseClient db, GrantConnection grantConnection) {
        this.db = db;
        this.grantConnection = grantConnection;
    }

    /**
     * Grants what it can of {@code requests}: the granted ones by their index in the list, once committed. A
     * request missing from the answer gets nothing (its link is unknown, expired, used up or revoked).
     * <p>
     * The statement is its own implicit transaction, one round trip. The map is only emitted when the statement's
     * result completes, and r2dbc-postgresql completes it on ReadyForQuery, which PostgreSQL sends after the commit;
     * a commit that fails arrives as an error instead. (Rows alone would not do: they arrive before the commit.)
     * It runs on the kept {@link GrantConnection}, with R2DBC's own API: Spring's {@code DatabaseClient} would
     * borrow a connection per statement and expand the named parameters each time.
     */
    Mono<Map<Integer, GrantedDownload>> grantAll(List<Redeem> requests) {
        String[] keys = new String[requests.size()];
        String[] clients = new String[requests.size()];
        String[] agents = new String[requests.size()];
        for (int i = 0; i < requests.size(); i++) {
            keys[i] = requests.get(i).key();
            clients[i] = requests.get(i).clientAddress();
            agents[i] = requests.get(i).userAgent();
        }
        return grantConnection.run(connection -> connection.createStatement(GRANT)
                        .bind(0, keys)
                        .bind(1, clients)
                        .bind(2, agents)
                        .bind(3, EventType.DOWNLOAD_CONSUMED.topic())
                        .bind(4, EventType.DOWNLOAD_CONSUMED.typeName())
                        .execute())
                .flatMap(result -> result.map((row, metadata) -> Map.entry(
                        Math.toIntExact(row.get("ord", Long.class) - 1), new GrantedDownload(
                                row.get("bucket", String.class), row.get("object_key", String.class),
                                row.get("filename", String.class)))))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /** Whether a GET would grant a download now; consumes nothing. */
    Mono<Boolean> isLive(String key) {
        return Detached.call(db.sql(LIVE).bind("key", key).map(row -> true).one().defaultIfEmpty(false));
    }

    /** Whether the key names a link at all, live or not. */
    Mono<Boolean> isKnown(String key) {
        return Detached.call(db.sql("SELECT true AS known FROM redeemable_links WHERE key = :key")
                .bind("key", key).map(row -> true).one().defaultIfEmpty(false));
    }

    /** One visitor's redeem of a key. */
    record Redeem(String key, @Nullable String clientAddress, @Nullable String userAgent) {
    }

    record GrantedDownload(String bucket, String objectKey, String filename) {
    }

    /**
     * The statement without its comment lines and indentation: the file documents it, but r2dbc-postgresql scans
     * the text of every statement it sends for its parameters, and the grant statement is sent hundreds of times a
     * second.
     */
    private static String statement(String resource) {
        try {
            return new ClassPathResource(resource).getContentAsString(StandardCharsets.UTF_8).lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("--"))
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
