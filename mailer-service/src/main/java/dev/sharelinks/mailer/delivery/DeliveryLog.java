package dev.sharelinks.mailer.delivery;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Which recipient of which share event has had its mail (or a final refusal): the mailer's idempotency log. */
@Repository
class DeliveryLog {

    private final JdbcClient db;

    DeliveryLog(JdbcClient db) {
        this.db = db;
    }

    /** The recipients of an event whose mail is settled, with how. */
    Map<String, Delivery> settled(UUID eventId) {
        Map<String, Delivery> settled = new HashMap<>();
        db.sql("SELECT recipient, status FROM deliveries WHERE event_id = :event")
                .param("event", eventId)
                .query((row, number) -> settled.put(row.getString("recipient"),
                        Delivery.valueOf(row.getString("status"))))
                .list();
        return settled;
    }

    void sent(UUID eventId, long shareId, String recipient) {
        record(eventId, shareId, recipient, Delivery.SENT, null);
    }

    void failed(UUID eventId, long shareId, String recipient, String reason) {
        record(eventId, shareId, recipient, Delivery.FAILED, reason);
    }

    private void record(UUID eventId, long shareId, String recipient, Delivery status, String reason) {
        db.sql("""
                        INSERT INTO deliveries (event_id, share_id, recipient, status, failure)
                        VALUES (:event, :share, :recipient, :status, :failure)
                        ON CONFLICT (event_id, recipient) DO NOTHING""")
                .param("event", eventId)
                .param("share", shareId)
                .param("recipient", recipient)
                .param("status", status.name())
                .param("failure", reason)
                .update();
    }
}
