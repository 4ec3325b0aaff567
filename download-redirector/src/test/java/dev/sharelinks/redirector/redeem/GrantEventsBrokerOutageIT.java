package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.KafkaBroker;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import dev.sharelinks.messaging.outbox.OutboxRelay;
import dev.sharelinks.redirector.RedirectorIntegrationTest;
import dev.sharelinks.redirector.redeem.RedeemableLinks.GrantedDownload;
import dev.sharelinks.redirector.redeem.RedeemableLinks.Redeem;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import reactor.core.publisher.Mono;

/**
 * A batch granted while the Kafka broker is away: its one outbox row of several events stays whole through the
 * relay's failed attempts, and once the broker is back each of its events reaches the topic once.
 */
// short producer timeouts, so the relay's attempts fail (and must leave the row in place) while the broker is away;
// no poll, so only the relay's retries after a failed attempt can publish the row once it is back
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sharelinks.outbox.poll-interval=1h",
            "sharelinks.redeem.miss-limit.misses=1000000",
            "spring.kafka.producer.properties[max.block.ms]=1500",
            "spring.kafka.producer.properties[request.timeout.ms]=1000",
            "spring.kafka.producer.properties[delivery.timeout.ms]=3000"
        })
// a context no other class shares: closed after the class, so its relay, pollers and consumers stop
@DirtiesContext
class GrantEventsBrokerOutageIT extends RedirectorIntegrationTest {

    @Autowired
    RedeemableLinks links;

    @Autowired
    MeterRegistry meters;

    @Autowired
    OutboxRelay relay;

    @Test
    void whenTheBrokerIsDownThenABatchsRowWaitsWholeAndEachOfItsEventsArrivesOnceWhenItIsBack() {
        PublishedLink link =
                publishLink("media/outage/batch", "batch.bin", 3, Instant.now().plusSeconds(86_400));
        String key = String.valueOf(link.linkId());
        KafkaBroker kafka = SharedServers.kafka();
        double failedBefore = failedAttempts();
        kafka.stop();
        try {
            List<Redeem> batch = List.of(
                    new Redeem(link.key(), "o0", null, null),
                    new Redeem(link.key(), "o1", null, null),
                    new Redeem(link.key(), "o2", null, null));
            assertThat(fromRows(batch).block(Duration.ofSeconds(30))).hasSize(3);
            relay.wakeUp(); // as the batcher does after each batch
            assertThat(pendingEventsOf(key)).isEqualTo("1/3");
            // the relay tries, times out and tries again, and each attempt leaves the events in place
            await().atMost(Duration.ofSeconds(30)).until(() -> failedAttempts() >= failedBefore + 2);
            assertThat(pendingEventsOf(key)).isEqualTo("1/3");
        } finally {
            kafka.start();
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> "0/0".equals(pendingEventsOf(key)));
        List<EventEnvelope<?>> events = TopicReader.readUntil(
                        kafka.bootstrapServers(),
                        Topics.DOWNLOADS,
                        seen -> seen.stream().filter(r -> key.equals(r.key())).count() >= 3,
                        Duration.ofSeconds(30))
                .stream()
                .filter(r -> key.equals(r.key()))
                .<EventEnvelope<?>>map(r -> serde.read(r.value()))
                .toList();
        assertThat(events)
                .extracting(e -> ((DownloadConsumed) e.data()).remaining())
                .containsExactly(2, 1, 0);
        assertThat(events)
                .extracting(e -> ((DownloadConsumed) e.data()).clientAddress())
                .containsExactly("o0", "o1", "o2");
        assertThat(events).extracting(EventEnvelope::eventId).doesNotHaveDuplicates();
        // the broker is shared with the classes after this one: leave it only once the projection's consumer group
        // has settled after the restart, and a new link is redeemable again
        publishLinkWithin(
                Duration.ofSeconds(90),
                "media/outage/after",
                "after.bin",
                1,
                Instant.now().plusSeconds(60));
    }

    /** The relay's attempts that left events in the outbox, as its metric counts them. */
    private double failedAttempts() {
        return meters.counter("sharelinks.outbox.attempts.failed").count();
    }

    /** The outbox rows holding this link's events, and how many events they hold: "rows/events". */
    private static String pendingEventsOf(String key) {
        return SharedServers.postgres()
                .query(
                        DATABASE,
                        "SELECT count(*) || '/' || coalesce(sum(cardinality("
                                + "event_keys)), 0) FROM redirector.outbox WHERE '" + key + "' = ANY(event_keys)");
    }

    /** The batch granted from its links' rows (no download leases), as the granted downloads by index. */
    private Mono<Map<Integer, GrantedDownload>> fromRows(List<Redeem> batch) {
        return links.grantAll(batch, new Long[batch.size()]).map(RedeemableLinks.Grants::granted);
    }
}
