package dev.sharelinks.redirector.redeem;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The database connections one route's grant statements run on ({@link GrantConnections}): JDBC connections, kept
 * open, used by threads of their own, one per statement the route may have in flight ({@link GrantQueue}).
 * <p>
 * The rest of the redirector reads and writes through R2DBC; the grant statements do not, because they are the hot
 * path's one statement and r2dbc-postgresql spent about twice pgjdbc's CPU a redeem sending one and reading its
 * result (docs/performance.md). With one statement in flight per route, a blocking call on a thread of its own waits no
 * longer than a reactive one, and no event loop ever blocks on it. Kept rather than borrowed per statement from
 * the R2DBC pool, whose acquire and release sat between one statement's result and the next one leaving.
 * <p>
 * A connection idle for a while is checked before a statement is sent on it, and replaced if the server has closed
 * it (a restart, a failover). One whose statement fails or times out is closed and replaced for the next statement:
 * its conversation may be half-way, and it is cheaper to open another than to find out. Failures arrive as
 * Spring's {@code DataAccessException}s, so the database being away is told apart from a bug
 * ({@link DatabaseUnavailable}).
 */
final class GrantConnection implements AutoCloseable {

    /** What one statement does with its connection; what it returns is the statement's answer. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * A connection idle this long is checked (a round trip) before a statement is sent on it: a restart or a
     * failover closes idle connections, and the statement would fail. Busy, statements follow one another well
     * within it and none is checked; a redeem after a quiet spell pays the check's round trip before its statement.
     * (pgjdbc's check without a round trip, {@code getNotifications()}, reads the socket with a 1 ms timeout
     * whenever nothing is waiting, pgjdbc#1313: a millisecond on every statement.)
     */
    private static final Duration VALIDATE_AFTER_IDLE = Duration.ofMillis(100);

    private static final int VALIDATION_TIMEOUT_SECONDS = 2;

    private final GrantConnectionProperties properties;
    private final ExecutorService threads;
    private final Deque<Kept> idle = new ConcurrentLinkedDeque<>();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final SQLExceptionTranslator translator = new SQLExceptionSubclassTranslator();

    /**
     * @param threads how many statements may be in flight at once, each on its own thread and connection
     * @param name the threads' name
     */
    GrantConnection(GrantConnectionProperties properties, int threads, String name) {
        this.properties = properties;
        this.threads = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** One row of a statement's result, mapped. */
    @FunctionalInterface
    interface RowMapping<T> {
        T map(ResultSet row) throws SQLException;
    }

    /**
     * Runs {@code statement} with {@code values} ({@link GrantStatementText#prepare}) and maps each row of its result,
     * as {@link #run} does its work: the rows are complete once the statement has committed.
     */
    <T> Mono<List<T>> query(GrantStatementText statement, RowMapping<T> rows, Object... values) {
        return run(connection -> {
            try (PreparedStatement prepared = statement.prepare(connection, values);
                    ResultSet row = prepared.executeQuery()) {
                List<T> mapped = new ArrayList<>();
                while (row.next()) {
                    mapped.add(rows.map(row));
                }
                return mapped;
            }
        });
    }

    /**
     * Runs {@code work} on a kept connection, on a statement thread, and completes with its answer on that thread.
     * Cancelled (its statement timed out), it cancels the statement on the server and closes the connection under
     * it, which ends the blocked call and frees the thread; nothing is signalled after that.
     */
    <T> Mono<T> run(Work<T> work) {
        return Mono.create(sink -> {
            AtomicBoolean givenUp = new AtomicBoolean();
            AtomicReference<@Nullable Connection> using = new AtomicReference<>();
            sink.onCancel(() -> {
                givenUp.set(true);
                Connection connection = using.get();
                if (connection != null) {
                    discard(connection, true);
                }
            });
            try {
                handOff(() -> {
                    Connection connection;
                    try {
                        connection = connection();
                    } catch (RuntimeException failure) {
                        if (!givenUp.get()) {
                            sink.error(failure);
                        }
                        return;
                    }
                    using.set(connection);
                    if (givenUp.get()) {
                        // given up on before it was sent: the connection is as good as it was
                        idle.push(new Kept(connection, System.nanoTime()));
                        return;
                    }
                    try {
                        T answer = work.run(connection);
                        idle.push(new Kept(connection, System.nanoTime()));
                        sink.success(answer);
                    } catch (SQLException | RuntimeException failure) {
                        discard(connection, false);
                        if (!givenUp.get()) {
                            sink.error(failure instanceof SQLException sql ? translated(sql) : failure);
                        }
                    }
                });
            } catch (RejectedExecutionException stopping) {
                sink.error(stopping);
            }
        });
    }

    /**
     * Queues a statement for its thread, often from an event loop. The pool's queue never waits for room, but takes a
     * lock held for a few instructions, so an event loop may park while the statement thread takes the previous task.
     */
    private void handOff(Runnable statement) {
        threads.execute(statement);
    }

    /** A kept connection, or a new one if none is idle or the server has closed those that were. */
    private Connection connection() {
        for (Kept kept; (kept = idle.poll()) != null; ) {
            Connection connection = kept.connection();
            if (!open.contains(connection)) {
                continue;
            }
            try {
                if (System.nanoTime() - kept.since() < VALIDATE_AFTER_IDLE.toNanos()
                        || connection.isValid(VALIDATION_TIMEOUT_SECONDS)) {
                    return connection;
                }
            } catch (SQLException closed) {
                // replaced below, like one that failed its check
            }
            discard(connection, false);
        }
        try {
            Properties credentials = new Properties();
            credentials.setProperty("user", properties.username());
            credentials.setProperty("password", properties.password());
            credentials.setProperty(
                    "loginTimeout",
                    String.valueOf(Math.max(1, properties.loginTimeout().toSeconds())));
            Connection opened = DriverManager.getConnection(properties.url(), credentials);
            open.add(opened);
            return opened;
        } catch (SQLException failure) {
            throw translated(failure);
        }
    }

    /**
     * Closes {@code connection} under whatever it is doing; no statement gets it again. A statement given up on
     * ({@code cancel}: it timed out) is first cancelled on the server, so that it does not go on to commit grants
     * whose visitors were answered 503: closing the socket alone leaves a backend that waits for a lock waiting.
     * Both happen on a thread that may block (cancelling opens a connection of its own), not the caller's.
     */
    private void discard(Connection connection, boolean cancel) {
        if (open.remove(connection)) {
            Schedulers.boundedElastic().schedule(() -> {
                try {
                    if (cancel) {
                        connection.unwrap(PGConnection.class).cancelQuery();
                    }
                } catch (SQLException serverUnreachable) {
                    // closing the socket below is all that is left to do
                } finally {
                    try {
                        connection.abort(Runnable::run);
                    } catch (SQLException alreadyBroken) {
                        // the connection is unusable either way, and no longer kept
                    }
                }
            });
        }
    }

    private RuntimeException translated(SQLException failure) {
        RuntimeException translated = translator.translate("grant statement", null, failure);
        return translated != null ? translated : new IllegalStateException(failure);
    }

    /** A connection back from its statement, idle since {@code since} (nanoTime). */
    private record Kept(Connection connection, long since) {}

    @Override
    public void close() {
        open.forEach(connection -> discard(connection, false));
        threads.shutdownNow();
    }
}
