package dev.sharelinks.messaging.outbox;

import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.EventType;
import io.micrometer.tracing.propagation.Propagator;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Mono;

/**
 * Appends events to the outbox. Call it inside the transaction that makes the change the event announces. A
 * statement that writes events itself calls the same SQL functions ({@code outbox_append}, {@code
 * outbox_append_all}, {@code db/outbox/V2__outbox_append.sql}).
 */
public class Outbox {

    private final DatabaseClient db;
    private final EventSerde serde;
    private final TraceContextHeaders traceContext;
    private final Runnable afterCommit;

    /**
     * @param propagator writes the appending request's trace context into the row, for the relay to send on
     *     ({@link Propagator#NOOP} without tracing)
     * @param afterCommit run once the appending transaction committed (wakes the relay, so events leave at once
     *     rather than at its next poll)
     */
    public Outbox(DatabaseClient db, EventSerde serde, Propagator propagator, Runnable afterCommit) {
        this.db = db;
        this.serde = serde;
        this.traceContext = new TraceContextHeaders(propagator);
        this.afterCommit = afterCommit;
    }

    /**
     * Appends one event in the caller's transaction.
     *
     * @param data an event record of {@code common-events}
     * @param subject the aggregate id: the Kafka key and the envelope's subject
     * @return the appended row, by which {@link ReadYourWrites} follows the event once committed
     */
    public Mono<AppendedEvent> append(Object data, String subject) {
        EventType type = EventType.of(data);
        return traceContext
                .current()
                .flatMap(trace -> db.sql("""
                                SELECT outbox_append(:topic, :type, :key, CAST(:data AS jsonb),
                                                     CAST(:trace AS jsonb)) AS seq""")
                        .bind("topic", type.topic())
                        .bind("key", subject)
                        .bind("type", type.typeName())
                        .bind("data", serde.dataToJson(data))
                        .bind("trace", Parameters.in(R2dbcType.VARCHAR, trace.orElse(null)))
                        .map(row -> new AppendedEvent(row.get("seq", Long.class), type.topic(), subject))
                        .one())
                .flatMap(appended -> onCommit().thenReturn(appended));
    }

    private Mono<Void> onCommit() {
        return TransactionSynchronizationManager.forCurrentTransaction()
                .doOnNext(transaction -> transaction.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public Mono<Void> afterCommit() {
                        return Mono.fromRunnable(Outbox.this.afterCommit);
                    }
                }))
                // outside a transaction the insert commits by itself; the relay's next poll picks it up
                .onErrorResume(NoTransactionException.class, e -> Mono.empty())
                .then();
    }
}
