package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code Idempotency-Key} on create and share: a retry gets the first answer, another body with the key is 422, and
 * concurrent requests with one key have one effect.
 */
class IdempotencyIT extends LinkApiIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CREATE = """
            {"expiry_date": "2099-01-01", "limit": 3, "payload": {"media_id": 4, "filename": "report.pdf"}}""";
    private final EventSerde serde = new EventSerde();
    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    private int port;

    private TestAccount account;

    @BeforeEach
    void account() {
        account = newAccount("bucket-idempotency");
    }

    @Test
    void aRetriedCreateAnswersTheFirstLinkAgainAndAnotherBodyWithTheKeyIs422() {
        JsonNode first = created(withKey("retry-1", "/api/v2/shareable_links", CREATE)
                .expectStatus()
                .isOk()
                .expectHeader()
                .doesNotExist("Idempotent-Replayed"));
        // the same request as another serializer writes it: properties in another order, other spacing
        String reordered = """
                {"payload": {"filename": "report.pdf", "media_id": 4},   "limit": 3, "expiry_date": "2099-01-01"}""";
        for (String body : List.of(CREATE, reordered)) {
            JsonNode again = created(withKey("retry-1", "/api/v2/shareable_links", body)
                    .expectStatus()
                    .isOk()
                    .expectHeader()
                    .valueEquals("Idempotent-Replayed", "true"));
            assertThat(again).isEqualTo(first);
        }
        assertThat(links()).isEqualTo("1");

        withKey("retry-1", "/api/v2/shareable_links", CREATE.replace("\"limit\": 3", "\"limit\": 4"))
                .expectStatus()
                .isEqualTo(422)
                .expectBody()
                .json("{\"error\": \"Idempotency-Key was already used for a different request\"}", true);
        // one key per account, whatever the route
        withKey(
                        "retry-1",
                        "/api/v2/shareable_links/share",
                        "{\"recipients\": [\"a@example.test\"], \"shareable_link_ids\": ["
                                + first.get("id").asLong() + "]}")
                .expectStatus()
                .isEqualTo(422);
        assertThat(links()).isEqualTo("1");

        // another account's key of the same name is its own
        TestAccount other = newAccount("bucket-idempotency-other");
        JsonNode others = created(http.post()
                .uri("/api/v2/shareable_links")
                .header("X-API-KEY", other.apiKey())
                .header("Idempotency-Key", "retry-1")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CREATE)
                .exchange()
                .expectStatus()
                .isOk());
        assertThat(others.get("id")).isNotEqualTo(first.get("id"));

        // a key older than 24 hours is free again
        query("UPDATE link_api.idempotency_keys SET created_at = now() - interval '25 hours' WHERE account_id = "
                + account.id());
        JsonNode later = created(withKey("retry-1", "/api/v2/shareable_links", CREATE)
                .expectStatus()
                .isOk()
                .expectHeader()
                .doesNotExist("Idempotent-Replayed"));
        assertThat(later.get("id")).isNotEqualTo(first.get("id"));
        assertThat(links()).isEqualTo("2");
    }

    @Test
    void aFailedWriteKeepsNoKeyAndAMalformedKeyIs422() {
        String unknownAsset = CREATE.replace("\"media_id\": 4", "\"media_id\": 404");
        for (int i = 0; i < 2; i++) {
            withKey("failed-1", "/api/v2/shareable_links", unknownAsset)
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .json("{\"error\": \"asset not found\"}", true);
        }
        // the failure changed nothing and took no key: the key is still free for another request
        created(withKey("failed-1", "/api/v2/shareable_links", CREATE)
                .expectStatus()
                .isOk()
                .expectHeader()
                .doesNotExist("Idempotent-Replayed"));
        assertThat(count("idempotency_keys WHERE account_id = " + account.id())).isEqualTo("1");

        for (String key : List.of("", "x".repeat(256), "a b", "two  spaces")) {
            withKey(key, "/api/v2/shareable_links", CREATE)
                    .expectStatus()
                    .isEqualTo(422)
                    .expectBody()
                    .json("{\"error\": \"Idempotency-Key must be 1 to 255 printable ASCII characters\"}", true);
        }
        assertThat(links()).isEqualTo("1");
    }

    @Test
    void fiftyConcurrentCreatesWithOneKeyMakeOneLink() {
        List<HttpResponse<String>> answers = concurrently(50, "concurrent-create", "/api/v2/shareable_links", CREATE);

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);
        assertThat(answers)
                .extracting(HttpResponse::body)
                .containsOnly(answers.get(0).body());
        assertThat(answers)
                .filteredOn(a -> a.headers().firstValue("Idempotent-Replayed").isEmpty())
                .hasSize(1);
        assertThat(links()).isEqualTo("1");
    }

    @Test
    void aRetriedShareRecordsAndAnnouncesOneShareEvenFiftyAtOnce() {
        long link = created(withKey("link-for-share", "/api/v2/shareable_links", CREATE)
                        .expectStatus()
                        .isOk())
                .get("id")
                .asLong();
        String share = "{\"recipients\": [\"ann@example.test\", \"ben@example.test\"], \"shareable_link_ids\": [" + link
                + "]}";
        withKey("share-1", "/api/v2/shareable_links/share", share)
                .expectStatus()
                .isOk()
                .expectBody()
                .json("{\"message\": \"Shareable links sent\"}", true);
        withKey("share-1", "/api/v2/shareable_links/share", share)
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("Idempotent-Replayed", "true")
                .expectBody()
                .json("{\"message\": \"Shareable links sent\"}", true);
        List<HttpResponse<String>> answers = concurrently(50, "share-2", "/api/v2/shareable_links/share", share);
        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);

        assertThat(count("shares WHERE account_id = " + account.id())).isEqualTo("2");
        // a third share without a key, so the topic's last event of this account shows both keyed ones came first
        post(account, "/api/v2/shareable_links/share", share).expectStatus().isOk();
        List<ShareRequested> events = TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        Topics.SHARES,
                        seen -> ofAccount(seen).size() >= 3,
                        Duration.ofSeconds(30))
                .stream()
                .map(r -> serde.read(r.value()).data())
                .filter(data -> data instanceof ShareRequested s && s.accountId() == account.id())
                .map(ShareRequested.class::cast)
                .toList();
        assertThat(events).hasSize(3).extracting(ShareRequested::shareId).doesNotHaveDuplicates();
    }

    private List<ShareRequested> ofAccount(List<ConsumerRecord<String, byte[]>> seen) {
        return shareRequests(seen).stream()
                .filter(s -> s.accountId() == account.id())
                .toList();
    }

    private WebTestClient.ResponseSpec withKey(String key, String path, String json) {
        return http.post()
                .uri(path)
                .header("X-API-KEY", account.apiKey())
                .header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json)
                .exchange();
    }

    private static JsonNode created(WebTestClient.ResponseSpec answer) {
        return JSON.readTree(answer.expectBody().returnResult().getResponseBody());
    }

    private String links() {
        return count("links WHERE account_id = " + account.id());
    }

    /** {@code n} requests with one key, all sent before any is answered. */
    private List<HttpResponse<String>> concurrently(int n, String key, String path, String json) {
        List<CompletableFuture<HttpResponse<String>>> sent = IntStream.range(0, n)
                .mapToObj(i -> client.sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(30))
                                .header("X-API-KEY", account.apiKey())
                                .header("Idempotency-Key", key)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();
        return sent.stream().map(CompletableFuture::join).toList();
    }
}
