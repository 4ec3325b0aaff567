package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.KafkaBroker;
import dev.sharelinks.infra.SharedServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * A create or revoke answers once the consumer group that projects link events has applied its event. The group
 * here is a real Kafka consumer run by the test, applying each record (noting its key) and committing its offset
 * after it, as the redirector's listeners do; the full stack with real redirectors is {@code ReadYourWritesIT}
 * in {@code deploy}.
 */
// short producer timeouts, so the relay gives up quickly while the broker is away
@TestPropertySource(
        properties = {
            "spring.kafka.producer.properties[max.block.ms]=1500",
            "spring.kafka.producer.properties[request.timeout.ms]=1000",
            "spring.kafka.producer.properties[delivery.timeout.ms]=3000"
        })
// a context no other class shares: closed after the class, so its relay, pollers and consumers stop
@DirtiesContext
class ReadYourWritesIT extends LinkApiIntegrationTest {

    private static final String GROUP = "projection-under-test";
    private static final Duration BOUND = Duration.ofMillis(1500);
    private static final Projection PROJECTION = new Projection();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MeterRegistry meters;

    @LocalServerPort
    int port;

    private TestAccount account;

    @DynamicPropertySource
    static void projectingGroup(DynamicPropertyRegistry registry) {
        // the properties themselves, not the variables: the base class empties READ_YOUR_WRITES_GROUP
        registry.add("sharelinks.outbox.read-your-writes.consumer-group", () -> GROUP);
        registry.add("sharelinks.outbox.read-your-writes.timeout", BOUND::toString);
    }

    @BeforeAll
    static void startProjection() {
        PROJECTION.start();
        await().atMost(Duration.ofSeconds(30)).until(PROJECTION.assigned::get);
    }

    @AfterAll
    static void stopProjection() {
        PROJECTION.stop();
    }

    @BeforeEach
    void account() {
        account = newAccount("bucket-ryw");
        PROJECTION.paused.set(false);
    }

    @Test
    void whenACreateOrRevokeAnswersThenTheProjectionHasAppliedItsEvent() {
        double timeoutsBefore = waits("timeout");
        for (int i = 0; i < 20; i++) {
            long id = createLink(account, 1);
            assertThat(PROJECTION.applied)
                    .as("link %d applied when its create answered", id)
                    .contains(String.valueOf(id));
        }
        long id = createLink(account, 1);
        int appliedBefore = PROJECTION.appliedCount(String.valueOf(id));

        http.delete()
                .uri("/api/v2/shareable_links/{id}", id)
                .header("X-API-KEY", account.apiKey())
                .exchange()
                .expectStatus()
                .isOk();

        assertThat(PROJECTION.appliedCount(String.valueOf(id)))
                .as("the revocation applied when it answered")
                .isEqualTo(appliedBefore + 1);
        assertThat(waits("timeout")).isEqualTo(timeoutsBefore);
        assertThat(waits("applied")).isGreaterThanOrEqualTo(21);
    }

    @Test
    void whenTheProjectionIsPausedThenACreateAnswersAfterTheBoundAndItsEventIsAppliedOnceItResumes() {
        PROJECTION.paused.set(true);
        // a poll under way when the flag was set could still return the create's event
        await().atMost(Duration.ofSeconds(5)).until(PROJECTION.holding::get);
        long started = System.nanoTime();
        long id = createLink(account, 1);
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertThat(waited).isBetween(BOUND, BOUND.plusSeconds(2));
        assertThat(count("links WHERE id = " + id)).isEqualTo("1");
        assertThat(PROJECTION.applied).doesNotContain(String.valueOf(id));
        assertThat(waits("timeout")).isGreaterThanOrEqualTo(1);

        PROJECTION.paused.set(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> PROJECTION.applied.contains(String.valueOf(id)));
        long next = createLink(account, 1);
        assertThat(PROJECTION.applied).contains(String.valueOf(next));
    }

    @Test
    void whenTheBrokerIsDownThenACreateAnswersAfterTheBoundAndItsEventFollowsWhenItIsBack() {
        KafkaBroker kafka = SharedServers.kafka();
        long id;
        kafka.stop();
        try {
            long started = System.nanoTime();
            id = createLink(account, 1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(BOUND, BOUND.plusSeconds(2));
            assertThat(count("links WHERE id = " + id)).isEqualTo("1");
            assertThat(count("outbox")).as("the event waits in the outbox").isNotEqualTo("0");
        } finally {
            kafka.start();
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> PROJECTION.applied.contains(String.valueOf(id)));
    }

    @Test
    void concurrentCreatesWithOneIdempotencyKeyAllAnswerOnceTheirOneEventIsApplied() {
        double appliedBefore = waits("applied");
        double timeoutsBefore = waits("timeout");
        String create = """
                {"expiry_date": "2099-01-01", "limit": 1, "payload": {"media_id": 4, "filename": "report.pdf"}}""";
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // every request sent before any is answered: one runs the create, the others wait for it and replay it
        List<CompletableFuture<HttpResponse<String>>> sent = IntStream.range(0, 5)
                .mapToObj(i -> client.sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v2/shareable_links"))
                                .timeout(BOUND.plusSeconds(5))
                                .header("X-API-KEY", account.apiKey())
                                .header("Idempotency-Key", "one-create")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(create))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();
        List<HttpResponse<String>> answers =
                sent.stream().map(CompletableFuture::join).toList();

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);
        assertThat(answers)
                .extracting(HttpResponse::body)
                .containsOnly(answers.get(0).body());
        String id = JSON.readTree(answers.get(0).body()).get("id").asString();
        assertThat(PROJECTION.applied)
                .as("link %s applied when its creates answered", id)
                .contains(id);
        assertThat(PROJECTION.appliedCount(id)).isEqualTo(1);
        assertThat(waits("applied") - appliedBefore)
                .as("each request's wait counted")
                .isEqualTo(5);
        assertThat(waits("timeout")).isEqualTo(timeoutsBefore);
    }

    private double waits(String outcome) {
        var timer = meters.find("sharelinks.read_your_writes")
                .tag("outcome", outcome)
                .timer();
        return timer == null ? 0 : timer.count();
    }

    /** The projecting consumer group: applies each link event, then commits its offset; can be paused. */
    private static final class Projection implements Runnable {

        final Set<String> applied = ConcurrentHashMap.newKeySet();
        final Map<String, Integer> appliedCounts = new ConcurrentHashMap<>();
        final AtomicBoolean paused = new AtomicBoolean();
        /** True once the consumer has paused its partitions, between polls. */
        final AtomicBoolean holding = new AtomicBoolean();

        final AtomicBoolean assigned = new AtomicBoolean();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this, "projection-under-test");

        void start() {
            thread.start();
        }

        void stop() {
            running.set(false);
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        int appliedCount(String key) {
            return appliedCounts.getOrDefault(key, 0);
        }

        @Override
        public void run() {
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            SharedServers.kafka().bootstrapServers(),
                            ConsumerConfig.GROUP_ID_CONFIG,
                            GROUP,
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                            "earliest",
                            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                            false),
                    new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(Set.of(Topics.LINKS));
                while (running.get()) {
                    if (paused.get()) {
                        consumer.pause(consumer.assignment());
                        holding.set(true);
                    } else {
                        consumer.resume(consumer.paused());
                        holding.set(false);
                    }
                    var records = consumer.poll(Duration.ofMillis(20));
                    assigned.compareAndSet(false, !consumer.assignment().isEmpty());
                    for (ConsumerRecord<String, byte[]> record : records) {
                        applied.add(record.key());
                        appliedCounts.merge(record.key(), 1, Integer::sum);
                        consumer.commitSync(Map.of(
                                new TopicPartition(record.topic(), record.partition()),
                                new OffsetAndMetadata(record.offset() + 1)));
                    }
                }
            } catch (RuntimeException e) {
                // the broker was stopped under it; the test that stopped it restarts it, and a new consumer follows
                if (running.get()) {
                    new Thread(this, "projection-under-test").start();
                }
            }
        }
    }
}
