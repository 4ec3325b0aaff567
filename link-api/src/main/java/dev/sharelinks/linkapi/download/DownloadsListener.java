package dev.sharelinks.linkapi.download;

import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.DownloadCountSettled;
import dev.sharelinks.events.DownloadRepeated;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.Topics;
import dev.sharelinks.messaging.kafka.EventBatches;
import dev.sharelinks.messaging.kafka.KafkaPlumbingAutoConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Applies the redirector's download events to what the owner sees: each link's remaining count and its download
 * log. The count takes the least remaining count ever reported, and the log keeps one entry per event id, so both
 * are idempotent and indifferent to order: redeliveries and replays are harmless, and a new consumer group over an
 * emptied log rebuilds it from history. Two statements per poll rather than per download: under load the redirector
 * reports thousands a second, and a transaction each cost this service more CPU than the redeems cost the redirector.
 */
@Component
class DownloadsListener {

    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    private final DatabaseClient db;
    private final DownloadLog log;
    private final EventSerde serde;
    private final DownloadLogProperties properties;

    DownloadsListener(DatabaseClient db, DownloadLog log, EventSerde serde, DownloadLogProperties properties) {
        this.db = db;
        this.log = log;
        this.serde = serde;
        this.properties = properties;
    }

    @KafkaListener(
            topics = Topics.DOWNLOADS,
            groupId = "${sharelinks.link-api.downloads-consumer-group:link-api}",
            batch = "true",
            containerFactory = KafkaPlumbingAutoConfiguration.BATCH_LISTENER_FACTORY)
    void on(List<ConsumerRecord<String, byte[]>> records) {
        EventBatches.apply(records, serde, this::apply);
    }

    private void apply(List<EventEnvelope<?>> events) {
        Map<Long, Integer> lowest = new HashMap<>();
        List<DownloadLog.Entry> entries = new ArrayList<>(events.size());
        for (EventEnvelope<?> event : events) {
            // the topic also carries share-token downloads, which are none of link-api's business
            if (event.data() instanceof DownloadConsumed consumed) {
                lowest.merge(consumed.linkId(), consumed.remaining(), Math::min);
                entries.add(new DownloadLog.Entry(
                        event.eventId(),
                        consumed.linkId(),
                        false,
                        event.occurredAt(),
                        consumed.recipientRef(),
                        properties.clientAddress().keep(consumed.clientAddress()),
                        consumed.userAgent(),
                        consumed.remaining()));
            } else if (event.data() instanceof DownloadRepeated repeated) {
                entries.add(new DownloadLog.Entry(
                        event.eventId(),
                        repeated.linkId(),
                        true,
                        event.occurredAt(),
                        null,
                        properties.clientAddress().keep(repeated.clientAddress()),
                        repeated.userAgent(),
                        null));
            } else if (event.data() instanceof DownloadCountSettled settled) {
                // the exact count once a hot link's download leases end; its downloads reported upper bounds
                lowest.merge(settled.linkId(), settled.remaining(), Math::min);
            }
        }
        if (!entries.isEmpty()) {
            log.record(entries).block(STATEMENT_TIMEOUT);
        }
        if (!lowest.isEmpty()) {
            lower(lowest);
        }
    }

    private void lower(Map<Long, Integer> lowest) {
        db.sql("""
                        UPDATE links l SET remaining = r.remaining
                        FROM unnest(CAST(:ids AS bigint[]), CAST(:remaining AS integer[])) AS r(id, remaining)
                        WHERE l.id = r.id AND l.remaining > r.remaining""")
                .bind("ids", lowest.keySet().toArray(Long[]::new))
                .bind("remaining", lowest.values().toArray(Integer[]::new))
                .then()
                .block(STATEMENT_TIMEOUT);
    }
}
