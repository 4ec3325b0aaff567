package dev.sharelinks.linkapi.download;

import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.Topics;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Mirrors the redirector's count into {@code links.remaining}, so the owner can see it. Taking the least
 * remaining count ever reported makes this idempotent and indifferent to order: replays and duplicates are harmless.
 */
@Component
class DownloadCountListener {

    private final DatabaseClient db;
    private final EventSerde serde;

    DownloadCountListener(DatabaseClient db, EventSerde serde) {
        this.db = db;
        this.serde = serde;
    }

    @KafkaListener(topics = Topics.DOWNLOADS, groupId = "link-api")
    void on(ConsumerRecord<String, byte[]> record) {
        // the topic also carries share-token downloads, which are none of link-api's business
        if (!(serde.read(record.value()).data() instanceof DownloadConsumed consumed)) {
            return;
        }
        db.sql("UPDATE links SET remaining = LEAST(remaining, :remaining) WHERE id = :id")
                .bind("remaining", consumed.remaining())
                .bind("id", consumed.linkId())
                .then()
                .block(Duration.ofSeconds(30));
    }
}
