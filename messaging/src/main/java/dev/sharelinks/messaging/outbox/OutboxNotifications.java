package dev.sharelinks.messaging.outbox;

import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Wakes the relay when any replica commits an outbox row: PostgreSQL notifies the outbox's channel on commit
 * (the trigger {@link OutboxSchema} sets), and this listens on a connection of its own, outside the pool, because a
 * listening connection stays checked out for good. So events written by another replica leave at once, and the
 * relay's poll is only a safety net that can be slow. A service that turns notifications off
 * ({@code commit-notifications: false}, as the redirector does to keep the trigger off its grant statement) wakes
 * its relay itself after each commit, and another replica's rows wait for its own relay or the poll. Whenever the listening connection is (re)established the relay is woken once, for whatever
 * committed while nobody listened; a lost connection is re-established with back-off.
 */
public class OutboxNotifications implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxNotifications.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(15);

    private final ConnectionFactory connections;
    private final OutboxRelay relay;
    private volatile @Nullable Disposable listening;

    /** @param connections the service's connection factory; a pool is bypassed for its underlying factory */
    public OutboxNotifications(ConnectionFactory connections, OutboxRelay relay) {
        this.connections = connections instanceof Wrapped<?> pool && pool.unwrap() instanceof ConnectionFactory direct
                ? direct
                : connections;
        this.relay = relay;
    }

    private Flux<Object> listen() {
        return Flux.usingWhen(Mono.from(connections.create()), this::listenOn, Connection::close)
                // the notifications end with their connection: listen again, as after an error
                .concatWith(Mono.error(() -> new IllegalStateException("the listening connection closed")))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, FIRST_RETRY)
                        .maxBackoff(MAX_RETRY)
                        // a connection that delivered notifications was good: the next outage starts the back-off over
                        .transientErrors(true)
                        .doBeforeRetry(retry -> log.warn(
                                "outbox notifications: listening again: {}",
                                retry.failure().toString())));
    }

    private Flux<Object> listenOn(Connection connection) {
        if (!(connection instanceof PostgresqlConnection postgres)) {
            log.info("outbox notifications: not PostgreSQL, the relay polls");
            return Flux.never();
        }
        return Mono.from(postgres.createStatement("SELECT 'outbox_' || current_schema() AS channel")
                        .execute())
                .flatMap(result -> Mono.from(result.map(row -> row.get("channel", String.class))))
                .flatMapMany(channel -> postgres.createStatement("LISTEN \"" + channel + "\"")
                        .execute()
                        .flatMap(PostgresqlResult::getRowsUpdated)
                        .then(Mono.fromRunnable(relay::wakeUp))
                        .thenMany(postgres.getNotifications()))
                .doOnNext(notification -> relay.wakeUp())
                .cast(Object.class);
    }

    @Override
    public synchronized void start() {
        if (listening == null) {
            listening = listen().subscribe();
        }
    }

    @Override
    public synchronized void stop() {
        Disposable running = listening;
        if (running != null) {
            running.dispose();
            listening = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return listening != null;
    }
}
