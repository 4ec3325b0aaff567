package dev.sharelinks.linkapi.download;

import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.DownloadCountSettled;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.Topics;
import dev.sharelinks.messaging.kafka.EventBatches;
import dev.sharelinks.messaging.kafka.KafkaPlumbingAutoConfiguration;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Mirrors the redirector's count into {@code links.remaining}, so the owner can see it. Taking the least
 * remaining count ever reported makes this idempotent and indifferent to order: replays and duplicates are harmless.
 * One statement per poll rather than per download: under load the redirector reports thousands a second, and a
 * transaction each cost this service more CPU than the redeems cost the redirector.
 */
@Component
class DownloadCountListener {

    private final DatabaseClient db;
    private final EventSerde serde;

    DownloadCountListener(DatabaseClient db, EventSerde serde) {
        this.db = db;
        this.serde = serde;
    }

    @KafkaListener(topics = Topics.DOWNLOADS, groupId = "link-api", batch = "true",
            containerFactory = KafkaPlumbingAutoConfiguration.BATCH_LISTENER_FACTORY)
    void on(List<ConsumerRecord<String, byte[]>> records) {
        EventBatches.apply(records, serde, this::lower);
    }

    private void lower(List<EventEnvelope<?>> events) {
        Map<Long, Integer> lowest = new HashMap<>();
        for (EventEnvelope<?> event : events) {
            // the topic also carries share-token downloads, which are none of link-api's business
            if (event.data() instanceof DownloadConsumed consumed) {
                lowest.merge(consumed.linkId(), consumed.remaining(), Math::min);
            } else if (event.data() instanceof DownloadCountSettled settled) {
                // the exact count once a hot link's download leases end; its downloads reported upper bounds
                lowest.merge(settled.linkId(), settled.remaining(), Math::min);
            }
        }
        if (lowest.isEmpty()) {
            return;
        }
        db.sql("""
                        UPDATE links l SET remaining = r.remaining
                        FROM unnest(CAST(:ids AS bigint[]), CAST(:remaining AS integer[])) AS r(id, remaining)
                        WHERE l.id = r.id AND l.remaining > r.remaining""")
                .bind("ids", lowest.keySet().toArray(Long[]::new))
                .bind("remaining", lowest.values().toArray(Integer[]::new))
                .then()
                .block(Duration.ofSeconds(30));
    }
}
