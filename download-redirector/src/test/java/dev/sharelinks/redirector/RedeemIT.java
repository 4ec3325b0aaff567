package dev.sharelinks.redirector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.RawHttp;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

class RedeemIT extends RedirectorIntegrationTest {

    private static final byte[] CONTENT = "the exact bytes of the original\n".getBytes(StandardCharsets.UTF_8);
    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    private int port;

    @Autowired
    private MeterRegistry meters;

    @Test
    void whenALinkIsRedeemedThenItRedirectsToAPresignedUrlThatDownloadsTheExactBytesAsAnAttachment() throws Exception {
        SharedServers.s3().putObject(BUCKET, "media/1/original.bin", CONTENT, "application/octet-stream");
        PublishedLink link = publishLink(
                "media/1/original.bin", "Asset_file_name.bin", 2, Instant.now().plus(Duration.ofDays(1)));

        String location = redeem(link.key());
        assertThat(location)
                .startsWith(SharedServers.s3().endpoint() + "/" + BUCKET + "/media/1/original.bin?")
                .contains(
                        "X-Amz-Algorithm=AWS4-HMAC-SHA256",
                        "X-Amz-Expires=900",
                        "response-content-disposition=attachment");

        HttpResponse<byte[]> download = get(location);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(CONTENT);
        assertThat(download.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"Asset_file_name.bin\"");
    }

    /** With no trusted proxies (the default), a client's X-Forwarded-For is not read: the peer is the client. */
    @Test
    void whenNoProxyIsTrustedThenForwardedHeadersAreNotRead() {
        PublishedLink link =
                publishLink("media/9/original.bin", "nine.bin", 1, Instant.now().plusSeconds(3600));
        http.get()
                .uri("/api/v2/shareable_links/{key}", link.key())
                .header("X-Forwarded-For", "203.0.113.7")
                .header("Forwarded", "for=203.0.113.8")
                .exchange()
                .expectStatus()
                .isFound();

        String key = String.valueOf(link.linkId());
        assertThat(TopicReader.readUntil(
                                SharedServers.kafka().bootstrapServers(),
                                Topics.DOWNLOADS,
                                seen -> seen.stream().anyMatch(r -> r.key().equals(key)),
                                Duration.ofSeconds(30))
                        .stream()
                        .filter(r -> r.key().equals(key))
                        .map(r -> serde.read(r.value(), DownloadConsumed.class)
                                .data()
                                .clientAddress()))
                .containsExactly("127.0.0.1");
    }

    /** What no route answers is still in the vendor's format of its path, never Spring Boot's error body. */
    @Test
    void whenNoRouteAnswersThenTheAnswerIsInTheVendorsFormatOfThePath() throws Exception {
        PublishedLink link = publishLink(
                "media/8/original.bin", "eight.bin", 1, Instant.now().plusSeconds(3600));
        String base = "http://127.0.0.1:" + port;

        HttpResponse<String> trailingSlash = getRaw(URI.create(base + "/api/v2/shareable_links/" + link.key() + "/"));
        assertThat(trailingSlash.statusCode()).isEqualTo(404);
        assertThat(trailingSlash.body()).isEqualTo("{\"error\":\"Link not found or has expired\"}");
        HttpResponse<String> root = getRaw(URI.create(base + "/"));
        assertThat(root.statusCode()).isEqualTo(404);
        assertThat(root.body()).isEqualTo("{\"error\":\"Not Found\"}");
        assertThat(root.headers().firstValue("Content-Type")).hasValue("application/json");
        HttpResponse<String> put = client.send(
                HttpRequest.newBuilder(URI.create(base + "/share/some-token"))
                        .PUT(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.body())
                .isEqualTo("{\"status\":405,\"code\":\"method-not-allowed\"," + "\"message\":\"Method Not Allowed\"}");
        assertThat(put.headers().firstValue("Allow"))
                .hasValueSatisfying(allow -> assertThat(allow).contains("GET"));
        assertThat(redeem(link.key())).as("the link itself still redeems").isNotEmpty();
    }

    /**
     * The GET is served by its own Reactor Netty route, not WebFlux: the whole answer is still MediaPocket's (Rails'
     * 302 with its small HTML body), the key is bound as WebFlux bound it (percent-decoded, the query string not part
     * of it), and the request is counted in {@code http.server.requests}, where the autoscaler and dashboards read it.
     */
    @Test
    void whenALinkIsRedeemedThenTheWholeAnswerIsMediaPocketsAndTheRequestIsCounted() throws Exception {
        PublishedLink link = publishLink(
                "media/7/original.bin", "seven.bin", 1, Instant.now().plusSeconds(3600));
        double redirectsBefore = requests("302");
        double missesBefore = requests("404");
        // one character of the key percent-encoded, and a query string, as mail trackers rewrite links
        String path = "/api/v2/shareable_links/" + link.key().substring(0, 1) + "%"
                + Integer.toHexString(link.key().charAt(1)) + link.key().substring(2) + "?utm_source=mail";

        HttpResponse<String> found = getRaw(URI.create("http://127.0.0.1:" + port + path));
        assertThat(found.statusCode()).isEqualTo(302);
        String location = found.headers().firstValue("Location").orElseThrow();
        assertThat(location).contains("/" + BUCKET + "/media/7/original.bin?", "X-Amz-Signature=");
        assertThat(found.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(found.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
        assertThat(found.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(found.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(found.body())
                .isEqualTo("<html><body>You are being <a href=\"" + location.replace("&", "&amp;")
                        + "\">redirected</a>.</body></html>");
        assertThat(found.headers().firstValueAsLong("Content-Length"))
                .hasValue(found.body().getBytes(StandardCharsets.UTF_8).length);

        HttpResponse<String> usedUp = getRaw(URI.create("http://127.0.0.1:" + port + path));
        assertThat(usedUp.statusCode()).isEqualTo(404);
        assertThat(usedUp.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(usedUp.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(usedUp.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(usedUp.body()).isEqualTo("{\"error\":\"Link not found or has expired\"}");

        assertThat(requests("302")).isEqualTo(redirectsBefore + 1);
        assertThat(requests("404")).isEqualTo(missesBefore + 1);
    }

    @Test
    void whenThePresignedUrlIsTamperedWithThenTheS3ServerRefusesIt() throws Exception {
        SharedServers.s3().putObject(BUCKET, "media/2/original.bin", CONTENT, "application/octet-stream");
        PublishedLink link =
                publishLink("media/2/original.bin", "file.bin", 3, Instant.now().plusSeconds(3600));
        String location = redeem(link.key());

        String signature = location.replaceAll(".*X-Amz-Signature=([0-9a-f]+).*", "$1");
        String forged =
                location.replace(signature, signature.substring(0, 63) + (signature.charAt(63) == '0' ? '1' : '0'));
        assertThat(get(forged).statusCode()).isEqualTo(403);
        String otherName = location.replace("file.bin", "evil.exe");
        assertThat(get(otherName).statusCode()).isEqualTo(403);
        String otherObject = location.replace("media/2/original.bin", "media/1/original.bin");
        assertThat(get(otherObject).statusCode()).isEqualTo(403);
    }

    @Test
    void whenTheLimitIsReachedThenTheLinkAnswers404AndEachGrantIsRecordedAsDownloadConsumed() {
        PublishedLink link = publishLink(
                "media/3/original.bin", "three.bin", 3, Instant.now().plusSeconds(3600));

        redeem(link.key());
        redeem(link.key());
        redeem(link.key());
        http.get()
                .uri("/api/v2/shareable_links/{key}", link.key())
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .contentType("application/json")
                .expectBody()
                .json("{\"error\": \"Link not found or has expired\"}", true);

        List<EventEnvelope<DownloadConsumed>> consumed = TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        Topics.DOWNLOADS,
                        seen -> seen.stream()
                                        .filter(r -> r.key().equals(String.valueOf(link.linkId())))
                                        .count()
                                >= 3,
                        Duration.ofSeconds(30))
                .stream()
                .filter(r -> r.key().equals(String.valueOf(link.linkId())))
                .map(r -> serde.read(r.value(), DownloadConsumed.class))
                .toList();
        assertThat(consumed).extracting(e -> e.data().remaining()).containsExactly(2, 1, 0);
        assertThat(consumed).allSatisfy(e -> {
            assertThat(e.source()).isEqualTo("download-redirector");
            assertThat(e.data().keyDigest()).isEqualTo(CapabilityDigests.hex(link.key()));
            assertThat(e.data().clientAddress()).isEqualTo("127.0.0.1");
        });
        assertThat(consumed).extracting(EventEnvelope::eventId).doesNotHaveDuplicates();
    }

    @Test
    void whenTheLinkIsUnknownExpiredOrRevokedThenItAnswers404() {
        PublishedLink expired =
                publishLink("media/4/original.bin", "x.bin", 5, Instant.now().minusSeconds(1));
        PublishedLink revoked =
                publishLink("media/4/original.bin", "x.bin", 5, Instant.now().plusSeconds(3600));
        revoke(revoked);

        for (String key : List.of(expired.key(), revoked.key(), "invalid_key", "a".repeat(500))) {
            http.get()
                    .uri("/api/v2/shareable_links/{key}", key)
                    .exchange()
                    .expectStatus()
                    .isNotFound()
                    .expectBody()
                    .json("{\"error\": \"Link not found or has expired\"}", true);
        }
        assertThat(SharedServers.postgres()
                        .query(
                                DATABASE,
                                "SELECT remaining FROM redirector.redeemable_links WHERE link_id IN ("
                                        + expired.linkId() + ", " + revoked.linkId() + ")"))
                .isEqualTo("5\n5");
    }

    @Test
    void whenAPublicPathIsMalformedThenItAnswersInItsContractsFormatAndRecordsNothing() throws Exception {
        String outboxBefore = outboxSequence();
        List<String> keys = List.of(
                "%C3%A9t%C3%A9",
                "%00",
                "%0D%0ASet-Cookie:%20stolen=1",
                "..%2F..%2Fadmin",
                "%2e%2e",
                "k".repeat(2000),
                "%F0%9F%94%91",
                "a%20b");
        for (String key : keys) {
            HttpResponse<String> response = raw("/api/v2/shareable_links/" + key);
            assertThat(response.statusCode()).as(key).isEqualTo(404);
            assertThat(response.body()).as(key).isEqualTo("{\"error\":\"Link not found or has expired\"}");
            assertThat(response.headers().firstValue("Set-Cookie")).as(key).isEmpty();
        }
        for (String path : List.of(
                "%C3%A9t%C3%A9",
                "%00",
                "%0D%0ASet-Cookie:%20stolen=1",
                "..%2F..%2Fadmin",
                "a/../../api/v2/shareable_links/x",
                "",
                "k".repeat(2000),
                "%F0%9F%94%91?%00")) {
            HttpResponse<String> response = raw("/share/" + path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).contains("\"code\":\"share-token-not-found\"");
            assertThat(response.headers().firstValue("Set-Cookie")).as(path).isEmpty();
        }
        assertThat(outboxSequence()).isEqualTo(outboxBefore);
    }

    /**
     * Requests no HTTP client sends but anyone can type: a target with an invalid escape, which WebFlux cannot read,
     * and a request line over 4 KB. Each is refused in the format of the route it is under, and spends nothing.
     */
    @Test
    void whenARequestCannotBeReadThenItIsRefusedInItsRoutesFormatAndSpendsNothing() {
        PublishedLink link =
                publishLink("media/9/original.bin", "nine.bin", 5, Instant.now().plusSeconds(3600));
        String path = "/api/v2/shareable_links/" + link.key();
        String outboxBefore = outboxSequence();
        record Refusal(String method, String target, int status, String body) {}
        String longQuery = "?ref=" + "r".repeat(4100);
        for (Refusal refusal : List.of(
                new Refusal("POST", path + "?%%%", 400, "{\"error\":\"Bad Request\"}"),
                new Refusal("HEAD", path + "?%zz", 400, ""),
                new Refusal("OPTIONS", "/share/some-token?%zz", 400, keepeek(400, "bad-request", "Bad Request")),
                new Refusal("GET", "/elsewhere?%", 400, "{\"error\":\"Bad Request\"}"),
                new Refusal("GET", path + longQuery, 414, "{\"error\":\"URI Too Long\"}"),
                new Refusal("HEAD", path + longQuery, 414, ""),
                new Refusal("GET", "/share/" + "t".repeat(4100), 414, keepeek(414, "uri-too-long", "URI Too Long")))) {
            RawHttp.Response answer = RawHttp.exchange(port, refusal.method(), refusal.target(), Map.of());
            String what = refusal.method() + " "
                    + refusal.target()
                            .substring(0, Math.min(80, refusal.target().length()));
            assertThat(answer.status()).as(what).isEqualTo(refusal.status());
            assertThat(answer.body()).as(what).isEqualTo(refusal.body());
            assertThat(answer.header("Content-Type")).as(what).hasValue("application/json");
            assertThat(answer.header("X-Content-Type-Options")).as(what).hasValue("nosniff");
        }
        // the share token's GET reads its target itself: an invalid escape is a URL no token answers
        assertThat(RawHttp.exchange(port, "GET", "/share/some-token?%%%", Map.of())
                        .body())
                .contains("\"code\":\"share-token-not-found\"");
        assertThat(outboxSequence()).isEqualTo(outboxBefore);
        assertThat(SharedServers.postgres()
                        .query(
                                DATABASE,
                                "SELECT remaining FROM redirector.redeemable_links WHERE link_id = " + link.linkId()))
                .isEqualTo("5");
    }

    private static String keepeek(int status, String code, String message) {
        return "{\"status\":" + status + ",\"code\":\"" + code + "\",\"message\":\"" + message + "\"}";
    }

    @Test
    void whenALinkIsProbedWithHeadThenNothingIsConsumed() {
        PublishedLink link =
                publishLink("media/5/original.bin", "x.bin", 1, Instant.now().plusSeconds(3600));

        for (int i = 0; i < 3; i++) {
            http.head()
                    .uri("/api/v2/shareable_links/{key}", link.key())
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectHeader()
                    .doesNotExist("Location");
        }
        redeem(link.key());
        http.head()
                .uri("/api/v2/shareable_links/{key}", link.key())
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    /**
     * Every public answer, whichever server code makes it (the redeem route, WebFlux's controllers, a refusal),
     * forbids content sniffing and sends no referrer; OPTIONS names the methods each public URL answers to.
     */
    @Test
    void everyPublicAnswerForbidsSniffingAndReferrersAndOptionsNamesTheMethods() throws Exception {
        PublishedLink link = publishLink(
                "media/8/original.bin", "eight.bin", 5, Instant.now().plusSeconds(3600));
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + port;
        List<HttpRequest> requests = List.of(
                HttpRequest.newBuilder(URI.create(base + "/api/v2/shareable_links/" + link.key()))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpRequest.newBuilder(URI.create(base + "/api/v2/shareable_links/no-such-key"))
                        .GET()
                        .build(),
                HttpRequest.newBuilder(URI.create(base + "/share/no-such-token"))
                        .GET()
                        .build(),
                HttpRequest.newBuilder(URI.create(base + "/api/v2/shareable_links/" + link.key()))
                        .POST(HttpRequest.BodyPublishers.ofString("nonce=x"))
                        .build(),
                HttpRequest.newBuilder(URI.create(base + "/api/v2/shareable_links/" + link.key()))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpRequest.newBuilder(URI.create(base + "/share/some-token-value"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .build());
        for (HttpRequest request : requests) {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            String what = request.method() + " " + request.uri().getPath() + " answering " + answer.statusCode();
            assertThat(answer.headers().firstValue("X-Content-Type-Options"))
                    .as(what)
                    .hasValue("nosniff");
            assertThat(answer.headers().firstValue("Referrer-Policy")).as(what).hasValue("no-referrer");
        }
        HttpResponse<Void> linkOptions = http.send(requests.get(4), HttpResponse.BodyHandlers.discarding());
        assertThat(linkOptions.statusCode()).isEqualTo(204);
        assertThat(linkOptions.headers().firstValue("Allow")).hasValue("GET,HEAD,POST,OPTIONS");
        HttpResponse<Void> tokenOptions = http.send(requests.get(5), HttpResponse.BodyHandlers.discarding());
        assertThat(tokenOptions.statusCode()).isEqualTo(204);
        assertThat(tokenOptions.headers().firstValue("Allow")).hasValue("GET,HEAD,OPTIONS");
        assertThat(SharedServers.postgres()
                        .query(
                                DATABASE,
                                "SELECT remaining FROM redirector.redeemable_links " + "WHERE link_id = "
                                        + link.linkId()))
                .as("none of these spent")
                .isEqualTo("5");
    }

    /** The path exactly as given, percent-escapes and all. */
    private HttpResponse<String> raw(String path) throws Exception {
        return getRaw(URI.create("http://127.0.0.1:" + port + path));
    }

    /** Moves with every outbox insert, even one rolled back; the rows themselves are deleted once published. */
    private static String outboxSequence() {
        return SharedServers.postgres()
                .query(
                        DATABASE,
                        "SELECT pg_sequence_last_value(pg_get_serial_sequence('redirector.outbox', 'seq')::regclass)");
    }

    @Test
    void whenTheFilenameIsNotAsciiOrHasQuotesThenTheHeaderStaysIntact() throws Exception {
        SharedServers.s3().putObject(BUCKET, "media/6/original.bin", CONTENT, "application/octet-stream");
        PublishedLink accented = publishLink(
                "media/6/original.bin", "Résumé été.pdf", 2, Instant.now().plusSeconds(3600));
        PublishedLink quoted = publishLink(
                "media/6/original.bin", "a\"b\\c;d.pdf", 2, Instant.now().plusSeconds(3600));

        assertThat(get(redeem(accented.key()))
                        .headers()
                        .firstValue("Content-Disposition")
                        .orElseThrow())
                .startsWith("attachment; ")
                .contains("filename*=UTF-8''R%C3%A9sum%C3%A9%20%C3%A9t%C3%A9.pdf");
        assertThat(get(redeem(quoted.key())).headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"a\\\"b\\\\c;d.pdf\"");
    }

    private String redeem(String key) {
        return http.get()
                .uri("/api/v2/shareable_links/{key}", key)
                .exchange()
                .expectStatus()
                .isFound()
                .expectHeader()
                .exists("Location")
                .returnResult(String.class)
                .getResponseHeaders()
                .getLocation()
                .toString();
    }

    private double requests(String status) {
        return requests(meters, "/api/v2/shareable_links/{key}", status);
    }

    private HttpResponse<byte[]> get(String url) throws Exception {
        return client.send(
                HttpRequest.newBuilder()
                        .timeout(REQUEST_TIMEOUT)
                        .uri(URI.create(url))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
