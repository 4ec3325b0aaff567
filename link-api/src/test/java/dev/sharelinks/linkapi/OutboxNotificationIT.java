package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The relay is woken by PostgreSQL's commit notification, wherever the outbox row was written: another replica, or a
 * statement that inserts outbox rows itself. Its poll is set to an hour here, so only the notification can publish.
 */
@TestPropertySource(properties = "sharelinks.outbox.poll-interval=1h")
// a context no other class shares: closed after the class, so its relay, pollers and consumers stop
@DirtiesContext
class OutboxNotificationIT extends LinkApiIntegrationTest {

    private static final String TOPIC = "sharelinks.test.outbox-notifications";
    private static final EventSerde SERDE = new EventSerde();

    @Test
    void whenAnotherConnectionCommitsAnOutboxRowThenTheRelayPublishesItWithoutPolling() {
        String key = insertAsAnotherReplica();
        assertThat(published(key)).hasSize(1);
    }

    @Test
    void whenTheDatabaseRestartsThenTheRelayListensAgain() {
        PostgresServer postgres = SharedServers.postgres();
        // several connections in the pool, idle: each dies with the server
        List<CompletableFuture<TestAccount>> concurrent = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> newAccount("bucket-before-restart-" + i)))
                .toList();
        concurrent.forEach(CompletableFuture::join);
        postgres.stop();
        postgres.start();
        // the next request gets a fresh connection, not a 500
        newAccount("bucket-after-restart");

        // committed while nobody may have listened: the relay is woken when the listening connection is back
        String duringReconnect = insertAsAnotherReplica();
        assertThat(published(duringReconnect)).hasSize(1);
        // and from then on by notifications again
        String afterwards = insertAsAnotherReplica();
        assertThat(published(afterwards)).hasSize(1);
    }

    @Test
    void theRelayPublishesTheRowAsStoredToTheMicrosecond() {
        String key = UUID.randomUUID().toString();
        UUID eventId = UUID.randomUUID();
        SharedServers.postgres().query(DATABASE, """
                INSERT INTO link_api.outbox (event_id, topic, event_key, event_type, occurred_at, data)
                VALUES ('%s', '%s', '%s', 'TestEvent', '2026-03-04 05:06:07.123456+00',
                        '{"name": "\u00e9t\u00e9 \\"quoted\\"", "nested": {"list": [1, 2.5, null, true]}}')
                """.formatted(eventId, TOPIC, key));

        EventEnvelope<JsonNode> event = SERDE.readRaw(published(key).get(0).value());

        assertThat(event.eventId()).isEqualTo(eventId);
        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-03-04T05:06:07.123456Z"));
        assertThat(event.data().get("name").asString()).isEqualTo("\u00e9t\u00e9 \"quoted\"");
        assertThat(event.data().get("nested").get("list")).hasSize(4);
        assertThat(event.data().get("nested").get("list").get(1).asDouble()).isEqualTo(2.5);
    }

    /** What a replica other than this one writes: a committed outbox row, and nothing in this JVM to wake. */
    private static String insertAsAnotherReplica() {
        String key = UUID.randomUUID().toString();
        SharedServers.postgres().query(DATABASE, """
                SELECT link_api.outbox_append('%s', 'TestEvent', '%s', '{"written": "elsewhere"}')""".formatted(TOPIC, key));
        return key;
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
