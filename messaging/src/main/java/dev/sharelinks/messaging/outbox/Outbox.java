package dev.sharelinks.messaging.outbox;

import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.EventType;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** Appends events to the outbox. Call it inside the transaction that makes the change the event announces. */
public class Outbox {

    private final DatabaseClient db;
    private final EventSerde serde;

    public Outbox(DatabaseClient db, EventSerde serde) {
        this.db = db;
        this.serde = serde;
    }

    /**
     * @param data an event record of {@code common-events}
     * @param subject the aggregate id: the Kafka key and the envelope's subject
     */
    public Mono<Void> append(Object data, String subject) {
        EventType type = EventType.of(data);
        return db.sql("""
                        INSERT INTO outbox (topic, event_key, event_type, data)
                        VALUES (:topic, :key, :type, CAST(:data AS jsonb))""")
                .bind("topic", type.topic())
                .bind("key", subject)
                .bind("type", type.typeName())
                .bind("data", serde.dataToJson(data))
                .then();
    }
}
