package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The relay is woken by PostgreSQL's commit notification, wherever the outbox row was written: another replica, or a
 * statement that inserts outbox rows itself. Its poll is set to an hour here, so only the notification can publish.
 */
@TestPropertySource(properties = "sharelinks.outbox.poll-interval=1h")
class OutboxNotificationTest extends LinkApiIntegrationTest {

    private static final String TOPIC = "sharelinks.test.outbox-notifications";

    @Test
    void whenAnotherConnectionCommitsAnOutboxRowThenTheRelayPublishesItWithoutPolling() {
        String key = insertAsAnotherReplica();
        assertThat(published(key)).hasSize(1);
    }

    @Test
    void whenTheDatabaseRestartsThenTheRelayListensAgain() {
        PostgresServer postgres = SharedServers.postgres();
        postgres.stop();
        postgres.start();

        // committed while nobody may have listened: the relay is woken when the listening connection is back
        String duringReconnect = insertAsAnotherReplica();
        assertThat(published(duringReconnect)).hasSize(1);
        // and from then on by notifications again
        String afterwards = insertAsAnotherReplica();
        assertThat(published(afterwards)).hasSize(1);
    }

    /** What a replica other than this one writes: a committed outbox row, and nothing in this JVM to wake. */
    private static String insertAsAnotherReplica() {
        String key = UUID.randomUUID().toString();
        SharedServers.postgres().query(DATABASE, """
                INSERT INTO link_api.outbox (topic, event_key, event_type, data)
                VALUES ('%s', '%s', 'TestEvent', '{"written": "elsewhere"}')""".formatted(TOPIC, key));
        return key;
    }

    private static List<ConsumerRecord<String, byte[]>> published(String key) {
        return TopicReader.readUntil(SharedServers.kafka().bootstrapServers(), TOPIC,
                        seen -> seen.stream().anyMatch(r -> r.key().equals(key)), Duration.ofSeconds(20))
                .stream().filter(r -> r.key().equals(key)).toList();
    }
}
