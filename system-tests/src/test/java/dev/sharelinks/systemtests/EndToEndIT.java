package dev.sharelinks.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.LinkCreated;
import dev.sharelinks.events.ShareMailDelivered;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.ShareTokenDownloaded;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.TopicReader;
import dev.sharelinks.stack.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MediaPocket and Keepeek flows through HTTP only, against the local stack: real PostgreSQL, Kafka, S3Proxy and
 * SMTP, and the four services running from their runnable jars.
 */
@OnTheSharedStack
class EndToEndIT {

    private static final Duration REQUEST_TIMEOUT = TestStacks.REQUEST_TIMEOUT;

    private static LocalStack stack;
    private static Map<String, String> env;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final EventSerde serde = new EventSerde();
    /** Redirects to S3 this test received from token URLs: each must be on the record as ShareTokenDownloaded. */
    private int tokenRedirects;

    @BeforeAll
    static void useTheSharedStack(LocalStack shared) {
        stack = shared;
        env = stack.env();
    }

    @Test
    void aLinkIsCreatedSharedMailedAndRedeemedExactlyAsOftenAsItsLimit() throws Exception {
        // create a link with limit 3
        HttpResponse<String> created = post("/api/v2/shareable_links", """
                {"expiry_date": "%s", "limit": 3,
                 "payload": {"media_id": %s, "asset_id": "%s", "filename": "%s"}}""".formatted(
                        LocalDate.now(ZoneOffset.UTC).plusDays(1),
                        env.get("MEDIA_ID"),
                        env.get("ASSET_ID"),
                        env.get("ASSET_FILENAME")));
        assertThat(created.statusCode()).isEqualTo(200);
        JsonNode link = json.readTree(created.body());
        long linkId = link.get("id").asLong();
        String url = link.get("url").asString();
        assertThat(url).startsWith(env.get("REDIRECT_URL") + "/api/v2/shareable_links/");
        assertThat(link.get("filename").asString()).isEqualTo(env.get("ASSET_FILENAME"));

        // share it with two recipients: both mails arrive at the SMTP server and carry the link (the recipients are
        // this link's own: other tests mail through the same stack)
        String alice = "alice-" + linkId + "@example.test";
        String bob = "bob-" + linkId + "@example.test";
        HttpResponse<String> shared = post("/api/v2/shareable_links/share", """
                {"message": "Two files for you", "recipients": ["%s", "%s"],
                 "shareable_link_ids": [%d]}""".formatted(alice, bob, linkId));
        assertThat(shared.statusCode()).isEqualTo(200);
        assertThat(json.readTree(shared.body()).get("message").asString()).isEqualTo("Shareable links sent");
        Path mailDir = Path.of(env.get("MAIL_DIR"));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> emlFiles(mailDir, alice, bob).size() == 2);
        List<Path> mails = emlFiles(mailDir, alice, bob);
        assertThat(mails)
                .extracting(p -> p.getFileName().toString())
                .anyMatch(name -> name.endsWith(alice + ".eml"))
                .anyMatch(name -> name.endsWith(bob + ".eml"));
        for (Path mail : mails) {
            assertThat(Files.readString(mail)).contains(url, "Two files for you");
        }

        // redeem: 302 to a presigned URL that serves the exact bytes as an attachment
        String location = redeem(url);
        HttpResponse<byte[]> download = http.send(
                HttpRequest.newBuilder()
                        .timeout(REQUEST_TIMEOUT)
                        .uri(URI.create(location))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(LocalStack.sha256(download.body())).isEqualTo(env.get("ASSET_SHA256"));
        assertThat(download.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"" + env.get("ASSET_FILENAME") + "\"");

        // the S3 server checks the signature: a tampered one is refused
        String signature = location.replaceAll(".*X-Amz-Signature=([0-9a-f]{64}).*", "$1");
        String tampered = location.replace(
                signature, new StringBuilder(signature).reverse().toString());
        assertThat(http.send(
                                HttpRequest.newBuilder()
                                        .timeout(REQUEST_TIMEOUT)
                                        .uri(URI.create(tampered))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .isEqualTo(403);

        // two more redeems use up the limit; the fourth is refused
        redeem(url);
        redeem(url);
        HttpResponse<String> exhausted = http.send(
                HttpRequest.newBuilder()
                        .timeout(REQUEST_TIMEOUT)
                        .uri(URI.create(url))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(exhausted.statusCode()).isEqualTo(404);
        assertThat(json.readTree(exhausted.body()).get("error").asString()).isEqualTo("Link not found or has expired");

        // the history is on the topics: LinkCreated, ShareRequested, and one DownloadConsumed per redirect
        String kafka = env.get("KAFKA_BOOTSTRAP");
        String subject = String.valueOf(linkId);
        assertThat(TopicReader.readUntil(
                                kafka,
                                Topics.LINKS,
                                seen -> seen.stream().anyMatch(r -> r.key().equals(subject)),
                                Duration.ofSeconds(30))
                        .stream()
                        .filter(r -> r.key().equals(subject))
                        .toList())
                .singleElement()
                .satisfies(r -> {
                    assertThat(serde.read(r.value(), LinkCreated.class).data().keyDigest())
                            .isEqualTo(CapabilityDigests.hex(url.substring(url.lastIndexOf('/') + 1)));
                    assertThat(new String(r.value(), StandardCharsets.UTF_8)).doesNotContain(url);
                });
        // the share's request, then the mailer's outcome for each recipient
        List<Object> shareEvents = shareOf(
                TopicReader.readUntil(
                        kafka, Topics.SHARES, seen -> shareOf(seen, linkId).size() >= 3, Duration.ofSeconds(30)),
                linkId);
        assertThat(shareEvents)
                .hasSize(3)
                .first()
                .isInstanceOfSatisfying(
                        ShareRequested.class,
                        share -> assertThat(share.recipients()).containsExactly(alice, bob));
        assertThat(shareEvents.subList(1, 3))
                .allSatisfy(outcome -> assertThat(outcome).isInstanceOf(ShareMailDelivered.class));
        List<ConsumerRecord<String, byte[]>> downloads = TopicReader.readUntil(
                kafka, Topics.DOWNLOADS, seen -> linkDownloads(seen, subject).size() >= 3, Duration.ofSeconds(30));
        downloads = linkDownloads(downloads, subject);
        assertThat(downloads).hasSize(3).allSatisfy(r -> assertThat(r.key()).isEqualTo(subject));
        assertThat(downloads)
                .extracting(r ->
                        serde.read(r.value(), DownloadConsumed.class).data().remaining())
                .containsExactly(2, 1, 0);

        // and the owner sees the count come down to zero
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> info = http.send(
                    HttpRequest.newBuilder()
                            .timeout(REQUEST_TIMEOUT)
                            .uri(URI.create(env.get("LINK_API_URL") + "/api/v2/shareable_links/" + linkId + "/info"))
                            .header("X-API-KEY", env.get("API_KEY"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return json.readTree(info.body()).get("remaining").asInt() == 0;
        });

        // and every service says so on /actuator/prometheus, on its management port
        String linkApi = scrape(env.get("LINK_API_MANAGEMENT_URL"));
        assertThat(metric(
                        linkApi,
                        "http_server_requests_seconds_count\\{[^}]*status=\"200\"[^}]*"
                                + "uri=\"/api/v2/shareable_links\"[^}]*}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(metric(linkApi, "sharelinks_outbox_published_total(\\{[^}]*})?"))
                .isGreaterThanOrEqualTo(2);
        assertThat(linkApi)
                .containsPattern("(?m)^sharelinks_outbox_pending(\\{[^}]*})? ")
                .containsPattern("(?m)^sharelinks_outbox_oldest_age_seconds(\\{[^}]*})? ")
                // the consumer of DownloadConsumed reports its lag (Kafka's client metrics)
                .containsPattern("(?m)^kafka_consumer_fetch_manager_records_lag(_max)?\\{");
        String redirector = scrape(env.get("REDIRECT_MANAGEMENT_URL"));
        assertThat(metric(redirector, "sharelinks_redeem_grants_total(\\{[^}]*})?"))
                .isGreaterThanOrEqualTo(3);
        assertThat(metric(redirector, "sharelinks_outbox_published_total(\\{[^}]*})?"))
                .isGreaterThanOrEqualTo(3);
        // the fourth redeem of the used-up link
        assertThat(metric(
                        redirector,
                        "sharelinks_redeem_refused_total\\{[^}]*reason=\"not-live\"[^}]*" + "route=\"link\"[^}]*}"))
                .isGreaterThanOrEqualTo(1);
        String mailer = scrape(env.get("MAILER_MANAGEMENT_URL"));
        assertThat(metric(mailer, "sharelinks_mails_total\\{[^}]*outcome=\"sent\"[^}]*}"))
                .isGreaterThanOrEqualTo(2);
        assertThat(mailer).containsPattern("(?m)^kafka_consumer_fetch_manager_records_lag(_max)?\\{");
    }

    /**
     * Actuator answers on each service's management port only: the public ports, which routes expose, do not list
     * metrics or health, and the management port serves no API.
     */
    @Test
    void actuatorAnswersOnTheManagementPortsOnly() throws Exception {
        for (String service : List.of("LINK_API", "REDIRECT", "MAILER", "TOKEN_API")) {
            String publicUrl = env.get(service + "_URL");
            String managementUrl = env.get(service + "_MANAGEMENT_URL");
            assertThat(managementUrl).as(service).isNotEqualTo(publicUrl);
            for (String endpoint : List.of("/actuator/prometheus", "/actuator/health", "/actuator/health/readiness")) {
                assertThat(get(publicUrl + endpoint))
                        .as(service + " public " + endpoint)
                        .isEqualTo(404);
                assertThat(get(managementUrl + endpoint))
                        .as(service + " management " + endpoint)
                        .isEqualTo(200);
            }
        }
        JsonNode link = json.readTree(post("/api/v2/shareable_links", """
                {"expiry_date": "%s", "limit": 1, "payload": {"media_id": %s, "filename": "m.txt"}}""".formatted(
                                LocalDate.now(ZoneOffset.UTC).plusDays(1), env.get("MEDIA_ID")))
                .body());
        String key = link.get("url").asString().replaceAll(".*/", "");
        assertThat(get(env.get("REDIRECT_MANAGEMENT_URL") + "/api/v2/shareable_links/" + key))
                .as("the management port redeems nothing")
                .isEqualTo(404);
        assertThat(get(link.get("url").asString())).isEqualTo(302);
    }

    private String scrape(String serviceUrl) throws Exception {
        HttpResponse<String> scraped = http.send(
                HttpRequest.newBuilder()
                        .timeout(REQUEST_TIMEOUT)
                        .uri(URI.create(serviceUrl + "/actuator/prometheus"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scraped.statusCode()).isEqualTo(200);
        return scraped.body();
    }

    /** The sum of a metric's samples whose name and labels match {@code series}; 0 if there is none. */
    private static double metric(String scraped, String series) {
        return Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$")
                .matcher(scraped)
                .results()
                // the value is the last group: the series may hold groups of its own
                .mapToDouble(match -> Double.parseDouble(match.group(match.groupCount())))
                .sum();
    }

    @Test
    void aShareTokenServesItsOriginalThenItsRenditionUntilDeactivatedOrDeleted() throws Exception {
        String tokens = env.get("TOKEN_API_URL") + "/api/dam/medias/" + env.get("DAM_MEDIA_ID") + "/share/tokens";
        String user = env.get("DAM_USER") + ":" + env.get("DAM_PASSWORD");
        String admin = env.get("DAM_ADMIN") + ":" + env.get("DAM_ADMIN_PASSWORD");

        // create an HD token with a suffix: 201 with its Location
        HttpResponse<String> created =
                dam("POST", tokens, user, """
                {"title": "Harbour for the press", "exportDefinition": "HD", "suffix": "?iAmASuffix",
                 "templateId": %s, "templateDomainId": %s}""".formatted(env.get("DAM_TEMPLATE_ID"), env.get("DAM_TEMPLATE_DOMAIN_ID")));
        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        JsonNode token = json.readTree(dam("GET", location, user, null).body());
        String tokenValue = token.get("tokenValue").asString();
        String publicUrl = token.get("publicUrl").asString();
        assertThat(publicUrl).isEqualTo(env.get("REDIRECT_URL") + "/share/" + tokenValue + "?iAmASuffix");

        // its public URL redirects to the original's exact bytes (once the redirector has heard of it: ~20 ms)
        await().atMost(Duration.ofSeconds(30)).until(() -> probe(publicUrl) == 200);
        HttpResponse<byte[]> original = download(publicUrl);
        assertThat(LocalStack.sha256(original.body())).isEqualTo(env.get("DAM_HD_SHA256"));
        assertThat(original.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"" + LocalStack.DAM_HD_FILENAME + "\"");

        // updated to BD: the low-definition rendition
        String bd = "{\"title\": \"Harbour preview\", \"exportDefinition\": \"BD\", \"suffix\": \"?iAmASuffix\"";
        assertThat(dam("PUT", tokens + "/" + tokenValue, user, bd + "}").statusCode())
                .isEqualTo(204);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> LocalStack.sha256(download(publicUrl).body()).equals(env.get("DAM_BD_SHA256")));

        // a deactivation date in the past: 404
        assertThat(dam("PUT", tokens + "/" + tokenValue, user, bd + ", \"deactivationDate\": \"2020-01-01T00:00:00Z\"}")
                        .statusCode())
                .isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> probe(publicUrl) == 404);
        assertThat(get(publicUrl)).isEqualTo(404);
        assertThat(dam("GET", location, user, null).body()).contains("\"active\":false");

        // switched back on, then deleted: a reader may not, an administrator may, and the URL is gone
        assertThat(dam("PUT", tokens + "/" + tokenValue, user, bd + "}").statusCode())
                .isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> probe(publicUrl) == 200);
        HttpResponse<String> forbidden = dam("DELETE", tokens + "/" + tokenValue, user, null);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(json.readTree(forbidden.body()).get("code").asString()).isEqualTo("share-token-operation-forbidden");
        assertThat(probe(publicUrl)).isEqualTo(200);
        assertThat(dam("DELETE", tokens + "/" + tokenValue, admin, null).statusCode())
                .isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> probe(publicUrl) == 404);
        assertThat(get(publicUrl)).isEqualTo(404);
        assertThat(dam("GET", location, user, null).statusCode()).isEqualTo(404);

        // the history: created, three updates, deleted; and a download event per redirect handed out
        String kafka = env.get("KAFKA_BOOTSTRAP");
        String subject = String.valueOf(token.get("id").asLong());
        assertThat(TopicReader.readUntil(
                                kafka,
                                Topics.TOKENS,
                                seen -> seen.stream()
                                                .filter(r -> r.key().equals(subject))
                                                .count()
                                        >= 5,
                                Duration.ofSeconds(30))
                        .stream()
                        .filter(r -> r.key().equals(subject))
                        .map(r -> serde.read(r.value()).type()))
                .containsExactly(
                        "sharelinks.share-token.created.v2",
                        "sharelinks.share-token.updated.v2",
                        "sharelinks.share-token.updated.v2",
                        "sharelinks.share-token.updated.v2",
                        "sharelinks.share-token.deleted.v2");
        long tokenId = token.get("id").asLong();
        List<ConsumerRecord<String, byte[]>> downloads = TopicReader.readUntil(
                kafka,
                Topics.DOWNLOADS,
                seen -> tokenDownloads(seen, tokenId) >= tokenRedirects,
                Duration.ofSeconds(30));
        assertThat(tokenDownloads(downloads, tokenId)).isEqualTo(tokenRedirects);
        // the token's value is a capability: no download record carries it
        assertThat(downloads)
                .noneSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8))
                        .contains(tokenValue));
    }

    /** The link's DownloadConsumed records, keyed by its id. */
    private List<ConsumerRecord<String, byte[]>> linkDownloads(
            List<ConsumerRecord<String, byte[]>> records, String linkId) {
        return records.stream()
                .filter(r -> r.key().equals(linkId))
                .filter(r -> serde.read(r.value()).data() instanceof DownloadConsumed)
                .toList();
    }

    /** The share of this link, then its mail outcomes (keyed by the share's id): the events, in topic order. */
    private List<Object> shareOf(List<ConsumerRecord<String, byte[]>> records, long linkId) {
        String shareKey = records.stream()
                .filter(r -> serde.read(r.value()).data() instanceof ShareRequested share
                        && share.links().stream().anyMatch(l -> l.linkId() == linkId))
                .map(ConsumerRecord::key)
                .findFirst()
                .orElse(null);
        return records.stream()
                .filter(r -> r.key().equals(shareKey))
                .map(r -> (Object) serde.read(r.value()).data())
                .toList();
    }

    private long tokenDownloads(List<ConsumerRecord<String, byte[]>> records, long tokenId) {
        return records.stream()
                .map(r -> serde.read(r.value()).data())
                .filter(data -> data instanceof ShareTokenDownloaded downloaded && downloaded.tokenId() == tokenId)
                .count();
    }

    private HttpResponse<String> dam(String method, String url, String credentials, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder()
                .timeout(REQUEST_TIMEOUT)
                .uri(URI.create(url))
                .header(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(
                request.method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Follows the public URL's redirect to S3. */
    private HttpResponse<byte[]> download(String publicUrl) throws Exception {
        String location = redeem(publicUrl);
        tokenRedirects++;
        HttpResponse<byte[]> download = http.send(
                HttpRequest.newBuilder()
                        .timeout(REQUEST_TIMEOUT)
                        .uri(URI.create(location))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        return download;
    }

    private int get(String url) throws Exception {
        return new TestStacks.Client(http, env).status(url);
    }

    private int probe(String url) throws Exception {
        return new TestStacks.Client(http, env).probe(url);
    }

    private String redeem(String url) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder()
                        .timeout(REQUEST_TIMEOUT)
                        .uri(URI.create(url))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(302);
        return response.headers().firstValue("Location").orElseThrow();
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return new TestStacks.Client(http, env).postToLinkApi(path, body);
    }

    /** The mails the SMTP server wrote for these recipients. */
    private static List<Path> emlFiles(Path dir, String... recipients) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p ->
                            Stream.of(recipients).anyMatch(r -> p.toString().endsWith(r + ".eml")))
                    .sorted()
                    .toList();
        }
    }
}
