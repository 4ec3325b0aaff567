package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.DownloadCountSettled;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.EventType;
import dev.sharelinks.events.ShareMailDelivered;
import dev.sharelinks.events.ShareMailFailed;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.WebhookReceiver;
import dev.sharelinks.infra.WebhookReceiver.Answer;
import dev.sharelinks.infra.WebhookReceiver.Received;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Webhooks end to end inside link-api: registered through the API, fed by events on the real topics (published here
 * as the redirector and the mailer would; deploy's OwnersSideIT has the real services produce them), delivered to
 * a real HTTP receiver on loopback, which the test's setting allows.
 */
@TestPropertySource(
        properties = {
            "WEBHOOKS_ALLOWED_PRIVATE_ADDRESSES=loopback",
            "WEBHOOKS_TIMEOUT=1s",
            "WEBHOOKS_RETRY_FOR=10s",
            "sharelinks.link-api.webhooks.connect-timeout=1s",
            "sharelinks.link-api.webhooks.poll-interval=100ms",
            "sharelinks.link-api.webhooks.retry-initial-interval=200ms",
            "sharelinks.link-api.webhooks.retry-max-interval=1s",
            "sharelinks.link-api.webhooks.failing-after=3",
            "sharelinks.link-api.webhooks.max-endpoints-per-account=3"
        })
// a context no other class shares: closed after the class, so its relay, pollers and consumers stop
@DirtiesContext
class WebhooksIT extends LinkApiIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final EventSerde serde = new EventSerde();
    private TestAccount account;

    @LocalServerPort
    private int port;

    @BeforeEach
    void account() {
        account = newAccount("bucket-webhooks");
    }

    @Test
    void everyEventTypeIsDeliveredSignedWithTheEndpointsSecretAndInOrderPerLink() throws Exception {
        long link = createLink(account, 2);
        long revoked = createLink(account, 5);
        ShareRequested share = share(account, link, "ann@example.test", "ben@example.test");
        try (WebhookReceiver receiver = WebhookReceiver.start(0)) {
            JsonNode endpoint = registerWebhook(
                    account,
                    receiver.url(),
                    "link.downloaded",
                    "link.exhausted",
                    "link.revoked",
                    "share.delivered",
                    "share.failed");
            String secret = endpoint.get("secret").asString();
            assertThat(secret).startsWith("whsec_");

            Instant now = Instant.now();
            EventEnvelope<?> firstDownload = publish(
                    Topics.DOWNLOADS,
                    String.valueOf(link),
                    new DownloadConsumed(link, "k", 1, "192.0.2.7", "Firefox", share.recipientRef(0)),
                    now);
            publish(
                    Topics.DOWNLOADS,
                    String.valueOf(link),
                    new DownloadConsumed(link, "k", 0, "192.0.2.8", "curl/8", null),
                    now.plusMillis(1));
            // a leased link's settlement reports the exhaustion again: one message all the same
            publish(
                    Topics.DOWNLOADS,
                    String.valueOf(link),
                    new DownloadCountSettled(link, "k", 0, 0),
                    now.plusMillis(2));
            publish(
                    Topics.SHARES,
                    String.valueOf(share.shareId()),
                    new ShareMailDelivered(
                            share.shareId(), account.id(), "ann@example.test", share.recipientRef(0), List.of(link)),
                    now);
            publish(
                    Topics.SHARES,
                    String.valueOf(share.shareId()),
                    new ShareMailFailed(
                            share.shareId(),
                            account.id(),
                            "ben@example.test",
                            share.recipientRef(1),
                            "550 5.1.1 mailbox unavailable",
                            List.of(link)),
                    now.plusMillis(1));
            http.delete()
                    .uri("/api/v2/shareable_links/{id}", revoked)
                    .header("X-API-KEY", account.apiKey())
                    .exchange()
                    .expectStatus()
                    .isOk();

            await().atMost(WAIT).until(() -> receiver.received().size() >= 6);
            List<Received> received = receiver.received();
            assertThat(received).hasSize(6);
            for (Received delivery : received) {
                assertThat(delivery.header("webhook-signature"))
                        .isEqualTo(WebhookReceiver.signature(
                                secret,
                                delivery.header("webhook-id"),
                                delivery.header("webhook-timestamp"),
                                delivery.body()));
                assertThat(delivery.header("Content-Type")).isEqualTo("application/json");
                assertThat(Long.parseLong(delivery.header("webhook-timestamp")))
                        .isCloseTo(Instant.now().getEpochSecond(), Offset.offset(60L));
            }
            assertThat(received)
                    .extracting(r -> r.header("webhook-id"))
                    .doesNotHaveDuplicates()
                    .allMatch(id -> id.matches("msg_[0-9a-f]{32}"));
            List<JsonNode> bodies =
                    received.stream().map(r -> JSON.readTree(r.body())).toList();
            List<JsonNode> aboutLink = bodies.stream()
                    .filter(b -> b.get("data").has("link_id")
                            && b.get("data").get("link_id").asLong() == link)
                    .toList();
            assertThat(aboutLink)
                    .extracting(b -> b.get("type").asString())
                    .containsExactly("link.downloaded", "link.downloaded", "link.exhausted");
            JsonNode first = aboutLink.get(0);
            assertThat(first.get("timestamp").asString()).isEqualTo(now.toString());
            assertThat(first.get("data").get("recipient").asString()).isEqualTo("ann@example.test");
            assertThat(first.get("data").get("client_address").asString()).isEqualTo("192.0.2.0");
            assertThat(first.get("data").get("user_agent").asString()).isEqualTo("Firefox");
            assertThat(first.get("data").get("remaining").asInt()).isEqualTo(1);
            assertThat(aboutLink.get(1).get("data").get("recipient").isNull()).isTrue();
            assertThat(byType(bodies, "link.revoked").get("data").get("link_id").asLong())
                    .isEqualTo(revoked);
            JsonNode delivered = byType(bodies, "share.delivered").get("data");
            assertThat(delivered.get("share_id").asLong()).isEqualTo(share.shareId());
            assertThat(delivered.get("recipient").asString()).isEqualTo("ann@example.test");
            assertThat(delivered.get("link_ids").get(0).asLong()).isEqualTo(link);
            JsonNode failed = byType(bodies, "share.failed").get("data");
            assertThat(failed.get("recipient").asString()).isEqualTo("ben@example.test");
            assertThat(failed.get("reason").asString()).isEqualTo("550 5.1.1 mailbox unavailable");

            // a redelivered event is not delivered again, and another account's events never reach this endpoint
            TestAccount other = newAccount("bucket-webhooks-other");
            long othersLink = createLink(other, 3);
            publish(List.of(firstDownload));
            publish(
                    Topics.DOWNLOADS,
                    String.valueOf(othersLink),
                    new DownloadConsumed(othersLink, "k", 2, "192.0.2.9", "Firefox", null),
                    Instant.now());
            long marker = createLink(account, 3);
            http.delete()
                    .uri("/api/v2/shareable_links/{id}", marker)
                    .header("X-API-KEY", account.apiKey())
                    .exchange()
                    .expectStatus()
                    .isOk();
            await().atMost(WAIT).until(() -> receiver.received().size() >= 7);
            Thread.sleep(500);
            assertThat(receiver.received()).hasSize(7);
            assertThat(JSON.readTree(receiver.received().get(6).body())
                            .get("data")
                            .get("link_id")
                            .asLong())
                    .isEqualTo(marker);
            assertThat(list(account).get(0).get("pending_deliveries").asLong()).isZero();
            assertThat(list(account).get(0).get("status").asString()).isEqualTo("active");
        }
    }

    /**
     * The limit of endpoints per account holds when registrations race for its last places. The test holds the
     * account's registration lock while they arrive, so that all of them wait for it at once.
     */
    @Test
    void concurrentRegistrationsTakeNoMoreThanTheLimit() throws Exception {
        Connection holder =
                DriverManager.getConnection(SharedServers.postgres().jdbcUrl(DATABASE), PostgresServer.USER, "");
        holder.setAutoCommit(false);
        try (Statement lock = holder.createStatement()) {
            lock.execute("SELECT pg_advisory_xact_lock(hashtextextended('webhooks', " + account.id() + "))");
        }
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> sent = IntStream.range(0, 12)
                .mapToObj(i -> client.sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v2/webhooks"))
                                .timeout(WAIT)
                                .header("X-API-KEY", account.apiKey())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"http://127.0.0.1:9/race-" + i
                                        + "\", \"events\": [\"link.revoked\"]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();
        await().atMost(WAIT)
                .until(() -> Integer.parseInt(
                                query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"))
                        >= 12);
        holder.commit();
        holder.close();
        List<Integer> statuses = sent.stream()
                .map(CompletableFuture::join)
                .map(HttpResponse::statusCode)
                .toList();

        assertThat(statuses).filteredOn(status -> status == 201).hasSize(3);
        assertThat(statuses).filteredOn(status -> status == 422).hasSize(9);
        assertThat(list(account)).hasSize(3);
    }

    /**
     * A link's download and its revoke come from two services: the download's event can reach the fan-out after the
     * revoke's although it happened first (the redirector's relay gathers grants). The endpoint gets them in the
     * order they happened.
     */
    @Test
    void anEventReadLaterThatHappenedFirstIsDeliveredFirst() throws Exception {
        long link = createLink(account, 5);
        try (WebhookReceiver receiver = WebhookReceiver.start(0)) {
            registerWebhook(account, receiver.url(), "link.downloaded", "link.revoked");
            Instant downloadedAt = Instant.now();
            http.delete()
                    .uri("/api/v2/shareable_links/{id}", link)
                    .header("X-API-KEY", account.apiKey())
                    .exchange()
                    .expectStatus()
                    .isOk();
            await().atMost(WAIT)
                    .until(() -> count("webhook_deliveries WHERE subject = 'link:" + link + "'")
                            .equals("1"));

            publish(
                    Topics.DOWNLOADS,
                    String.valueOf(link),
                    new DownloadConsumed(link, "k", 4, "192.0.2.7", "Firefox", null),
                    downloadedAt);

            await().atMost(WAIT).until(() -> receiver.received().size() >= 2);
            assertThat(receiver.received())
                    .extracting(r -> JSON.readTree(r.body()).get("type").asString())
                    .containsExactly("link.downloaded", "link.revoked");
        }
    }

    @Test
    void aFailedDeliveryIsRetriedWithTheSameIdUntilTheEndpointTakesIt() throws Exception {
        long link = createLink(account, 10);
        // answers 500, then hangs past the timeout, then takes it
        try (WebhookReceiver receiver = WebhookReceiver.start(0, Answer.status(500), Answer.hang())) {
            registerWebhook(account, receiver.url(), "link.downloaded");
            publish(
                    Topics.DOWNLOADS,
                    String.valueOf(link),
                    new DownloadConsumed(link, "k", 9, null, null, null),
                    Instant.now());
            await().atMost(WAIT).until(() -> receiver.received().stream().anyMatch(r -> r.answeredWith() == 204));
            List<Received> attempts = receiver.received();
            assertThat(attempts).extracting(Received::answeredWith).containsExactly(500, 0, 204);
            assertThat(attempts)
                    .extracting(r -> r.header("webhook-id"))
                    .containsOnly(attempts.get(0).header("webhook-id"));
            assertThat(attempts)
                    .extracting(Received::body)
                    .containsOnly(attempts.get(0).body());
            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode listed = list(account).get(0);
                assertThat(listed.get("pending_deliveries").asLong()).isZero();
                assertThat(listed.get("consecutive_failures").asInt()).isZero();
                assertThat(listed.get("last_failure").asString()).isEqualTo("no answer within the timeout");
            });
        }
    }

    @Test
    void anEndpointDownForAWhileGetsItsDeliveriesOnceItIsBackInOrder() throws Exception {
        long link = createLink(account, 10);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        registerWebhook(account, "http://127.0.0.1:" + port + "/hooks", "link.downloaded");
        for (int remaining = 9; remaining >= 7; remaining--) {
            publish(
                    Topics.DOWNLOADS,
                    String.valueOf(link),
                    new DownloadConsumed(link, "k", remaining, null, null, null),
                    Instant.now());
        }
        // down: the first delivery fails again and again, the ones after it wait behind it, and the list says so
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode listed = list(account).get(0);
            assertThat(listed.get("status").asString()).as(listed.toString()).isEqualTo("failing");
            assertThat(listed.get("pending_deliveries").asLong()).isEqualTo(3);
            assertThat(listed.get("last_failure").asString()).isEqualTo("could not connect");
        });
        try (WebhookReceiver receiver = WebhookReceiver.start(port)) {
            await().atMost(WAIT).until(() -> receiver.received().size() >= 3);
            assertThat(receiver.received())
                    .extracting(r ->
                            JSON.readTree(r.body()).get("data").get("remaining").asInt())
                    .containsExactly(9, 8, 7);
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(list(account).get(0).get("status").asString())
                                    .isEqualTo("active"));
        }
    }

    @Test
    void aDeliveryStillRefusedAfterRetryForIsFailedForGoodAndKeptAsADeadLetter() throws Exception {
        long link = createLink(account, 10);
        Answer[] always500 = new Answer[200];
        Arrays.fill(always500, Answer.status(500));
        try (WebhookReceiver receiver = WebhookReceiver.start(0, always500)) {
            registerWebhook(account, receiver.url(), "link.downloaded");
            publish(
                    Topics.DOWNLOADS,
                    String.valueOf(link),
                    new DownloadConsumed(link, "k", 9, null, null, null),
                    Instant.now());
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(list(account)
                                    .get(0)
                                    .get("failed_deliveries")
                                    .asLong())
                            .isEqualTo(1));
            int attempts = receiver.received().size();
            assertThat(attempts).isGreaterThan(3);
            assertThat(query("SELECT state || ' ' || last_status || ' ' || last_error FROM link_api.webhook_deliveries"
                            + " d JOIN link_api.webhook_endpoints w ON w.id = d.endpoint_id WHERE w.account_id = "
                            + account.id()))
                    .isEqualTo("failed 500 HTTP 500");
            Thread.sleep(1500);
            assertThat(receiver.received()).hasSize(attempts);
        }
    }

    @Test
    void endpointsAreTheAccountsOwnAndBadRegistrationsAre422() throws Exception {
        JsonNode created = registerWebhook(account, "http://127.0.0.1:9/a", "link.revoked", "link.revoked");
        assertThat(created.get("events").valueStream().map(JsonNode::asString).toList())
                .containsExactly("link.revoked");
        assertThat(created.get("url").asString()).isEqualTo("http://127.0.0.1:9/a");
        List<JsonNode> listed = list(account);
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).has("secret")).isFalse();
        assertThat(listed.get(0).get("id").asLong()).isEqualTo(created.get("id").asLong());

        TestAccount stranger = newAccount("bucket-webhooks-stranger");
        assertThat(list(stranger)).isEmpty();
        for (String id : List.of(created.get("id").asString(), "999999", "x", "-1")) {
            http.delete()
                    .uri("/api/v2/webhooks/" + id)
                    .header("X-API-KEY", stranger.apiKey())
                    .exchange()
                    .expectStatus()
                    .isNotFound()
                    .expectBody()
                    .json("{\"error\": \"Webhook not found\"}", true);
        }
        http.get().uri("/api/v2/webhooks").exchange().expectStatus().isUnauthorized();

        Map<String, String> refused = Map.of(
                "{}",
                "Missing parameters: url, events",
                "{\"url\": \"http://127.0.0.1/\", \"events\": []}",
                "events must name at least one event type",
                "{\"url\": \"http://127.0.0.1/\", \"events\": [\"link.created\"]}",
                "events must be among link.downloaded, link.exhausted, link.revoked, share.delivered, "
                        + "share.failed, not \"link.created\"",
                "{\"url\": \"http://10.0.0.1/\", \"events\": [\"link.revoked\"]}",
                "url must not resolve to a loopback, private or link-local address",
                "{\"url\": \"http://169.254.169.254/\", \"events\": [\"link.revoked\"]}",
                "url must not resolve to a loopback, private or link-local address",
                "{\"url\": \"ftp://127.0.0.1/\", \"events\": [\"link.revoked\"]}",
                "url must be an absolute http or https URL",
                "{\"url\": 7, \"events\": \"link.revoked\"}",
                "url must be a String; events must be an array",
                "{\"url\": \"http://127.0.0.1/\", \"events\": [\"link.revoked\"], \"secret\": \"mine\"}",
                "Unknown parameters: secret",
                "{\"url\": \"http://127.0.0.1/\\u0000\", \"events\": [\"link.revoked\"]}",
                "url must not contain NUL or unpaired surrogates");
        refused.forEach((body, error) -> post(account, "/api/v2/webhooks", body)
                .expectStatus()
                .isEqualTo(422)
                .expectBody()
                .json("{\"error\": " + JSON.writeValueAsString(error) + "}", true));
        post(account, "/api/v2/webhooks", "{")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .json("{\"error\": \"Malformed JSON body\"}", true);

        registerWebhook(account, "http://127.0.0.1:9/b", "link.revoked");
        registerWebhook(account, "http://127.0.0.1:9/c", "link.revoked");
        post(account, "/api/v2/webhooks", "{\"url\": \"http://127.0.0.1:9/d\", \"events\": [\"link.revoked\"]}")
                .expectStatus()
                .isEqualTo(422)
                .expectBody()
                .json("{\"error\": \"An account may register at most 3 webhooks\"}", true);
        assertThat(list(account)).hasSize(3);

        for (JsonNode endpoint : list(account)) {
            http.delete()
                    .uri("/api/v2/webhooks/{id}", endpoint.get("id").asLong())
                    .header("X-API-KEY", account.apiKey())
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .json("{\"message\": \"Webhook deleted\"}", true);
        }
        assertThat(list(account)).isEmpty();
    }

    private List<JsonNode> list(TestAccount owner) {
        byte[] body = http.get()
                .uri("/api/v2/webhooks")
                .header("X-API-KEY", owner.apiKey())
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBody();
        return JSON.readTree(body).get("webhooks").valueStream().toList();
    }

    private static JsonNode byType(List<JsonNode> bodies, String type) {
        return bodies.stream()
                .filter(b -> b.get("type").asString().equals(type))
                .findFirst()
                .orElseThrow();
    }

    private EventEnvelope<?> publish(String topic, String key, Object data, Instant occurredAt) throws Exception {
        EventEnvelope<?> event = serde.envelope(data, "test", key, occurredAt);
        assertThat(EventType.of(data).topic()).isEqualTo(topic);
        publish(List.of(event));
        return event;
    }
}
