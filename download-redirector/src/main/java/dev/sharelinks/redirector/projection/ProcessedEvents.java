package dev.sharelinks.redirector.projection;

import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Event ids already applied to a projection: a redelivered or replayed event changes nothing. */
@Component
class ProcessedEvents {

    private final DatabaseClient db;

    ProcessedEvents(DatabaseClient db) {
        this.db = db;
    }

    /** Records the event as applied; true only the first time, so call it in the transaction that applies it. */
    Mono<Boolean> firstDelivery(UUID eventId) {
        return db.sql("INSERT INTO processed_events (event_id) VALUES (:id) ON CONFLICT DO NOTHING")
                .bind("id", eventId)
                .fetch()
                .rowsUpdated()
                .map(inserted -> inserted == 1);
    }
}
