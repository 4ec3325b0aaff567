package dev.sharelinks.systemtests;

import static dev.sharelinks.systemtests.ShareMails.mailedUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.FreePorts;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.Processes;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the event history is for, on the running stack: a history made through the public APIs (links created,
 * shared, redeemed and revoked; share tokens created, downloaded, replaced and deleted), then the audit replay
 * command run on it as documented, a second redirector rebuilding its projection from it into an empty database, and
 * one request's trace followed across Kafka into the mailer's logs.
 */
class EventHistoryIT {

    private static final Duration REQUEST_TIMEOUT = TestStacks.REQUEST_TIMEOUT;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String LINKS = """
            SELECT encode(key_digest, 'hex'), link_id, bucket, object_key, filename, expires_at, remaining, revoked
            FROM redirector.redeemable_links ORDER BY link_id""";
    private static final String TOKENS = """
            SELECT token_id, encode(path_digest, 'hex'), media_id, export_definition, manual_activate, activation_date,
                   deactivation_date, hd_bucket, hd_key, hd_filename, bd_bucket, bd_key, bd_filename, event_at, deleted
            FROM redirector.redeemable_tokens ORDER BY token_id""";

    // a failed run keeps the stack's folder, with every service's log in logs/
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path stackDir;

    private static LocalStack stack;
    private static Map<String, String> env;
    private static Instant started;
    private static final String TRACE_ID = randomHex(16);
    private static History history;

    /** What the test did, to compare with what the history says. */
    private record History(
            Link sharedLink, Link revokedLink, long deletedToken, long keptToken, List<String> tokenValues) {}

    private record Link(long id, String url) {

        String key() {
            return url.substring(url.lastIndexOf('/') + 1);
        }
    }

    @BeforeAll
    static void makeHistory() throws Exception {
        stack = TestStacks.start(stackDir);
        env = stack.env();
        started = Instant.now();

        Link shared = createLink(3);
        Link revoked = createLink(2);
        HttpResponse<String> share = send(linkApi("/api/v2/shareable_links/share")
                .header("traceparent", "00-" + TRACE_ID + "-" + randomHex(8) + "-01")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"message": "For the audit", "recipients": ["ann@example.test", "ben@example.test"],
                         "shareable_link_ids": [%d]}""".formatted(shared.id()))));
        assertThat(share.statusCode()).isEqualTo(200);
        redeem(shared, 1);
        // then through the URL ann's mail carried: the trail says it was hers
        assertThat(send(HttpRequest.newBuilder(URI.create(mailedUrl(stack, "ann@example.test", shared.url()))))
                        .statusCode())
                .isEqualTo(302);
        redeem(revoked, 1);
        assertThat(send(linkApi("/api/v2/shareable_links/" + revoked.id()).DELETE())
                        .statusCode())
                .isEqualTo(200);

        String tokens = env.get("TOKEN_API_URL") + "/api/dam/medias/" + env.get("DAM_MEDIA_ID") + "/share/tokens";
        String user = env.get("DAM_USER") + ":" + env.get("DAM_PASSWORD");
        JsonNode deleted = createToken(tokens, user, "Press");
        String publicUrl = deleted.get("publicUrl").asString();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> send(HttpRequest.newBuilder(URI.create(publicUrl))
                                        .method("HEAD", HttpRequest.BodyPublishers.noBody()))
                                .statusCode()
                        == 200);
        assertThat(send(HttpRequest.newBuilder(URI.create(publicUrl))).statusCode())
                .isEqualTo(302);
        String value = deleted.get("tokenValue").asString();
        assertThat(dam("PUT", tokens + "/" + value, user, """
                {"title": "Preview", "exportDefinition": "BD", "suffix": "-press"}""").statusCode()).isEqualTo(204);
        String admin = env.get("DAM_ADMIN") + ":" + env.get("DAM_ADMIN_PASSWORD");
        assertThat(dam("DELETE", tokens + "/" + value, admin, null).statusCode())
                .isEqualTo(204);
        JsonNode kept = createToken(tokens, user, "Kept");
        assertThat(dam("PUT", tokens + "/" + kept.get("tokenValue").asString(), user, """
                {"title": "Kept in BD", "exportDefinition": "BD", "suffix": "-kept",
                 "deactivationDate": "2099-01-01T00:00:00Z"}""")
                        .statusCode())
                .isEqualTo(204);
        history = new History(
                shared,
                revoked,
                deleted.get("id").asLong(),
                kept.get("id").asLong(),
                List.of(value, kept.get("tokenValue").asString()));

        // everything is on the topics: 3 link events, 1 share and its 2 mail outcomes, 3 + 1 downloads, 5 token events
        String kafka = env.get("KAFKA_BOOTSTRAP");
        TopicReader.readUntil(kafka, Topics.LINKS, seen -> seen.size() == 3, Duration.ofSeconds(30));
        TopicReader.readUntil(kafka, Topics.SHARES, seen -> seen.size() == 3, Duration.ofSeconds(30));
        TopicReader.readUntil(kafka, Topics.DOWNLOADS, seen -> seen.size() == 4, Duration.ofSeconds(30));
        TopicReader.readUntil(kafka, Topics.TOKENS, seen -> seen.size() == 5, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theAuditReplayTellsWhatHappenedToEveryLinkAndToken() throws Exception {
        Path out = stackDir.resolve("audit");
        Path jar = Path.of(System.getProperty("sharelinks.services.dir", "target/services"), "audit-replay.jar");
        Processes.run(
                List.of(
                        Processes.java(),
                        "-jar",
                        jar.toString(),
                        "--kafka=" + env.get("KAFKA_BOOTSTRAP"),
                        "--out=" + out),
                stackDir.resolve("audit-replay.log"),
                Duration.ofMinutes(2));

        Map<Long, JsonNode> links = byId(out.resolve("links.jsonl"), "linkId");
        assertThat(links)
                .containsOnlyKeys(
                        history.sharedLink().id(), history.revokedLink().id());
        JsonNode shared = links.get(history.sharedLink().id());
        assertThat(shared.get("filename").asString()).isEqualTo(env.get("ASSET_FILENAME"));
        assertThat(shared.get("mediaId").asLong()).isEqualTo(Long.parseLong(env.get("MEDIA_ID")));
        assertThat(shared.get("downloadLimit").asInt()).isEqualTo(3);
        assertThat(shared.get("sharedTo").valueStream().map(JsonNode::asString))
                .containsExactly("ann@example.test", "ben@example.test");
        assertThat(shared.get("downloads").asInt()).isEqualTo(2);
        assertThat(shared.get("downloadedBy").valueStream().map(JsonNode::asString))
                .containsExactly("ann@example.test");
        assertThat(shared.get("remaining").asInt()).isEqualTo(1);
        // what the owner is told: link-api counts the downloads from the same events
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(remainingSaysLinkApi(history.sharedLink()))
                        .isEqualTo(shared.get("remaining").asInt()));
        assertThat(shared.has("revokedAt")).isFalse();
        JsonNode revoked = links.get(history.revokedLink().id());
        assertThat(revoked.get("downloads").asInt()).isEqualTo(1);
        assertThat(revoked.get("remaining").asInt()).isEqualTo(1);
        assertThat(Instant.parse(revoked.get("revokedAt").asString()))
                .isAfter(Instant.parse(revoked.get("lastDownloadAt").asString()));
        assertThat(revoked.get("shares").asInt()).isZero();

        List<JsonNode> trail = Files.readAllLines(out.resolve("audit-trail.jsonl")).stream()
                .map(JSON::readTree)
                .toList();
        assertThat(trail).extracting(e -> e.get("event").asString()).doesNotContain("unreadable");
        assertThat(trail)
                .extracting(e -> Instant.parse(e.get("time").asString()))
                .isSorted()
                .allSatisfy(time -> assertThat(time).isAfter(started).isBefore(Instant.now()));
        List<JsonNode> downloads = trail.stream()
                .filter(e -> e.get("event").asString().equals("download.consumed")
                        && e.get("linkId").asLong() == history.sharedLink().id())
                .toList();
        assertThat(downloads).extracting(e -> e.get("remaining").asInt()).containsExactly(2, 1);
        long shareId = trail.stream()
                .filter(e -> e.get("event").asString().equals("share.requested"))
                .findFirst()
                .orElseThrow()
                .get("shareId")
                .asLong();
        // the plain URL's download is nobody's; the second came through ann's
        assertThat(downloads)
                .extracting(e -> e.path("shareId").asLong() + " "
                        + e.path("recipients").path(0).asString())
                .containsExactly("0 ", shareId + " ann@example.test");
        assertThat(downloads).allSatisfy(e -> {
            assertThat(e.get("clientAddress").asString()).isEqualTo("127.0.0.1");
            assertThat(e.get("userAgent").asString()).startsWith("Java-http-client");
            assertThat(e.get("source").asString()).isEqualTo("download-redirector");
        });
        assertThat(trail)
                .filteredOn(e -> e.get("event").asString().equals("share.requested"))
                .singleElement()
                .satisfies(e -> assertThat(e.get("sharedLinkIds").valueStream().map(JsonNode::asLong))
                        .containsExactly(history.sharedLink().id()));
        assertThat(trail)
                .filteredOn(e -> e.get("event").asString().equals("share.mail-delivered"))
                .extracting(e -> e.get("recipients").get(0).asString())
                .containsExactlyInAnyOrder("ann@example.test", "ben@example.test");
        // the public URLs' secrets stay out of the audit files
        assertThat(Files.readString(out.resolve("audit-trail.csv")))
                .doesNotContain(history.sharedLink().key());

        Map<Long, JsonNode> tokens = byId(out.resolve("tokens.jsonl"), "tokenId");
        assertThat(tokens).containsOnlyKeys(history.deletedToken(), history.keptToken());
        JsonNode deleted = tokens.get(history.deletedToken());
        assertThat(deleted.get("title").asString()).isEqualTo("Preview");
        assertThat(deleted.get("exportDefinition").asString()).isEqualTo("BD");
        assertThat(deleted.get("updates").asInt()).isEqualTo(1);
        assertThat(deleted.get("downloads").asInt()).isEqualTo(1);
        assertThat(deleted.has("deletedAt")).isTrue();
        assertThat(deleted.get("deletedBy").asLong())
                .isNotEqualTo(deleted.get("createdBy").asLong());
        assertThat(tokens.get(history.keptToken()).has("deletedAt")).isFalse();

        assertThat(Files.readAllLines(out.resolve("links.csv"))).hasSize(3);
        assertThat(Files.readAllLines(out.resolve("audit-trail.csv"))).hasSize(trail.size() + 1);
    }

    /**
     * Link keys and token values are bearer capabilities: after creates (retried with an idempotency key), a share
     * and its mails, redeems, a revoke and token creates, updates, downloads and a delete, no row of any service's
     * table and no record of any topic holds one.
     */
    @Test
    void noTableAndNoTopicRecordHoldsAKeyOrATokenValue() {
        PostgresServer postgres = stack.postgres();
        String liveDatabase = env.get("DB_URL").replaceAll(".*/", "");
        String[] capabilities = Stream.concat(
                        Stream.of(
                                history.sharedLink().key(),
                                history.revokedLink().key()),
                        history.tokenValues().stream())
                .toArray(String[]::new);
        // link-api's idempotency_keys holds the answers of the creates, which were retried with a key
        for (String schema : List.of("link_api", "redirector", "token_api", "mailer")) {
            List<String> tables =
                    postgres.query(liveDatabase, """
                            SELECT table_name FROM information_schema.tables
                            WHERE table_schema = '%s' AND table_type = 'BASE TABLE'""".formatted(schema)).lines().toList();
            assertThat(tables).as(schema).isNotEmpty();
            for (String table : tables) {
                String rows = postgres.query(
                        liveDatabase,
                        "SELECT coalesce(string_agg(t::text, ' '), '') FROM " + schema + "." + table + " t");
                assertThat(rows).as(schema + "." + table).doesNotContain(capabilities);
            }
        }
        assertThat(postgres.query(liveDatabase, "SELECT count(*) FROM link_api.idempotency_keys"))
                .isEqualTo("2");
        // 2 LinkCreated and a LinkRevoked; a share and its 2 mails; 3 downloads of links and 1 of a token; 2 tokens
        // created, 2 updated, 1 deleted
        Map<String, Integer> records = Map.of(Topics.LINKS, 3, Topics.SHARES, 3, Topics.DOWNLOADS, 4, Topics.TOKENS, 5);
        for (String topic : records.keySet()) {
            String all = TopicReader.readUntil(
                            env.get("KAFKA_BOOTSTRAP"),
                            topic,
                            seen -> seen.size() == records.get(topic),
                            Duration.ofSeconds(30))
                    .stream()
                    .map(record -> new String(record.value(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("\n"));
            assertThat(all).as(topic).doesNotContain(capabilities);
        }
    }

    @Test
    void aRedirectorWithAnEmptyDatabaseRebuildsTheLiveProjectionFromHistory() {
        PostgresServer postgres = stack.postgres();
        String liveDatabase = env.get("DB_URL").replaceAll(".*/", "");
        String liveLinks = postgres.query(liveDatabase, LINKS);
        String liveTokens = postgres.query(liveDatabase, TOKENS);
        // not a comparison of nothing: the used link has 1 download left, the revoked one is revoked
        assertThat(liveLinks.lines())
                .hasSize(2)
                .anySatisfy(row -> assertThat(row)
                        .startsWith(CapabilityDigests.hex(history.sharedLink().key()))
                        .endsWith("|1|f"))
                .anySatisfy(row -> assertThat(row).endsWith("|1|t"));
        // and the deleted token is kept as deleted
        assertThat(liveTokens.lines())
                .hasSize(2)
                .anySatisfy(row -> assertThat(row)
                        .startsWith(history.keptToken() + "|")
                        .contains("|BD|", "2099-01-01")
                        .endsWith("|f"))
                .anySatisfy(row ->
                        assertThat(row).startsWith(history.deletedToken() + "|").endsWith("|t"));

        postgres.createDatabase("rebuilt");
        stack.startAnother(
                "download-redirector",
                "download-redirector-rebuilt",
                FreePorts.next(),
                Map.of("DB_NAME", "rebuilt", "PROJECTION_CONSUMER_GROUP", "download-redirector-rebuilt"));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(postgres.query("rebuilt", LINKS)).isEqualTo(liveLinks);
            assertThat(postgres.query("rebuilt", TOKENS)).isEqualTo(liveTokens);
        });
    }

    @Test
    void aRequestsTraceCrossesKafkaIntoTheMailersLogs() throws Exception {
        ConsumerRecord<String, byte[]> share = TopicReader.readUntil(
                        env.get("KAFKA_BOOTSTRAP"), Topics.SHARES, seen -> !seen.isEmpty(), Duration.ofSeconds(30))
                .get(0);
        Header traceparent = share.headers().lastHeader("traceparent");
        assertThat(new String(traceparent.value(), StandardCharsets.UTF_8)).startsWith("00-" + TRACE_ID + "-");

        Path mailerLog = Path.of(env.get("LOG_DIR"), "mailer-service.log");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(Files.readAllLines(mailerLog).stream()
                                .filter(line -> line.startsWith("{"))
                                .map(JSON::readTree)
                                .filter(line ->
                                        line.path("message").asString().contains("accepted by the SMTP server")))
                        .hasSize(2)
                        .allSatisfy(line -> {
                            assertThat(line.get("traceId").asString()).isEqualTo(TRACE_ID);
                            assertThat(line.get("service").get("name").asString())
                                    .isEqualTo("mailer-service");
                        }));
    }

    private static Link createLink(int limit) throws Exception {
        HttpResponse<String> created = send(linkApi("/api/v2/shareable_links")
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", randomHex(8))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"expiry_date": "%s", "limit": %d,
                         "payload": {"media_id": %s, "asset_id": "%s", "filename": "%s"}}""".formatted(
                                LocalDate.now(ZoneOffset.UTC).plusDays(1),
                                limit,
                                env.get("MEDIA_ID"),
                                env.get("ASSET_ID"),
                                env.get("ASSET_FILENAME")))));
        assertThat(created.statusCode()).isEqualTo(200);
        JsonNode link = JSON.readTree(created.body());
        return new Link(link.get("id").asLong(), link.get("url").asString());
    }

    private static void redeem(Link link, int times) throws Exception {
        String url = link.url();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> send(HttpRequest.newBuilder(URI.create(url))
                                        .method("HEAD", HttpRequest.BodyPublishers.noBody()))
                                .statusCode()
                        == 200);
        for (int i = 0; i < times; i++) {
            assertThat(send(HttpRequest.newBuilder(URI.create(url))).statusCode())
                    .isEqualTo(302);
        }
    }

    private static int remainingSaysLinkApi(Link link) throws Exception {
        return JSON.readTree(send(linkApi("/api/v2/shareable_links/" + link.id() + "/info"))
                        .body())
                .get("remaining")
                .asInt();
    }

    private static JsonNode createToken(String tokens, String user, String title) throws Exception {
        HttpResponse<String> created = dam("POST", tokens, user, """
                {"title": "%s", "exportDefinition": "HD", "suffix": "-%s", "templateId": %s,
                 "templateDomainId": %s}""".formatted(
                        title, title.toLowerCase(), env.get("DAM_TEMPLATE_ID"), env.get("DAM_TEMPLATE_DOMAIN_ID")));
        assertThat(created.statusCode()).isEqualTo(201);
        return JSON.readTree(dam("GET", created.headers().firstValue("Location").orElseThrow(), user, null)
                .body());
    }

    private static HttpResponse<String> dam(String method, String url, String credentials, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request.method(
                method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpRequest.Builder linkApi(String path) {
        return HttpRequest.newBuilder(URI.create(env.get("LINK_API_URL") + path))
                .header("X-API-KEY", env.get("API_KEY"));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<Long, JsonNode> byId(Path jsonLines, String idField) throws Exception {
        return Files.readAllLines(jsonLines).stream()
                .map(JSON::readTree)
                .collect(Collectors.toMap(node -> node.get(idField).asLong(), node -> node));
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
