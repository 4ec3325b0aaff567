package dev.sharelinks.linkapi;

import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.EventType;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import dev.sharelinks.sealing.Sealer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Boots link-api against the real PostgreSQL and Kafka of {@link SharedServers}; helpers register accounts through
 * the admin API, as an operator would.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
abstract class LinkApiIntegrationTest {

    static final String ADMIN_TOKEN = "test-admin-token";
    static final String DATABASE = "link_api_test";
    static final JsonMapper JSON = JsonMapper.builder().build();
    /** The key that seals here, and one a rotation replaced, which still opens what it sealed. */
    static final String SEALING_KEY = sealingKey("l2", 2);

    static final String OLD_SEALING_KEY = sealingKey("l1", 1);
    /** Opens what link-api sealed, as the mailer does. */
    static final Sealer SEALER = Sealer.of(List.of(SEALING_KEY, OLD_SEALING_KEY));

    @Autowired
    WebTestClient http;

    @DynamicPropertySource
    static void realServers(DynamicPropertyRegistry registry) {
        PostgresServer postgres = SharedServers.postgres();
        postgres.createDatabase(DATABASE);
        registry.add("DB_PORT", postgres::port);
        registry.add("DB_NAME", () -> DATABASE);
        registry.add("KAFKA_BOOTSTRAP", () -> SharedServers.kafka().bootstrapServers());
        // a group member that did not leave cleanly (a consumer closed around a broker restart) holds the group's next
        // rebalance for the session timeout: 10 s here, as on the local stack, not Kafka's 45
        registry.add("spring.kafka.consumer.properties[session.timeout.ms]", () -> "10000");
        registry.add("ADMIN_TOKEN", () -> ADMIN_TOKEN);
        registry.add("PUBLIC_REDEEM_BASE_URL", () -> "http://redirector.test");
        registry.add("LINK_SEALING_KEYS", () -> SEALING_KEY + "," + OLD_SEALING_KEY);
        // no redirector here to wait for; ReadYourWritesIT runs a projecting consumer group of its own
        registry.add("READ_YOUR_WRITES_GROUP", () -> "");
    }

    /** A named key of 32 bytes, each {@code fill}. */
    static String sealingKey(String id, int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return id + ":" + Base64.getEncoder().encodeToString(key);
    }

    /** A new account with one asset (media id 4, asset id "asset-4"); returns its id and API key. */
    TestAccount newAccount(String bucket) {
        Map<?, ?> created = http.post()
                .uri("/admin/accounts")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Account " + bucket, "bucket", bucket))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        long accountId = ((Number) created.get("id")).longValue();
        http.put()
                .uri("/admin/accounts/{id}/assets/4", accountId)
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("assetId", "asset-4", "objectKey", "media/4/original.bin"))
                .exchange()
                .expectStatus()
                .isOk();
        return new TestAccount(accountId, (String) created.get("apiKey"));
    }

    WebTestClient.ResponseSpec post(TestAccount account, String path, String json) {
        return http.post()
                .uri(path)
                .header("X-API-KEY", account.apiKey())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json)
                .exchange();
    }

    long createLink(TestAccount account, int limit) {
        Map<?, ?> created = post(account, "/api/v2/shareable_links", """
                {"expiry_date": "2099-01-01", "limit": %d, "payload": {"media_id": 4, "filename": "report.pdf"}}""".formatted(limit))
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return ((Number) created.get("id")).longValue();
    }

    /** Registers a webhook endpoint of the account; returns its answer, the secret included. */
    JsonNode registerWebhook(TestAccount owner, String url, String... events) {
        byte[] body = post(owner, "/api/v2/webhooks", JSON.writeValueAsString(Map.of("url", url, "events", events)))
                .expectStatus()
                .isCreated()
                .expectBody()
                .returnResult()
                .getResponseBody();
        return JSON.readTree(body);
    }

    /** The link's URL, as its info answers it. */
    String urlOf(TestAccount account, long link) {
        Map<?, ?> info = http.get()
                .uri("/api/v2/shareable_links/{id}/info", link)
                .header("X-API-KEY", account.apiKey())
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return (String) info.get("url");
    }

    /** Shares the link with the recipients; returns the share's event as link-api published it. */
    ShareRequested share(TestAccount account, long link, String... recipients) {
        post(
                        account,
                        "/api/v2/shareable_links/share",
                        "{\"recipients\": " + JSON.writeValueAsString(recipients) + ", \"shareable_link_ids\": [" + link
                                + "]}")
                .expectStatus()
                .isOk();
        return shareRequests(TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        Topics.SHARES,
                        seen -> shareRequests(seen).stream().anyMatch(s -> carries(s, link)),
                        Duration.ofSeconds(30)))
                .stream()
                .filter(s -> carries(s, link))
                .findFirst()
                .orElseThrow();
    }

    private static boolean carries(ShareRequested share, long link) {
        return share.links().stream().anyMatch(l -> l.linkId() == link);
    }

    /** Publishes the events on their types' topics, keyed by subject, as the service that owns them would. */
    static void publish(List<EventEnvelope<?>> events) throws Exception {
        EventSerde serde = new EventSerde();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        SharedServers.kafka().bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (EventEnvelope<?> event : events) {
                String topic =
                        EventType.fromTypeName(event.type()).orElseThrow().topic();
                producer.send(new ProducerRecord<>(topic, event.subject(), serde.serialize(event)))
                        .get();
            }
        }
    }

    /** The share requests among records of the shares topic, which also carries the mailer's outcome events. */
    static List<ShareRequested> shareRequests(List<ConsumerRecord<String, byte[]>> records) {
        EventSerde serde = new EventSerde();
        return records.stream()
                .map(r -> serde.read(r.value()).data())
                .filter(ShareRequested.class::isInstance)
                .map(ShareRequested.class::cast)
                .toList();
    }

    static String query(String sql) {
        return SharedServers.postgres().query(DATABASE, sql);
    }

    String count(String table) {
        return SharedServers.postgres().query(DATABASE, "SELECT count(*) FROM link_api." + table);
    }

    record TestAccount(long id, String apiKey) {}
}
