package dev.sharelinks.redirector.redeem;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The database connection one route's grant statements run on ({@link GrantConnections}): opened when first needed
 * and kept, not borrowed from the pool for each statement. With one grant statement in flight, the time from one
 * statement's result to the next statement leaving is time the database waits, and borrowing (the pool's acquire
 * and release, Spring's {@code DatabaseClient} around them) was part of it (docs/performance.md has the figures).
 * The other statements (lookups, projections, the relay) use the pool.
 * <p>
 * A connection found closed before a statement (the server restarted, the network dropped it) is replaced at
 * once. One whose statement fails or times out is closed and replaced for the next statement: its conversation
 * may be half-way, and it is cheaper to open another than to find out.
 */
class GrantConnection implements AutoCloseable {

    private final ConnectionFactory factory;
    private final AtomicReference<Kept> current = new AtomicReference<>();

    GrantConnection(ConnectionFactory connectionFactory) {
        // the pool's own factory (r2dbc-pool's ConnectionPool wraps it): a connection taken from the pool for good
        // would count against the pool's size without ever going back
        this.factory = connectionFactory instanceof Wrapped<?> pool && pool.unwrap() instanceof ConnectionFactory target
                ? target
                : connectionFactory;
    }

    /** Runs {@code statement} on the kept connection, opening one if there is none or it was closed. */
    <T> Flux<T> run(Function<Connection, Publisher<T>> statement) {
        return Flux.defer(() -> {
            Kept kept = kept();
            return kept.connection()
                    .filterWhen(connection -> connection.validate(ValidationDepth.LOCAL))
                    .map(connection -> new InUse(kept, connection))
                    // closed since its last statement: no statement was sent on it, so a new one is safe to use
                    .switchIfEmpty(Mono.defer(() -> {
                        kept.discard();
                        Kept replacement = kept();
                        return replacement
                                .connection()
                                .map(connection -> new InUse(replacement, connection))
                                .doOnError(failure -> replacement.discard());
                    }))
                    .doOnError(failure -> kept.discard())
                    .flatMapMany(use -> Flux.from(statement.apply(use.connection()))
                            .doOnError(failure -> use.kept().discard())
                            .doOnCancel(() -> use.kept().discard()));
        });
    }

    private Kept kept() {
        while (true) {
            Kept kept = current.get();
            if (kept != null) {
                return kept;
            }
            Kept opening = new Kept(Mono.<Connection>from(factory.create()).cache());
            if (current.compareAndSet(null, opening)) {
                return opening;
            }
        }
    }

    @Override
    public void close() {
        Kept kept = current.get();
        if (kept != null) {
            kept.discard();
        }
    }

    /** One opened (or opening) connection; {@code connection} replays it to every statement. */
    private final class Kept {

        private final Mono<Connection> connection;

        Kept(Mono<Connection> connection) {
            this.connection = connection;
        }

        Mono<Connection> connection() {
            return connection;
        }

        /** No further statement gets this connection, and it is closed (once opened, if it is still opening). */
        void discard() {
            if (current.compareAndSet(this, null)) {
                connection
                        .flatMap(opened -> Mono.from(opened.close()))
                        .onErrorComplete()
                        .subscribe();
            }
        }
    }

    private record InUse(Kept kept, Connection connection) {}
}
