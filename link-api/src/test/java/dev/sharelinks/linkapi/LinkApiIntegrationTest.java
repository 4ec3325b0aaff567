package dev.sharelinks.linkapi;

import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.ShareRequested;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Boots link-api against the real PostgreSQL and Kafka of {@link SharedServers}; helpers register accounts through
 * the admin API, as an operator would.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
abstract class LinkApiIntegrationTest {

    static final String ADMIN_TOKEN = "test-admin-token";
    static final String DATABASE = "link_api_test";

    @Autowired
    WebTestClient http;

    @DynamicPropertySource
    static void realServers(DynamicPropertyRegistry registry) {
        PostgresServer postgres = SharedServers.postgres();
        postgres.createDatabase(DATABASE);
        registry.add("DB_PORT", postgres::port);
        registry.add("DB_NAME", () -> DATABASE);
        registry.add("KAFKA_BOOTSTRAP", () -> SharedServers.kafka().bootstrapServers());
        registry.add("ADMIN_TOKEN", () -> ADMIN_TOKEN);
        registry.add("PUBLIC_REDEEM_BASE_URL", () -> "http://redirector.test");
        // no redirector here to wait for; ReadYourWritesTest runs a projecting consumer group of its own
        registry.add("READ_YOUR_WRITES_GROUP", () -> "");
    }

    /** A new account with one asset (media id 4, asset id "asset-4"); returns its id and API key. */
    TestAccount newAccount(String bucket) {
        Map<?, ?> created = http.post().uri("/admin/accounts")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Account " + bucket, "bucket", bucket))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        long accountId = ((Number) created.get("id")).longValue();
        http.put().uri("/admin/accounts/{id}/assets/4", accountId)
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("assetId", "asset-4", "objectKey", "media/4/original.bin"))
                .exchange()
                .expectStatus().isOk();
        return new TestAccount(accountId, (String) created.get("apiKey"));
    }

    WebTestClient.ResponseSpec post(TestAccount account, String path, String json) {
        return http.post().uri(path)
                .header("X-API-KEY", account.apiKey())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json)
                .exchange();
    }

    long createLink(TestAccount account, int limit) {
        Map<?, ?> created = post(account, "/api/v2/shareable_links", """
                {"expiry_date": "2099-01-01", "limit": %d, "payload": {"media_id": 4, "filename": "report.pdf"}}"""
                .formatted(limit))
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        return ((Number) created.get("id")).longValue();
    }

    /** The share requests among records of the shares topic, which also carries the mailer's outcome events. */
    static List<ShareRequested> shareRequests(List<ConsumerRecord<String, byte[]>> records) {
        EventSerde serde = new EventSerde();
        return records.stream().map(r -> serde.read(r.value()).data())
                .filter(ShareRequested.class::isInstance).map(ShareRequested.class::cast).toList();
    }

    static String query(String sql) {
        return SharedServers.postgres().query(DATABASE, sql);
    }

    String count(String table) {
        return SharedServers.postgres().query(DATABASE, "SELECT count(*) FROM link_api." + table);
    }

    record TestAccount(long id, String apiKey) {
    }
}
