package dev.sharelinks.mailer.delivery;

import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Which recipient of which share event has had its mail (or a final refusal): the mailer's idempotency log. */
@Repository
class DeliveryLog {

    private final DatabaseClient db;

    DeliveryLog(DatabaseClient db) {
        this.db = db;
    }

    /** The recipients of an event whose mail is settled, with how. */
    Mono<Map<String, Delivery>> settled(UUID eventId) {
        return db.sql("SELECT recipient, status FROM deliveries WHERE event_id = :event")
                .bind("event", eventId)
                .map(row -> Map.entry(
                        row.get("recipient", String.class), Delivery.valueOf(row.get("status", String.class))))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /** Logs the recipient settled; true unless it was already (a redelivery racing this one). */
    Mono<Boolean> record(UUID eventId, long shareId, String recipient, Delivery status, @Nullable String reason) {
        return db.sql("""
                        INSERT INTO deliveries (event_id, share_id, recipient, status, failure)
                        VALUES (:event, :share, :recipient, :status, :failure)
                        ON CONFLICT (event_id, recipient) DO NOTHING""")
                .bind("event", eventId)
                .bind("share", shareId)
                .bind("recipient", recipient)
                .bind("status", status.name())
                .bind("failure", Parameters.in(R2dbcType.VARCHAR, reason))
                .fetch()
                .rowsUpdated()
                .map(inserted -> inserted > 0);
    }
}
