package dev.sharelinks.redirector.projection;

import dev.sharelinks.events.EventEnvelope;
import java.time.Duration;
import java.util.function.Supplier;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Applies each event to a projection at most once: its id goes into {@code processed_events} in the same transaction
 * as the change, so a redelivered or replayed event changes nothing. Blocking on purpose: the listener thread
 * returns, and the offset is committed, only after that transaction.
 */
@Component
class ProcessedEvents {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final DatabaseClient db;
    private final TransactionalOperator transaction;

    ProcessedEvents(DatabaseClient db, TransactionalOperator transaction) {
        this.db = db;
        this.transaction = transaction;
    }

    void applyOnce(EventEnvelope<?> event, Supplier<Mono<Void>> change) {
        Mono<Void> applied = db.sql("INSERT INTO processed_events (event_id) VALUES (:id) ON CONFLICT DO NOTHING")
                .bind("id", event.eventId())
                .fetch()
                .rowsUpdated()
                .flatMap(inserted -> inserted == 1 ? change.get() : Mono.empty());
        transaction.transactional(applied).block(TIMEOUT);
    }
}
