package dev.sharelinks.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.EventSerde;
import dev.sharelinks.infra.FreePorts;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * A relay that finds a backlog publishes all of it at once, batch after batch, however its rows' events fall against
 * the batch size: rows of several events rarely fill a batch exactly, and a batch that stopped short of the limit
 * must not pass for the last one, or the rest waits one poll interval per batch. Stopping ends the run after the
 * batch in flight, and leaves the rest for the next start. The backlog gauges show what a relay that cannot publish
 * leaves, and fall to nothing once it is published.
 */
class OutboxRelayBacklogIT {

    private static final PostgresServer POSTGRES = SharedServers.postgres();
    private static final String DATABASE = "relay_backlog_test";
    private static final String SCHEMA = "backlog_service";
    private static final String TOPIC = "sharelinks.test.relay-backlog";
    private static final int BATCH_SIZE = 5;
    private static final int EVENTS_PER_ROW = 3;

    static {
        POSTGRES.createDatabase(DATABASE);
        ServiceSchemas.withOutbox(POSTGRES, DATABASE, SCHEMA);
        Map<String, Object> admin = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedServers.kafka().bootstrapServers());
        try (Admin topics = Admin.create(admin)) {
            topics.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)))
                    .all()
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("could not create " + TOPIC, e);
        }
    }

    private final DefaultKafkaProducerFactory<String, byte[]> producers =
            producers(SharedServers.kafka().bootstrapServers(), Duration.ofMinutes(1));
    private OutboxRelay relay;

    /** Each test's rows alone: the other test leaves rows in the outbox on purpose. */
    @BeforeEach
    void emptyTheOutbox() {
        POSTGRES.query(DATABASE, "DELETE FROM " + SCHEMA + ".outbox");
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.stop();
        }
        producers.destroy();
    }

    @Test
    void aBacklogOfRowsOfSeveralEventsIsPublishedWithoutWaitingForPolls() {
        String run = UUID.randomUUID().toString();
        // ten rows of three events and a single one between them: no batch of five ends on a row's end but by chance
        StringBuilder rows = new StringBuilder("BEGIN;");
        int event = 0;
        for (int row = 0; row < 10; row++) {
            int first = event;
            String keys = String.join(
                    ",",
                    IntStream.range(0, EVENTS_PER_ROW)
                            .mapToObj(n -> "'" + run + "'")
                            .toList());
            String payloads = String.join(
                    ",",
                    IntStream.range(first, first + EVENTS_PER_ROW)
                            .mapToObj(n -> "jsonb_build_object('n', " + n + ")")
                            .toList());
            rows.append("SELECT %s.outbox_append_all('%s', 'TestEvent', ARRAY[%s], jsonb_build_array(%s));"
                    .formatted(SCHEMA, TOPIC, keys, payloads));
            event += EVENTS_PER_ROW;
            if (row == 4) {
                rows.append("SELECT %s.outbox_append('%s', 'TestEvent', '%s', '{\"n\": %d}');"
                        .formatted(SCHEMA, TOPIC, run, event++));
            }
        }
        int events = event;
        POSTGRES.query(DATABASE, rows.append("COMMIT;").toString());

        // polls an hour apart: the relay's first run, at its start, is the only one before the test gives up
        relay = relay(Duration.ofHours(1));
        relay.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> outboxRows() == 0);
        assertThat(published(run, events))
                .as("every event once, in the order of the rows and of the events in them")
                .containsExactlyElementsOf(IntStream.range(0, events).boxed().toList());
    }

    @Test
    void stoppingLeavesTheRestOfABacklogForTheNextStart() {
        String run = UUID.randomUUID().toString();
        int rows = 2_000;
        // a row of three events per batch of five: two thousand batches, seconds of work for the relay
        POSTGRES.query(DATABASE, """
                SELECT %s.outbox_append_all('%s', 'TestEvent', array_fill('%s'::text, ARRAY[3]),
                    jsonb_build_array(jsonb_build_object('n', 3 * g), jsonb_build_object('n', 3 * g + 1),
                                      jsonb_build_object('n', 3 * g + 2)))
                FROM generate_series(0, %d) g""".formatted(SCHEMA, TOPIC, run, rows - 1));

        relay = relay(Duration.ofHours(1));
        relay.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> outboxRows() < rows);
        relay.stop();

        long left = outboxRows();
        assertThat(left).as("rows left in the outbox once stopped").isPositive();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> outboxRows() == left);
        int sent = Math.toIntExact(3 * (rows - left));
        assertThat(published(run, sent))
                .as("the events of the rows it deleted, once and in order")
                .containsExactlyElementsOf(IntStream.range(0, sent).boxed().toList());
    }

    @Test
    void theGaugesShowWhatARelayThatCannotPublishLeavesAndFallToNothingOnceItIsPublished() {
        String run = UUID.randomUUID().toString();
        POSTGRES.query(DATABASE, """
                SELECT %s.outbox_append_all('%s', 'TestEvent', ARRAY['%s', '%s'],
                    jsonb_build_array(jsonb_build_object('n', 0), jsonb_build_object('n', 1)))""".formatted(SCHEMA, TOPIC, run, run));
        MeterRegistry meters = new SimpleMeterRegistry();
        RelayMetrics metrics = new RelayMetrics(meters);

        // nobody answers on this port: every send times out, and the row stays for the next attempt, a second later
        DefaultKafkaProducerFactory<String, byte[]> away =
                producers("127.0.0.1:" + FreePorts.next(), Duration.ofMillis(500));
        try {
            relay = relay(Duration.ofHours(1), away, metrics);
            relay.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> gauge(meters, "sharelinks.outbox.pending") == 2);
            double age = gauge(meters, "sharelinks.outbox.oldest.age");
            await().atMost(Duration.ofSeconds(30))
                    .alias("aged again at the next attempt")
                    .until(() -> gauge(meters, "sharelinks.outbox.oldest.age") > age);
            assertThat(outboxRows()).isOne();
            relay.stop();
        } finally {
            away.destroy();
        }

        relay = relay(Duration.ofHours(1), producers, metrics);
        relay.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> gauge(meters, "sharelinks.outbox.pending") == 0);
        assertThat(gauge(meters, "sharelinks.outbox.oldest.age")).isZero();
        assertThat(outboxRows()).isZero();
        assertThat(published(run, 2)).containsExactly(0, 1);
    }

    private static double gauge(MeterRegistry meters, String name) {
        return meters.get(name).gauge().value();
    }

    /** Producers of that broker, which give up on a send when it has not answered for {@code maxBlock}. */
    private static DefaultKafkaProducerFactory<String, byte[]> producers(String bootstrapServers, Duration maxBlock) {
        return new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                (int) maxBlock.toMillis(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    }

    private static long outboxRows() {
        return Long.parseLong(POSTGRES.query(DATABASE, "SELECT count(*) FROM " + SCHEMA + ".outbox"));
    }

    /** The {@code n} of each event published with key {@code run}, in the topic's order, once {@code events} are in. */
    private static List<Integer> published(String run, int events) {
        return TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        TOPIC,
                        seen -> seen.stream().filter(r -> r.key().equals(run)).count() >= events,
                        Duration.ofSeconds(20))
                .stream()
                .filter(r -> r.key().equals(run))
                .map(r -> Integer.valueOf(
                        new String(r.value(), StandardCharsets.UTF_8).replaceAll(".*\"n\": ?(\\d+).*", "$1")))
                .toList();
    }

    private OutboxRelay relay(Duration pollInterval) {
        return relay(pollInterval, producers, new RelayMetrics(new SimpleMeterRegistry()));
    }

    private OutboxRelay relay(
            Duration pollInterval, DefaultKafkaProducerFactory<String, byte[]> producers, RelayMetrics metrics) {
        ConnectionFactory connections = ServiceSchemas.connections(POSTGRES, DATABASE, SCHEMA);
        OutboxProperties properties = new OutboxProperties(
                "relay-backlog-test",
                null,
                true,
                false,
                pollInterval,
                Duration.ofMillis(10),
                Duration.ofSeconds(1),
                BATCH_SIZE,
                Duration.ofMinutes(5),
                Duration.ofSeconds(30));
        Refusals refusals = new Refusals(
                new TopicCheck(Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        SharedServers.kafka().bootstrapServers())),
                properties.unknownTopicGrace(),
                Clock.systemUTC());
        return new OutboxRelay(
                new OutboxRows(DatabaseClient.create(connections)),
                new EventSender(
                        new KafkaTemplate<>(producers), new EventRecords(new EventSerde(), properties), refusals),
                TransactionalOperator.create(new R2dbcTransactionManager(connections)),
                properties,
                metrics,
                stored -> {});
    }
}
