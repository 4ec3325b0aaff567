package dev.sharelinks.bench;

import dev.sharelinks.events.CapabilityDigests;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells when new links became redeemable: the commit time of each link's row in the redirector's projection, which
 * PostgreSQL records when {@code track_commit_timestamp} is on ({@link #POSTGRES_SETTINGS}). The times are read
 * once the load is over, so watching costs nothing while it runs: polling the projection every 2 ms instead costs
 * half a core of PostgreSQL at 50 creates a second, and more the longer the run.
 * <p>
 * A row's commit time is that of the transaction that wrote its current version; the benchmark's links are written
 * once (by their {@code LinkCreated}) and never updated, so it is the projection's commit.
 */
final class ProjectionWatcher implements AutoCloseable {

    /** The PostgreSQL settings this watcher needs, to start the stack with. */
    static final Map<String, String> POSTGRES_SETTINGS = Map.of("track_commit_timestamp", "on");

    private static final Duration POLL = Duration.ofMillis(100);

    private final Connection connection;
    private final PreparedStatement committed;
    /** Awaited links by their key's digest (hex), with when their create was answered and where to record them. */
    private final Map<String, Awaited> awaited = new ConcurrentHashMap<>();

    private ProjectionWatcher(Connection connection) throws SQLException {
        this.connection = connection;
        this.committed = connection.prepareStatement("""
                SELECT encode(key_digest, 'hex'), pg_xact_commit_timestamp(xmin) FROM redirector.redeemable_links
                WHERE key_digest = ANY(CAST(? AS bytea[]))""");
    }

    static ProjectionWatcher start(String jdbcUrl) throws SQLException {
        return new ProjectionWatcher(DriverManager.getConnection(jdbcUrl, "sharelinks", ""));
    }

    void watch(String key, long linkId, Instant sentAt, Instant answeredAt, PipelineLatencyBench.Results results) {
        awaited.put(CapabilityDigests.hex(key), new Awaited(key, linkId, sentAt, answeredAt, results));
    }

    /**
     * Waits until every watched link is in the projection, or the timeout, recording each one's latency from its
     * create's request to its row's commit, and whether that commit came after the create's answer; the ones never
     * there are failures.
     */
    void awaitAll(Duration timeout, PipelineLatencyBench.Results results) throws InterruptedException, SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!awaited.isEmpty()) {
            // bytea's text form, cast to bytea[] by the query
            Array digests = connection.createArrayOf(
                    "text", awaited.keySet().stream().map(hex -> "\\x" + hex).toArray());
            committed.setArray(1, digests);
            try (ResultSet rows = committed.executeQuery()) {
                while (rows.next()) {
                    // the query asks for awaited links only
                    Awaited seen = Objects.requireNonNull(awaited.remove(rows.getString(1)), "not awaited");
                    Instant commit =
                            rows.getObject(2, java.time.OffsetDateTime.class).toInstant();
                    seen.results()
                            .redeemableNanos
                            .add(Duration.between(seen.sentAt(), commit).toNanos());
                    if (commit.isAfter(seen.answeredAt())) {
                        seen.results()
                                .redeemableAfterAnswer
                                .add(Duration.between(seen.answeredAt(), commit).toNanos());
                    }
                    seen.results()
                            .projected
                            .put(
                                    String.valueOf(seen.linkId()),
                                    new PipelineLatencyBench.Projected(seen.sentAt(), commit));
                }
            }
            if (awaited.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(POLL.toMillis());
        }
        awaited.forEach((digest, waiting) -> results.failures.add("never redeemable: " + waiting.key()));
        awaited.clear();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    private record Awaited(
            String key, long linkId, Instant sentAt, Instant answeredAt, PipelineLatencyBench.Results results) {}
}
