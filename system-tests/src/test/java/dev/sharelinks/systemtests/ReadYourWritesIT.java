package dev.sharelinks.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.infra.FreePorts;
import dev.sharelinks.stack.LocalStack;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A link works the moment its create answers, and a token's new state the moment its create or replace answers,
 * on either of two redirector instances (sharing the projection, each consuming some of the partitions); misses of
 * keys that never existed stay cheap; and what a create answers while a redirector's projection is frozen or the
 * broker is away.
 */
// the fault tests last: after a broker restart the consumer groups rebalance for seconds, and a create waiting
// meanwhile answers after its bound, as documented, which the guarantees measured before would count as a miss
@OnTheSharedStack
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadYourWritesIT {

    private static final Pattern URL = Pattern.compile("\"url\":\"([^\"]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Pattern TOKEN_VALUE = Pattern.compile("\"tokenValue\":\"([^\"]+)\"");
    /** link-api's and token-api's wait for the projection, at most (READ_YOUR_WRITES_TIMEOUT's default). */
    private static final Duration BOUND = Duration.ofSeconds(2);

    private static final String SECOND = "download-redirector-2";
    /** Clients creating and redeeming at the same time, as a DAM's users do. */
    private static final int CLIENTS = 4;

    private static LocalStack stack;
    private static Map<String, String> env;
    private static TestStacks.Client client;
    private static String secondRedirector;

    @BeforeAll
    static void addASecondRedirector(LocalStack shared) {
        stack = shared;
        env = stack.env();
        client = new TestStacks.Client(env);
        secondRedirector = stack.startAnother("download-redirector", SECOND, FreePorts.next(), Map.of());
        // its consumers joined the group as it started: the guarantees are measured once the rebalance is done
        stack.awaitConsumersSettled(Duration.ofMinutes(1));
    }

    @AfterAll
    static void stopTheSecondRedirector() {
        if (secondRedirector != null) {
            stack.stopAnother(SECOND);
        }
    }

    @Test
    @Order(1)
    void eachOf500LinksRedeemsTheMomentItsCreateAnswersOnEitherRedirector() throws Exception {
        double timeoutsBefore = linkApiWaits("timeout");
        List<Long> createNanos = Collections.synchronizedList(new ArrayList<>());
        List<String> refused = Collections.synchronizedList(new ArrayList<>());
        TestStacks.inParallel(CLIENTS, 500, i -> {
            long started = System.nanoTime();
            HttpResponse<String> created = client.postToLinkApi("/api/v2/shareable_links", link(1));
            createNanos.add(System.nanoTime() - started);
            assertThat(created.statusCode()).isEqualTo(200);
            String url = onRedirector(group(URL, created.body()), i % 2);
            int status = client.status(url);
            if (status != 302) {
                refused.add(status + " " + url);
            }
        });

        assertThat(refused)
                .as("creates whose wait timed out: %s", linkApiWaits("timeout") - timeoutsBefore)
                .isEmpty();
        assertThat(linkApiWaits("applied")).isGreaterThanOrEqualTo(500);
        System.out.println("500 creates from " + CLIENTS + " clients, each redeemed at once: create p50 "
                + percentile(createNanos, 0.50) + " ms, p99 " + percentile(createNanos, 0.99) + " ms");
    }

    @Test
    @Order(2)
    void aRevokedLinkIsRefusedTheMomentItsRevokeAnswers() throws Exception {
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> created = client.postToLinkApi("/api/v2/shareable_links", link(5));
            String url = onRedirector(group(URL, created.body()), i % 2);
            HttpResponse<String> revoked = client.http()
                    .send(
                            HttpRequest.newBuilder()
                                    .uri(URI.create(env.get("LINK_API_URL") + "/api/v2/shareable_links/"
                                            + group(ID, created.body())))
                                    .header("X-API-KEY", env.get("API_KEY"))
                                    .DELETE()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(revoked.statusCode()).isEqualTo(200);
            assertThat(client.status(url)).as(url).isEqualTo(404);
        }
    }

    @Test
    @Order(3)
    void aTokensUrlServesTheMomentItsCreateAnswersAndItsNewFileTheMomentItsReplaceAnswers() throws Exception {
        String tokens = env.get("TOKEN_API_URL") + "/api/dam/medias/" + env.get("DAM_MEDIA_ID") + "/share/tokens";
        // each round downloads twice through S3: 100 rounds, half on each redirector, check 200 answers
        TestStacks.inParallel(CLIENTS, 100, i -> {
            HttpResponse<String> created = dam(
                    "POST", tokens, """
                    {"title": "Press %d", "exportDefinition": "HD", "templateId": %s, "templateDomainId": %s}""".formatted(i, env.get("DAM_TEMPLATE_ID"), env.get("DAM_TEMPLATE_DOMAIN_ID")));
            assertThat(created.statusCode()).isEqualTo(201);
            String value = group(TOKEN_VALUE, created.body());
            String publicUrl = (i % 2 == 0 ? env.get("REDIRECT_URL") : secondRedirector) + "/share/" + value;
            assertThat(sha256Behind(publicUrl)).as("the original, at once").isEqualTo(env.get("DAM_HD_SHA256"));

            HttpResponse<String> replaced = dam("PUT", tokens + "/" + value, """
                    {"title": "Preview %d", "exportDefinition": "BD"}""".formatted(i));
            assertThat(replaced.statusCode()).isEqualTo(204);
            assertThat(sha256Behind(publicUrl)).as("the rendition, at once").isEqualTo(env.get("DAM_BD_SHA256"));
        });
    }

    @Test
    @Order(4)
    void aThousandMissesOfKeysThatNeverExistedAnswerAtOnceAndTheLimiterStillThrottles() throws Exception {
        List<Long> nanos = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String key = UUID.randomUUID().toString().replace("-", "");
            long started = System.nanoTime();
            // the second redirector: the other tests' misses (links not projected yet) went to the first
            statuses.add(client.status(secondRedirector + "/api/v2/shareable_links/" + key));
            nanos.add(System.nanoTime() - started);
        }

        // REDEEM_MISS_LIMIT: 30 a minute per client and instance, then 429
        assertThat(statuses.subList(0, 30)).containsOnly(404);
        assertThat(statuses.subList(30, 1000)).containsOnly(429);
        System.out.println("1,000 misses of keys that never existed: p50 " + percentile(nanos, 0.50) + " ms, p99 "
                + percentile(nanos, 0.99) + " ms");
    }

    /**
     * Both redirectors frozen (a long pause: their consumers stop where they are, keeping their partitions): a
     * create answers after the bound, and the link redeems once they go on.
     */
    @Test
    @Order(5)
    void whenTheProjectionIsFrozenACreateAnswersAfterTheBoundAndTheLinkRedeemsOnceItGoesOn() throws Exception {
        String url;
        stack.freeze("download-redirector");
        stack.freeze(SECOND);
        try {
            url = createAnsweredAfterTheBound();
        } finally {
            stack.thaw("download-redirector");
            stack.thaw(SECOND);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> client.probe(url) == 200);
        assertThat(client.status(url)).isEqualTo(302);
    }

    /** The broker away: a create answers after the bound, a GET answers 404 meanwhile, and 302 once it is back. */
    @Test
    @Order(6)
    void whenTheBrokerIsAwayACreateAnswersAfterTheBoundAndTheLinkRedeemsOnceItIsBack() throws Exception {
        String url;
        stack.kafka().stop();
        try {
            url = createAnsweredAfterTheBound();
            assertThat(client.probe(url))
                    .as("not projected while the broker is away")
                    .isEqualTo(404);
        } finally {
            stack.kafka().start();
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> client.probe(url) == 200);
        assertThat(client.status(url)).isEqualTo(302);
        // once the consumer groups have settled after the restart, creates are read-your-writes again
        await().atMost(Duration.ofSeconds(90))
                .until(() -> client.status(group(
                                URL,
                                client.postToLinkApi("/api/v2/shareable_links", link(1))
                                        .body()))
                        == 302);
    }

    /** Creates a link whose event cannot be applied now: answered 200 after the bound; its URL. */
    private static String createAnsweredAfterTheBound() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> created = client.postToLinkApi("/api/v2/shareable_links", link(1));
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(BOUND, BOUND.plusSeconds(3));
        return group(URL, created.body());
    }

    /** link-api's count of writes that waited for the projection, by outcome, from its Prometheus endpoint. */
    private static double linkApiWaits(String outcome) throws Exception {
        String metrics = client.get(
                        env.get("LINK_API_MANAGEMENT_URL") + "/actuator/prometheus", TestStacks.REQUEST_TIMEOUT)
                .body();
        Matcher count = Pattern.compile("(?m)^sharelinks_read_your_writes_seconds_count\\{[^}]*outcome=\"" + outcome
                        + "\"[^}]*} (\\S+)$")
                .matcher(metrics);
        return count.find() ? Double.parseDouble(count.group(1)) : 0;
    }

    private static String link(int limit) {
        return """
                {"expiry_date": "%s", "limit": %d, "payload": {"media_id": %s, "filename": "f.txt"}}""".formatted(LocalDate.now(ZoneOffset.UTC).plusDays(1), limit, env.get("MEDIA_ID"));
    }

    /** The link's URL on the first redirector (the one link-api names) or on the second. */
    private static String onRedirector(String url, int which) {
        return which == 0 ? url : url.replace(env.get("REDIRECT_URL"), secondRedirector);
    }

    private static HttpResponse<String> dam(String method, String url, String body) throws Exception {
        String credentials = env.get("DAM_USER") + ":" + env.get("DAM_PASSWORD");
        return client.http()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(TestStacks.REQUEST_TIMEOUT)
                                .header(
                                        "Authorization",
                                        "Basic "
                                                + Base64.getEncoder()
                                                        .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                                .header("Content-Type", "application/json")
                                .method(method, HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** The SHA-256 of what the public URL's redirect serves. */
    private static String sha256Behind(String publicUrl) throws Exception {
        HttpResponse<String> redirect = client.get(publicUrl, TestStacks.REQUEST_TIMEOUT);
        assertThat(redirect.statusCode()).as(publicUrl).isEqualTo(302);
        HttpResponse<byte[]> file = client.http()
                .send(
                        HttpRequest.newBuilder(URI.create(redirect.headers()
                                        .firstValue("Location")
                                        .orElseThrow()))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        return LocalStack.sha256(file.body());
    }

    private static String group(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as(pattern + " in " + text).isTrue();
        return matcher.group(1);
    }

    private static String percentile(List<Long> nanos, double fraction) {
        List<Long> sorted = nanos.stream().sorted(Comparator.naturalOrder()).toList();
        long value = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(fraction * sorted.size()) - 1));
        return String.format("%.1f", value / 1e6);
    }
}
