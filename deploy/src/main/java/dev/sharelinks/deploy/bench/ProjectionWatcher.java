package dev.sharelinks.deploy.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Notes when new links become redeemable: one query every {@link #POLL} for all the links still awaited, so watching costs
 * the same whatever the backlog (polling each link over HTTP would load the redirector more the later it is).
 */
final class ProjectionWatcher implements AutoCloseable {

    /** Often enough for a p99 in milliseconds, rarely enough not to load the machine it measures. */
    private static final Duration POLL = Duration.ofMillis(2);

    private final Connection connection;
    private final PreparedStatement projected;
    /** Awaited keys, with when their create was answered ({@link System#nanoTime}) and where to record them. */
    private final Map<String, Awaited> awaited = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "projection-watcher");
        thread.setDaemon(true);
        return thread;
    });

    private ProjectionWatcher(Connection connection) throws SQLException {
        this.connection = connection;
        this.projected = connection.prepareStatement(
                "SELECT key FROM redirector.redeemable_links WHERE key = ANY(?)");
    }

    static ProjectionWatcher start(String jdbcUrl) throws SQLException {
        ProjectionWatcher watcher = new ProjectionWatcher(DriverManager.getConnection(jdbcUrl, "sharelinks", ""));
        watcher.poller.scheduleWithFixedDelay(watcher::poll, POLL.toNanos(), POLL.toNanos(), TimeUnit.NANOSECONDS);
        return watcher;
    }

    void watch(String key, long createdAtNanos, PipelineLatencyBench.Results results) {
        awaited.put(key, new Awaited(createdAtNanos, results));
    }

    /** Waits until every watched link was seen, or the timeout; the ones never seen are failures. */
    void awaitAll(Duration timeout, PipelineLatencyBench.Results results) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!awaited.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        awaited.forEach((key, waiting) -> results.failures.add("never redeemable: " + key));
        awaited.clear();
    }

    private void poll() {
        if (awaited.isEmpty()) {
            return;
        }
        try {
            projected.setArray(1, connection.createArrayOf("text", awaited.keySet().toArray()));
            try (ResultSet rows = projected.executeQuery()) {
                long now = System.nanoTime();
                while (rows.next()) {
                    Awaited seen = awaited.remove(rows.getString(1));
                    if (seen != null) {
                        seen.results().redeemableNanos.add(now - seen.createdAtNanos());
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot watch the projection", e);
        }
    }

    @Override
    public void close() throws SQLException {
        poller.shutdownNow();
        connection.close();
    }

    private record Awaited(long createdAtNanos, PipelineLatencyBench.Results results) {
    }
}
