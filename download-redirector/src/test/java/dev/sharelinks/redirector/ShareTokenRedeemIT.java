package dev.sharelinks.redirector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.ExportDefinition;
import dev.sharelinks.events.ShareTokenCreated;
import dev.sharelinks.events.ShareTokenDeleted;
import dev.sharelinks.events.ShareTokenDownloaded;
import dev.sharelinks.events.ShareTokenUpdated;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Keepeek share tokens' public URLs, served from the projection of token events as token-api publishes them. */
class ShareTokenRedeemIT extends RedirectorIntegrationTest {

    private static final byte[] ORIGINAL = "the original, in high definition\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RENDITION = "the low-definition rendition\n".getBytes(StandardCharsets.UTF_8);
    /** {@code REDEEM_MISS_LIMIT}'s default: misses a client may make per window before 429. */
    private static final int DEFAULT_MISS_LIMIT = 30;

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    int port;

    @Autowired
    private MeterRegistry meters;

    @BeforeAll
    static void files() {
        SharedServers.s3().putObject(BUCKET, HD.objectKey(), ORIGINAL, "image/tiff");
        SharedServers.s3().putObject(BUCKET, BD.objectKey(), RENDITION, "image/jpeg");
    }

    @Test
    void whenTheSuffixHoldsAQueryThenTheWholeUrlRedirectsToTheOriginalAndTheDownloadIsRecorded() throws Exception {
        long tokenId = newTokenId();
        TestToken token = token(ExportDefinition.HD, "?iAmASuffix", false, null, null);
        created(tokenId, token);

        HttpResponse<byte[]> redirect = get("/share/" + token.tokenValue() + "?iAmASuffix");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Cache-Control")).hasValue("no-store");
        HttpResponse<byte[]> download = follow(redirect);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(ORIGINAL);
        assertThat(download.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"harbour.tif\"");

        ShareTokenDownloaded recorded = TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        Topics.DOWNLOADS,
                        seen -> seen.stream().anyMatch(r -> r.key().equals(String.valueOf(tokenId))),
                        Duration.ofSeconds(30))
                .stream()
                .filter(r -> r.key().equals(String.valueOf(tokenId)))
                .map(r -> serde.read(r.value(), ShareTokenDownloaded.class))
                .map(EventEnvelope::data)
                .findFirst()
                .orElseThrow();
        assertThat(recorded)
                .isEqualTo(new ShareTokenDownloaded(
                        tokenId, 2001, ExportDefinition.HD, "127.0.0.1", recorded.userAgent()));
    }

    @Test
    void whenTheTokenIsBdThenItRedirectsToTheLowDefinitionRendition() throws Exception {
        TestToken token = token(ExportDefinition.BD, "/harbour.jpg", false, null, null);
        created(newTokenId(), token);

        HttpResponse<byte[]> download = follow(get("/share/" + token.tokenValue() + "/harbour.jpg"));
        assertThat(download.body()).isEqualTo(RENDITION);
        assertThat(download.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"harbour.jpg\"");
    }

    @Test
    void whenManyFetchATokensUrlAtOnceThenTheyShareGrantStatementsAndEachRedirectIsRecordedOnce() throws Exception {
        long tokenId = newTokenId();
        TestToken token = token(ExportDefinition.HD, null, false, null, null);
        created(tokenId, token);
        DistributionSummary batchSizes = meters.get("sharelinks.redeem.batch.size")
                .tag("route", "share-token")
                .summary();
        long statementsBefore = batchSizes.count();

        int gets = 2_000;
        Semaphore inFlight = new Semaphore(64);
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> answered = new ArrayList<>();
        for (int i = 0; i < gets; i++) {
            inFlight.acquire();
            answered.add(client.sendAsync(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + port + "/share/" + token.tokenValue()))
                                    .timeout(REQUEST_TIMEOUT)
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, failure) -> {
                        inFlight.release();
                        statuses.computeIfAbsent(
                                        response == null ? -1 : response.statusCode(), s -> new AtomicInteger())
                                .incrementAndGet();
                    }));
        }
        CompletableFuture.allOf(answered.toArray(CompletableFuture[]::new)).join();

        assertThat(statuses).containsOnlyKeys(302);
        assertThat(statuses.get(302).get()).isEqualTo(gets);
        assertThat(downloadRecords(List.of(String.valueOf(tokenId)), gets).stream()
                        .map(r -> serde.read(r.value()).eventId())
                        .distinct()
                        .count())
                .isEqualTo(gets);
        // concurrent GETs joined the statements in flight instead of committing one each
        assertThat(batchSizes.count() - statementsBefore)
                .as("grant statements for %d GETs", gets)
                .isLessThanOrEqualTo(gets / 2);
    }

    @Test
    void whenTheSuffixIsWrongMissingOrExtendedThen404() throws Exception {
        TestToken token = token(ExportDefinition.HD, "-press(kit)", false, null, null);
        created(newTokenId(), token);

        assertThat(get("/share/" + token.tokenValue() + "-press(kit)").statusCode())
                .isEqualTo(302);
        // a client may percent-encode what it need not: decoded, it is the same URL
        assertThat(get("/share/" + token.tokenValue() + "-press%28kit%29").statusCode())
                .isEqualTo(302);
        for (String path : List.of(
                token.tokenValue(),
                token.tokenValue() + "-press",
                token.tokenValue() + "-press(kit)x",
                token.tokenValue() + "-press(kit)/",
                token.tokenValue() + "-press(kit)?x",
                "unknown",
                "%C3%28",
                "x".repeat(2000))) {
            HttpResponse<String> response = getRaw(URI.create("http://127.0.0.1:" + port + "/share/" + path));
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(response.body())
                    .isEqualTo("{\"status\":404,\"code\":\"share-token-not-found\","
                            + "\"message\":\"No active share token answers this URL\"}");
        }
        assertThat(get("/share/").statusCode()).isEqualTo(404);
    }

    /**
     * The GET is served by the same Reactor Netty route layer as a link's, outside WebFlux: the whole answer is
     * still the token's, and the request is counted in {@code http.server.requests} under the route's pattern.
     */
    @Test
    void whenATokensUrlIsFetchedThenTheAnswerIsKeepeeksAndTheRequestIsCountedUnderItsPattern() throws Exception {
        TestToken token = token(ExportDefinition.HD, "/harbour.tif", false, null, null);
        created(newTokenId(), token);
        double redirectsBefore = requests("302");
        double missesBefore = requests("404");

        HttpResponse<byte[]> redirect = get("/share/" + token.tokenValue() + "%2Fharbour.tif");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(redirect.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(get("/share").statusCode()).isEqualTo(404);
        HttpResponse<byte[]> browser = client.send(
                HttpRequest.newBuilder()
                        .timeout(REQUEST_TIMEOUT)
                        .uri(URI.create("http://127.0.0.1:" + port + "/share/no-such-token"))
                        .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(browser.statusCode()).isEqualTo(404);
        assertThat(browser.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));

        assertThat(requests("302")).isEqualTo(redirectsBefore + 1);
        assertThat(requests("404")).isEqualTo(missesBefore + 2);
    }

    @Test
    void whenOutsideItsDatesThenOnlyAManuallyActivatedTokenAnswersAndNeverAfterItsDeactivation() throws Exception {
        Instant now = Instant.now();
        TestToken ended = token(ExportDefinition.HD, null, false, null, now.minusSeconds(1));
        TestToken notYet = token(ExportDefinition.HD, null, false, now.plusSeconds(3600), null);
        TestToken within = token(ExportDefinition.HD, null, false, now.minusSeconds(3600), now.plusSeconds(3600));
        TestToken switchedOnEarly =
                token(ExportDefinition.HD, null, true, now.plusSeconds(3600), now.plusSeconds(7200));
        TestToken switchedOnEnded = token(ExportDefinition.HD, null, true, now.minusSeconds(3600), now.minusSeconds(1));
        for (TestToken token : List.of(ended, notYet, within, switchedOnEarly, switchedOnEnded)) {
            created(newTokenId(), token);
        }

        assertThat(get("/share/" + ended.tokenValue()).statusCode()).isEqualTo(404);
        assertThat(get("/share/" + notYet.tokenValue()).statusCode()).isEqualTo(404);
        assertThat(get("/share/" + within.tokenValue()).statusCode()).isEqualTo(302);
        assertThat(get("/share/" + switchedOnEarly.tokenValue()).statusCode())
                .as("on by hand before its activation")
                .isEqualTo(302);
        assertThat(get("/share/" + switchedOnEnded.tokenValue()).statusCode())
                .as("a deactivation date ends access, by hand or not")
                .isEqualTo(404);
        assertThat(head("/share/" + ended.tokenValue())).isEqualTo(404);
        assertThat(head("/share/" + switchedOnEnded.tokenValue())).isEqualTo(404);
    }

    @Test
    void whenTheTokenGrantsNoDownloadThen403AndNothingIsRecorded() throws Exception {
        long tokenId = newTokenId();
        TestToken token = token(ExportDefinition.NOT_GRANTED, null, false, null, null);
        created(tokenId, token);

        HttpResponse<byte[]> refused = get("/share/" + token.tokenValue());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Location")).isEmpty();
        assertThat(new String(refused.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"status\":403,\"code\":\"share-token-download-not-granted\","
                        + "\"message\":\"This share token grants no download\"}");
        assertThat(head("/share/" + token.tokenValue())).isEqualTo(403);
        assertThat(SharedServers.postgres()
                        .query(DATABASE, "SELECT count(*) FROM redirector.outbox WHERE event_key = '" + tokenId + "'"))
                .isEqualTo("0");
    }

    @Test
    void whenALinkPreviewAgentOpensATokensUrlThenItGetsAPreviewPageAndNoDownloadIsRecorded() throws Exception {
        long tokenId = newTokenId();
        TestToken token = token(ExportDefinition.HD, null, false, null, null);
        created(tokenId, token);
        String outboxBefore = outboxSequence();

        for (String agent : List.of(
                "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
                "facebookexternalhit/1.1",
                "WhatsApp/2.23.20.0 A")) {
            HttpResponse<byte[]> preview = get("/share/" + token.tokenValue(), agent);
            String page = new String(preview.body(), StandardCharsets.UTF_8);
            assertThat(preview.statusCode()).as(agent).isEqualTo(200);
            assertThat(preview.headers().firstValue("X-Robots-Tag")).as(agent).isPresent();
            assertThat(page)
                    .as(agent)
                    .contains("<meta property=\"og:title\" content=\"harbour.tif\">")
                    .doesNotContain(HD.objectKey(), "X-Amz", BUCKET);
        }
        assertThat(outboxSequence()).as("no ShareTokenDownloaded written").isEqualTo(outboxBefore);

        assertThat(get("/share/" + token.tokenValue()).statusCode()).isEqualTo(302);
        assertThat(outboxSequence()).isNotEqualTo(outboxBefore);
    }

    @Test
    void whenATokenIsUpdatedOrDeletedThenItsUrlFollows() throws Exception {
        long tokenId = newTokenId();
        TestToken token = token(ExportDefinition.HD, ".tif", false, null, null);
        created(tokenId, token);
        assertThat(follow(get("/share/" + token.tokenValue() + ".tif")).body()).isEqualTo(ORIGINAL);
        assertThat(head("/share/" + token.tokenValue() + ".tif")).isEqualTo(200);

        TestToken bd = token(token.tokenValue(), ExportDefinition.BD, ".jpg", false, null, null);
        publishToken(tokenId, new ShareTokenUpdated(tokenId, bd.state(), 7L), Instant.now());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/share/" + token.tokenValue() + ".jpg").statusCode() == 302);
        assertThat(get("/share/" + token.tokenValue() + ".tif").statusCode()).isEqualTo(404);
        assertThat(follow(get("/share/" + token.tokenValue() + ".jpg")).body()).isEqualTo(RENDITION);

        publishToken(tokenId, new ShareTokenDeleted(tokenId, 2001, 1), Instant.now());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/share/" + token.tokenValue() + ".jpg").statusCode() == 404);
        // kept as deleted, so its path stays known: its late visitors are no guessers, however often they come back
        assertThat(deleted(tokenId)).isEqualTo("t");
        for (int visit = 0; visit <= DEFAULT_MISS_LIMIT; visit++) {
            assertThat(get("/share/" + token.tokenValue() + ".jpg").statusCode())
                    .isEqualTo(404);
        }
        assertThat(head("/share/" + token.tokenValue() + ".jpg")).isEqualTo(404);
    }

    @Test
    void whenTwoTokensClaimOnePathOutOfOrderThenTheLatestClaimHoldsIt() throws Exception {
        // token A had value+suffix P until its suffix changed; token B then took P. B's event arrives first.
        String value = "claimed" + UUID.randomUUID().toString().replace("-", "");
        long a = newTokenId();
        long b = newTokenId();
        Instant start = Instant.now();
        publishToken(
                b,
                new ShareTokenCreated(
                        b,
                        token(value.substring(0, 20), ExportDefinition.BD, value.substring(20), false, null, null)
                                .state(),
                        1),
                start.plusSeconds(2));
        awaitProjected(b);
        publishToken(
                a,
                new ShareTokenCreated(
                        a,
                        token(value, ExportDefinition.HD, null, false, null, null)
                                .state(),
                        1),
                start);
        publishToken(
                a,
                new ShareTokenUpdated(
                        a,
                        token(value, ExportDefinition.HD, "-old", false, null, null)
                                .state(),
                        1L),
                start.plusSeconds(1));
        awaitProjected(a);

        assertThat(follow(get("/share/" + value)).body()).isEqualTo(RENDITION);
        assertThat(follow(get("/share/" + value + "-old")).body()).isEqualTo(ORIGINAL);
    }

    @Test
    void whenAnEventIsDeliveredTwiceThenItAppliesOnce() {
        long tokenId = newTokenId();
        TestToken token = token(ExportDefinition.HD, null, false, null, null);
        byte[] event = serde.serialize(serde.envelope(
                new ShareTokenCreated(tokenId, token.state(), 1), "token-api", String.valueOf(tokenId), Instant.now()));
        publish(Topics.TOKENS, String.valueOf(tokenId), event);
        awaitProjected(tokenId);
        publishToken(tokenId, new ShareTokenDeleted(tokenId, 2001, 1), Instant.now());
        await().atMost(Duration.ofSeconds(30)).until(() -> deleted(tokenId).equals("t"));

        publish(Topics.TOKENS, String.valueOf(tokenId), event);
        TestToken marker = token(ExportDefinition.HD, null, false, null, null);
        long markerId = newTokenId();
        created(markerId, marker);
        assertThat(deleted(tokenId)).isEqualTo("t");
    }

    @Test
    void whenATokensRecordIsNotAnEventThenItGoesToTheDeadLetterTopicAndTheConsumerMovesOn() {
        long tokenId = newTokenId();
        String key = String.valueOf(tokenId);
        // the same key as the token's events: one partition, so the token projected afterwards proves the move on
        publish(Topics.TOKENS, key, "{\"not\": \"an envelope\"}".getBytes(StandardCharsets.UTF_8));
        publish(Topics.TOKENS, key, """
                {"eventId": "%s", "type": "ShareTokenTeleported", "version": 1, "occurredAt": "2026-01-01T00:00:00Z",
                 "source": "token-api", "subject": "%s", "data": {}}""".formatted(UUID.randomUUID(), key).getBytes(StandardCharsets.UTF_8));

        created(tokenId, token(ExportDefinition.HD, null, false, null, null));

        var dead = TopicReader.readUntil(
                SharedServers.kafka().bootstrapServers(),
                Topics.deadLetterOf(Topics.TOKENS),
                seen -> seen.stream().filter(r -> key.equals(r.key())).count() == 2,
                Duration.ofSeconds(30));
        assertThat(dead)
                .filteredOn(r -> key.equals(r.key()))
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .satisfiesExactly(
                        first -> assertThat(first).isEqualTo("{\"not\": \"an envelope\"}"),
                        second -> assertThat(second).contains("ShareTokenTeleported"));
    }

    private static String deleted(long tokenId) {
        return SharedServers.postgres()
                .query(DATABASE, "SELECT deleted FROM redirector.redeemable_tokens WHERE token_id = " + tokenId);
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return get(path, "Java-http-client/17");
    }

    private HttpResponse<byte[]> get(String path, String userAgent) throws Exception {
        return client.send(
                HttpRequest.newBuilder()
                        .timeout(REQUEST_TIMEOUT)
                        .uri(URI.create("http://127.0.0.1:" + port + path))
                        .header("User-Agent", userAgent)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private double requests(String status) {
        return requests(meters, "/share/**", status);
    }

    private static String outboxSequence() {
        return SharedServers.postgres()
                .query(
                        DATABASE,
                        "SELECT pg_sequence_last_value(pg_get_serial_sequence('redirector.outbox', 'seq')::regclass)");
    }

    private int head(String path) throws Exception {
        return client.send(
                        HttpRequest.newBuilder()
                                .timeout(REQUEST_TIMEOUT)
                                .uri(URI.create("http://127.0.0.1:" + port + path))
                                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private HttpResponse<byte[]> follow(HttpResponse<byte[]> redirect) throws Exception {
        assertThat(redirect.statusCode()).isEqualTo(302);
        String location = redirect.headers().firstValue("Location").orElseThrow();
        return client.send(
                HttpRequest.newBuilder()
                        .timeout(REQUEST_TIMEOUT)
                        .uri(URI.create(location))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
