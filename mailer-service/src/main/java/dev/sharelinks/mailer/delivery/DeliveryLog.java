package dev.sharelinks.mailer.delivery;

import java.util.Set;
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

    Set<String> settledRecipients(UUID eventId) {
        return db.sql("SELECT recipient FROM deliveries WHERE event_id = :event")
                .param("event", eventId)
                .query(String.class)
                .set();
    }

    void sent(UUID eventId, long shareId, String recipient) {
        record(eventId, shareId, recipient, "SENT", null);
    }

    void failed(UUID eventId, long shareId, String recipient, String reason) {
        record(eventId, shareId, recipient, "FAILED", reason);
    }

    private void record(UUID eventId, long shareId, String recipient, String status, String reason) {
        db.sql("""
                        INSERT INTO deliveries (event_id, share_id, recipient, status, failure)
                        VALUES (:event, :share, :recipient, :status, :failure)
                        ON CONFLICT (event_id, recipient) DO NOTHING""")
                .param("event", eventId)
                .param("share", shareId)
                .param("recipient", recipient)
                .param("status", status)
                .param("failure", reason)
                .update();
    }
}
