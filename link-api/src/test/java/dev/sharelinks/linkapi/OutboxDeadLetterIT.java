package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A row Kafka refuses for good (a topic name it cannot have, a record over the producer's 1 MiB limit) goes to
 * {@code outbox_dead_letters} with the broker's reason, and the relay publishes the rows after it.
 */
class OutboxDeadLetterIT extends LinkApiIntegrationTest {

    private static final String TOPIC = "sharelinks.test.outbox-dead-letters";

    @Autowired
    MeterRegistry meters;

    @Test
    void aRowForAnInvalidTopicIsDeadLetteredAndTheRowsAfterItArePublished() {
        double deadBefore = deadLettered();
        String refused = UUID.randomUUID().toString();
        String after = UUID.randomUUID().toString();
        query("""
                BEGIN;
                SELECT link_api.outbox_append('not a topic!', 'TestEvent', '%s', '{"n": 1}');
                SELECT link_api.outbox_append('%s', 'TestEvent', '%s', '{"n": 2}');
                COMMIT;""".formatted(refused, TOPIC, after));

        assertThat(published(after)).hasSize(1);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(query(
                                "SELECT topic || ' | ' || reason FROM link_api.outbox_dead_letters WHERE event_key = '"
                                        + refused + "'"))
                        .startsWith("not a topic! | InvalidTopicException"));
        assertThat(query(
                        "SELECT count(*) FROM link_api.outbox WHERE event_key IN ('" + refused + "', '" + after + "')"))
                .isEqualTo("0");
        assertThat(deadLettered()).isEqualTo(deadBefore + 1);
    }

    @Test
    void aRecordTooLargeForTheProducerIsDeadLetteredWithAllItsEvents() {
        String first = UUID.randomUUID().toString();
        String after = UUID.randomUUID().toString();
        query("""
                SELECT link_api.outbox_append_all('%s', 'TestEvent', ARRAY['%s', '%s'],
                    jsonb_build_array(jsonb_build_object('n', 1),
                                      jsonb_build_object('blob', repeat('x', 1100000))));
                SELECT link_api.outbox_append('%s', 'TestEvent', '%s', '{"n": 3}');""".formatted(TOPIC, first, first, TOPIC, after));

        assertThat(published(after)).hasSize(1);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(query(
                                "SELECT cardinality(event_keys) || ' | ' || reason FROM link_api.outbox_dead_letters"
                                        + " WHERE event_keys[1] = '" + first + "'"))
                        .startsWith("2 | RecordTooLargeException"));
    }

    @Test
    void anEmptyBatchAppendsNothing() {
        String before = query("SELECT count(*) FROM link_api.outbox");
        assertThat(query(
                        "SELECT link_api.outbox_append_all('%s', 'TestEvent', ARRAY[]::text[], '[]')".formatted(TOPIC)))
                .isEmpty();
        assertThat(query("SELECT link_api.outbox_append_all('%s', 'TestEvent', NULL, NULL)".formatted(TOPIC)))
                .isEmpty();
        assertThat(query("SELECT count(*) FROM link_api.outbox")).isEqualTo(before);
    }

    private double deadLettered() {
        return meters.counter("sharelinks.outbox.dead.lettered").count();
    }

    private static List<ConsumerRecord<String, byte[]>> published(String key) {
        return TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        TOPIC,
                        seen -> seen.stream().anyMatch(r -> r.key().equals(key)),
                        Duration.ofSeconds(20))
                .stream()
                .filter(r -> r.key().equals(key))
                .toList();
    }
}
