package dev.sharelinks.systemtests;

import static dev.sharelinks.systemtests.ShareMails.mailedUrl;
import static dev.sharelinks.systemtests.ShareMails.part;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.infra.FreePorts;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SmtpServer;
import dev.sharelinks.infra.WebhookReceiver;
import dev.sharelinks.stack.LocalStack;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The owner's side on the running stack: each recipient's mail carries its own URL, the redirector records which one
 * a download came through, and link-api's download log tells the owner whose download each was; the log rebuilt
 * from history equals the live one; webhooks tell a receiver about each link and share event.
 */
@OnTheSharedStack
class OwnersSideIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String LOG = """
            SELECT event_id, link_id, repeat, occurred_at, recipient_ref, client_address, user_agent, remaining
            FROM link_api.download_log ORDER BY event_id""";

    private static LocalStack stack;
    private static TestStacks.Client client;

    @BeforeAll
    static void useTheSharedStack(LocalStack shared) {
        stack = shared;
        client = new TestStacks.Client(stack.env());
    }

    @Test
    void theDownloadLogTellsWhoseMailedUrlEachDownloadCameThroughAndRebuildsFromHistory() throws Exception {
        JsonNode link = client.createLink(10);
        long id = link.get("id").asLong();
        String url = link.get("url").asString();
        HttpResponse<String> shared = client.postToLinkApi("/api/v2/shareable_links/share", """
                {"recipients": ["ann@example.test", "ben@example.test"], "message": "Minutes attached",
                 "shareable_link_ids": [%d]}""".formatted(id));
        assertThat(shared.statusCode()).isEqualTo(200);

        String annUrl = mailedUrl(stack, "ann@example.test", url);
        String benUrl = mailedUrl(stack, "ben@example.test", url);
        assertThat(annUrl).isNotEqualTo(benUrl).startsWith(url + "?ref=").doesNotContain("ann", "%40");
        assertThat(benUrl).startsWith(url + "?ref=").doesNotContain("ben", "%40");
        // ann twice, ben once, the plain URL once, and ann's URL with its reference tampered with
        String tampered = annUrl.substring(0, annUrl.length() - 1) + (annUrl.endsWith("A") ? "B" : "A");
        for (String redeemed : List.of(annUrl, annUrl, benUrl, url, tampered)) {
            assertThat(client.status(redeemed)).as(redeemed).isEqualTo(302);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> log(id).get("total").asLong() == 5);
        JsonNode live = log(id);
        List<JsonNode> downloads = live.get("downloads").valueStream().toList();
        assertThat(downloads)
                .extracting(d ->
                        d.get("recipient").isNull() ? null : d.get("recipient").asString())
                .containsExactly("ann@example.test", "ann@example.test", "ben@example.test", null, null);
        assertThat(downloads).extracting(d -> d.get("remaining").asInt()).containsExactly(9, 8, 7, 6, 5);
        assertThat(downloads).allSatisfy(d -> {
            assertThat(d.get("client_address").asString()).isEqualTo("127.0.0.0");
            assertThat(d.get("user_agent").asString()).startsWith("Java-http-client");
        });
        assertThat(live.get("repeats").asLong()).isZero();

        // rebuilt from history: the log emptied, then a second link-api consuming the topic under a new group
        PostgresServer postgres = stack.postgres();
        String database = stack.env().get("DB_URL").replaceAll(".*/", "");
        String rows = postgres.query(database, LOG);
        postgres.query(database, "TRUNCATE link_api.download_log");
        assertThat(log(id).get("total").asLong()).isZero();
        stack.startAnother(
                "link-api",
                "link-api-rebuilding",
                FreePorts.next(),
                Map.of("DOWNLOADS_CONSUMER_GROUP", "link-api-rebuilt"));
        try {
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> assertThat(postgres.query(database, LOG)).isEqualTo(rows));
            assertThat(log(id)).isEqualTo(live);
        } finally {
            stack.stopAnother("link-api-rebuilding");
        }
    }

    /**
     * A client that timed out and retries: the create answers the first link again, and fifty shares sent at once with
     * one key record one share, so each recipient gets one mail.
     */
    @Test
    void retriedCreatesAndSharesWithAnIdempotencyKeyHaveOneEffect() throws Exception {
        String create = """
                {"expiry_date": "%s", "limit": 2, "payload": {"media_id": %s, "filename": "retried.pdf"}}""".formatted(
                        LocalDate.now(ZoneOffset.UTC).plusDays(1), stack.env().get("MEDIA_ID"));
        String key = "create-" + UUID.randomUUID();
        HttpResponse<String> first = keyed(key, "/api/v2/shareable_links", create);
        HttpResponse<String> retried = keyed(key, "/api/v2/shareable_links", create);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(retried.body()).isEqualTo(first.body());
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        String url = JSON.readTree(first.body()).get("url").asString();
        // the replay answers once the link redeems too
        assertThat(client.probe(url)).isEqualTo(200);

        String share = """
                {"recipients": ["cy@example.test", "di@example.test"], "shareable_link_ids": [%d]}""".formatted(JSON.readTree(first.body()).get("id").asLong());
        String shareKey = "share-" + UUID.randomUUID();
        List<CompletableFuture<HttpResponse<String>>> shares = IntStream.range(0, 50)
                .mapToObj(i -> client.http()
                        .sendAsync(
                                keyedRequest(shareKey, "/api/v2/shareable_links/share", share),
                                HttpResponse.BodyHandlers.ofString()))
                .toList();
        assertThat(shares)
                .extracting(CompletableFuture::join)
                .extracting(HttpResponse::statusCode)
                .containsOnly(200);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> mailsTo("cy@example.test", url) == 1 && mailsTo("di@example.test", url) == 1);
        // the mailer has had time to send any second share's mails: there are none
        Thread.sleep(2000);
        assertThat(mailsTo("cy@example.test", url)).isEqualTo(1);
        assertThat(mailsTo("di@example.test", url)).isEqualTo(1);
    }

    /**
     * Webhooks from the real services: the mailer's outcomes, the redirector's downloads and link-api's revoke reach
     * a receiver signed; then link-api is killed while the receiver holds a delivery, and once it is back the same
     * message arrives again.
     */
    @Test
    void webhooksReachAReceiverForEveryEventTypeAndOutliveALinkApiKilledMidDelivery() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(0)) {
            HttpResponse<String> registered = client.postToLinkApi("/api/v2/webhooks", """
                    {"url": "%s", "events": ["link.downloaded", "link.exhausted", "link.revoked", "share.delivered",
                                             "share.failed"]}""".formatted(receiver.url()));
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
            String secret = JSON.readTree(registered.body()).get("secret").asString();
            String webhookId = JSON.readTree(registered.body()).get("id").asString();

            JsonNode link = client.createLink(2);
            long id = link.get("id").asLong();
            String refused = "nobody@mailbox" + SmtpServer.REFUSED_DOMAIN;
            HttpResponse<String> shared =
                    client.postToLinkApi("/api/v2/shareable_links/share", """
                    {"recipients": ["eve@example.test", "%s"], "shareable_link_ids": [%d],
                     "sender_name": "Anna Virtanen", "reply_to": "anna@example.test", "locale": "fi"}""".formatted(refused, id));
            assertThat(shared.statusCode()).isEqualTo(200);
            String eveUrl = mailedUrl(stack, "eve@example.test", link.get("url").asString());
            // the mail says who shared, from which account, in the share's language
            MimeMessage mail = stack.smtp().received().stream()
                    .filter(m -> m.recipient().equals("eve@example.test"))
                    .findFirst()
                    .orElseThrow()
                    .message();
            assertThat(mail.getSubject()).isEqualTo("Anna Virtanen jakoi kanssasi tiedoston");
            assertThat(((InternetAddress) mail.getFrom()[0]).getPersonal()).isEqualTo("Demo account");
            assertThat(mail.getReplyTo()).extracting(Object::toString).containsExactly("anna@example.test");
            assertThat(part(mail, "text/plain")).contains("2 latausta, saatavilla");
            assertThat(client.status(eveUrl)).isEqualTo(302);
            assertThat(client.status(link.get("url").asString())).isEqualTo(302);
            long revoked = client.createLink(3).get("id").asLong();
            HttpResponse<String> revoke = client.http()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            stack.env().get("LINK_API_URL") + "/api/v2/shareable_links/" + revoked))
                                    .header("X-API-KEY", stack.env().get("API_KEY"))
                                    .DELETE()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(revoke.statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> receiver.received().size() >= 6);
            List<WebhookReceiver.Received> received = receiver.received();
            assertThat(received)
                    .allSatisfy(r -> assertThat(r.header("webhook-signature"))
                            .isEqualTo(WebhookReceiver.signature(
                                    secret, r.header("webhook-id"), r.header("webhook-timestamp"), r.body())));
            List<JsonNode> bodies =
                    received.stream().map(r -> JSON.readTree(r.body())).toList();
            assertThat(bodies)
                    .extracting(b -> b.get("type").asString())
                    .containsExactlyInAnyOrder(
                            "share.delivered",
                            "share.failed",
                            "link.downloaded",
                            "link.downloaded",
                            "link.exhausted",
                            "link.revoked");
            List<JsonNode> aboutLink = bodies.stream()
                    .filter(b -> b.get("data").path("link_id").asLong() == id)
                    .toList();
            assertThat(aboutLink)
                    .extracting(b -> b.get("type").asString())
                    .containsExactly("link.downloaded", "link.downloaded", "link.exhausted");
            assertThat(aboutLink.get(0).get("data").get("recipient").asString()).isEqualTo("eve@example.test");
            assertThat(aboutLink.get(1).get("data").get("recipient").isNull()).isTrue();
            JsonNode failed = bodies.stream()
                    .filter(b -> b.get("type").asString().equals("share.failed"))
                    .findFirst()
                    .orElseThrow()
                    .get("data");
            assertThat(failed.get("recipient").asString()).isEqualTo(refused);
            assertThat(failed.get("reason").asString()).startsWith("550");

            // killed while the receiver holds a delivery: the restarted link-api sends the same message again
            receiver.answerNext(WebhookReceiver.Answer.hang());
            String url = client.createLink(5).get("url").asString();
            assertThat(client.status(url)).isEqualTo(302);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> receiver.received().size() == 7);
            String held = receiver.received().get(6).header("webhook-id");
            stack.kill("link-api");
            stack.restart("link-api");
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> receiver.received().size() == 8);
            assertThat(receiver.received().get(7).header("webhook-id")).isEqualTo(held);
            assertThat(receiver.received().get(7).answeredWith()).isEqualTo(204);

            // the stack is shared: the tests after this one send nothing to a receiver that is gone
            assertThat(client.http()
                            .send(
                                    HttpRequest.newBuilder(URI.create(
                                                    stack.env().get("LINK_API_URL") + "/api/v2/webhooks/" + webhookId))
                                            .header("X-API-KEY", stack.env().get("API_KEY"))
                                            .DELETE()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    private static HttpResponse<String> keyed(String key, String path, String body) throws Exception {
        return client.http().send(keyedRequest(key, path, body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest keyedRequest(String key, String path, String body) {
        return HttpRequest.newBuilder(URI.create(stack.env().get("LINK_API_URL") + path))
                .timeout(TestStacks.REQUEST_TIMEOUT)
                .header("X-API-KEY", stack.env().get("API_KEY"))
                .header("Idempotency-Key", key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** Mails the SMTP server accepted for {@code recipient} that carry the link. */
    private static long mailsTo(String recipient, String url) {
        return stack.smtp().received().stream()
                .filter(m -> m.recipient().equals(recipient))
                .filter(m -> part(m.message(), "text/plain").contains(url))
                .count();
    }

    private static JsonNode log(long linkId) throws Exception {
        HttpResponse<String> answer = client.getFromLinkApi("/api/v2/shareable_links/" + linkId + "/downloads");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }
}
