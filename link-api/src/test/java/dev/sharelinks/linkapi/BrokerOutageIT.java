package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.LinkCreated;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.KafkaBroker;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The Kafka broker stopped while links are created and shared: the API keeps answering, the events wait in the
 * outbox, and once the broker is back each reaches its topic exactly once.
 */
// short producer timeouts, so the relay's attempts fail (and must leave the events in place) while the broker is away;
// no poll, so only the relay's retries after a failed attempt can publish the events once it is back
@TestPropertySource(
        properties = {
            "sharelinks.outbox.poll-interval=1h",
            "spring.kafka.producer.properties[max.block.ms]=1500",
            "spring.kafka.producer.properties[request.timeout.ms]=1000",
            "spring.kafka.producer.properties[delivery.timeout.ms]=3000"
        })
// a context no other class shares: closed after the class, so its relay, pollers and consumers stop
@DirtiesContext
class BrokerOutageIT extends LinkApiIntegrationTest {

    private static final int LINKS = 5;
    private final EventSerde serde = new EventSerde();

    @Autowired
    MeterRegistry meters;

    @Test
    void whenTheBrokerIsDownThenEventsWaitInTheOutboxAndArriveOnceWhenItIsBack() {
        TestAccount account = newAccount("bucket-outage");
        KafkaBroker kafka = SharedServers.kafka();
        List<Long> linkIds = new ArrayList<>();
        long shareId;
        double failedBefore = failedAttempts();
        kafka.stop();
        try {
            for (int i = 0; i < LINKS; i++) {
                linkIds.add(createLink(account, 2));
            }
            post(account, "/api/v2/shareable_links/share", """
                    {"recipients": ["outage@example.test"], "shareable_link_ids": %s}""".formatted(linkIds))
                    .expectStatus()
                    .isOk();
            shareId = Long.parseLong(query("SELECT max(id) FROM link_api.shares WHERE account_id = " + account.id()));
            assertThat(pending(linkIds, shareId)).isEqualTo(LINKS + 1);
            // the relay tries, times out and tries again, and each attempt leaves the events in place
            await().atMost(Duration.ofSeconds(30)).until(() -> failedAttempts() >= failedBefore + 2);
            assertThat(pending(linkIds, shareId)).isEqualTo(LINKS + 1);
        } finally {
            kafka.start();
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> pending(linkIds, shareId) == 0);
        List<EventEnvelope<?>> links =
                events(Topics.LINKS, linkIds.stream().map(String::valueOf).toList());
        List<EventEnvelope<?>> shares = events(Topics.SHARES, List.of(String.valueOf(shareId)));

        assertThat(links)
                .extracting(e -> ((LinkCreated) e.data()).linkId())
                .containsExactlyInAnyOrderElementsOf(linkIds);
        assertThat(shares)
                .singleElement()
                .satisfies(e ->
                        assertThat(((ShareRequested) e.data()).recipients()).containsExactly("outage@example.test"));
        assertThat(Stream.concat(links.stream(), shares.stream()).map(EventEnvelope::eventId))
                .doesNotHaveDuplicates();
    }

    /** The relay's attempts that left events in the outbox, as its metric counts them. */
    private double failedAttempts() {
        return meters.counter("sharelinks.outbox.attempts.failed").count();
    }

    /** How many of these links' and this share's events are still in the outbox. */
    private int pending(List<Long> linkIds, long shareId) {
        String keys = Stream.concat(linkIds.stream(), Stream.of(shareId))
                .map(id -> "'" + id + "'")
                .collect(Collectors.joining(", "));
        return Integer.parseInt(query("SELECT count(*) FROM link_api.outbox WHERE event_key IN (" + keys + ")"
                + " AND topic IN ('" + Topics.LINKS + "', '" + Topics.SHARES + "')"));
    }

    /** Every event on the topic with one of these keys. */
    private List<EventEnvelope<?>> events(String topic, List<String> keys) {
        String bootstrap = SharedServers.kafka().bootstrapServers();
        List<ConsumerRecord<String, byte[]>> seen = TopicReader.readUntil(
                bootstrap,
                topic,
                records -> records.stream().filter(r -> keys.contains(r.key())).count() >= keys.size(),
                Duration.ofSeconds(60));
        // read a little longer: a duplicate would come right behind
        List<ConsumerRecord<String, byte[]>> settled = TopicReader.readUntil(
                bootstrap, topic, records -> records.size() > seen.size() + 1000, Duration.ofSeconds(3));
        return settled.stream()
                .filter(r -> keys.contains(r.key()))
                .<EventEnvelope<?>>map(r -> serde.read(r.value()))
                .toList();
    }
}
