package dev.sharelinks.redirector.projection;

import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.DownloadCountSettled;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.Topics;
import dev.sharelinks.messaging.kafka.EventBatches;
import dev.sharelinks.messaging.kafka.KafkaPlumbingAutoConfiguration;
import dev.sharelinks.messaging.outbox.OutboxProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Applies {@code DownloadConsumed} events to the links' remaining counts, so that a projection rebuilt from history
 * into an empty database has the counts of the live one, whose grants made those events. Each event lowers its link
 * to the count it reports and never raises it, so events apply in any order and any number of times without an
 * idempotency log; on the live projection they change nothing, its grants having lowered the counts already. A
 * download that arrives before its link (a replay reads the two topics independently) is kept in
 * {@code reported_remaining} until the link's LinkCreated starts it there. This projection's own grants are skipped
 * by their origin header: it applied them when it made them.
 *
 * <p>A batch listener: one transaction per poll, not per event, because on a busy redirector this reads back every
 * grant it made. A record that is not an event goes to the dead-letter topic once the events before it applied.
 */
@Component
class DownloadProjectionListener {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final DatabaseClient db;
    private final EventSerde serde;
    private final TransactionalOperator transaction;
    private final String ownOrigin;

    DownloadProjectionListener(
            DatabaseClient db, EventSerde serde, TransactionalOperator transaction, OutboxProperties outbox) {
        this.db = db;
        this.serde = serde;
        this.transaction = transaction;
        this.ownOrigin = Objects.requireNonNull(
                outbox.origin(), "sharelinks.outbox.origin names this projection in the events its grants write");
    }

    @KafkaListener(
            topics = Topics.DOWNLOADS,
            groupId = "${sharelinks.projection.consumer-group}-downloads",
            batch = "true",
            containerFactory = KafkaPlumbingAutoConfiguration.BATCH_LISTENER_FACTORY)
    void on(List<ConsumerRecord<String, byte[]>> records) {
        List<ConsumerRecord<String, byte[]>> others =
                records.stream().filter(record -> !isOwn(record)).toList();
        EventBatches.apply(others, serde, events -> apply(lowestRemaining(events)));
    }

    /**
     * Whether this projection's own grants wrote the record (its relay names the projection in the origin header):
     * those counts are in its table already, and on a busy redirector reading every grant back cost a few percent of
     * its CPU. A projection being rebuilt has another consumer group, so another origin, and applies them all.
     */
    private boolean isOwn(ConsumerRecord<String, byte[]> record) {
        Header origin = record.headers().lastHeader(OutboxProperties.ORIGIN_HEADER);
        return origin != null && ownOrigin.equals(new String(origin.value(), StandardCharsets.UTF_8));
    }

    /** Link id to the lowest count the events report; in link order, so concurrent batches upsert rows in one order. */
    private static Map<Long, Integer> lowestRemaining(List<EventEnvelope<?>> events) {
        Map<Long, Integer> lowest = new TreeMap<>();
        for (EventEnvelope<?> event : events) {
            // the topic also carries share-token downloads and repeats, which count nothing
            if (event.data() instanceof DownloadConsumed download) {
                lowest.merge(download.linkId(), download.remaining(), Math::min);
            } else if (event.data() instanceof DownloadCountSettled settled) {
                lowest.merge(settled.linkId(), settled.remaining(), Math::min);
            }
        }
        return lowest;
    }

    private void apply(Map<Long, Integer> lowest) {
        if (lowest.isEmpty()) {
            return;
        }
        Long[] links = lowest.keySet().toArray(Long[]::new);
        Integer[] remaining = lowest.values().toArray(Integer[]::new);
        // two statements: the second must see a link whose creation committed while the first waited for its row
        Mono<Void> keepForLinksNotProjected =
                db.sql("""
                        INSERT INTO reported_remaining (link_id, remaining)
                        SELECT r.link_id, r.remaining
                        FROM unnest(CAST(:links AS bigint[]), CAST(:remaining AS integer[])) AS r(link_id, remaining)
                        WHERE NOT EXISTS (SELECT 1 FROM redeemable_links l WHERE l.link_id = r.link_id)
                        ON CONFLICT (link_id)
                            DO UPDATE SET remaining = LEAST(reported_remaining.remaining, excluded.remaining)""").bind("links", links).bind("remaining", remaining).then();
        Mono<Void> lowerProjectedLinks =
                db.sql("""
                        UPDATE redeemable_links l SET remaining = r.remaining
                        FROM unnest(CAST(:links AS bigint[]), CAST(:remaining AS integer[])) AS r(link_id, remaining)
                        WHERE l.link_id = r.link_id AND l.remaining > r.remaining""").bind("links", links).bind("remaining", remaining).then();
        transaction
                .transactional(keepForLinksNotProjected.then(lowerProjectedLinks))
                .block(TIMEOUT);
    }
}
