package dev.sharelinks.redirector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.DownloadRepeated;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.LinkCreated;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.RawHttp;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import dev.sharelinks.redirector.visitor.PreviewAgentSamples;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/**
 * A download is a person's: previews, scanners and a person's repeats spend nothing; a landing page spends only
 * through its form; a password is asked there. Against the real redirector, PostgreSQL, Kafka and S3Proxy.
 */
class PersonsDownloadIT extends RedirectorIntegrationTest {

    private static final byte[] CONTENT = "a person's download\n".getBytes(StandardCharsets.UTF_8);
    private static final String OBJECT = "media/person/report.pdf";
    private static final String BROWSER = PreviewAgentSamples.PEOPLE.get(0);
    private static final Pattern NONCE = Pattern.compile("name=\"nonce\" value=\"([^\"]+)\"");
    private static final String PASSWORD = "open sesame";

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @BeforeAll
    static void file() {
        SharedServers.s3().putObject(BUCKET, OBJECT, CONTENT, "application/pdf");
    }

    @Test
    void everyPreviewAgentGetsAPreviewPageThatSpendsNothingAndShowsNoFileUrlThenABrowserGetsTheFile() throws Exception {
        PublishedLink link =
                publishLink(OBJECT, "Quarterly report.pdf", 1, Instant.now().plusSeconds(3600));

        for (Map.Entry<String, String> agent : PreviewAgentSamples.BY_NAME.entrySet()) {
            double before = unspent("preview", agent.getKey());
            HttpResponse<String> preview = get(link.key(), agent.getValue(), null);

            assertThat(preview.statusCode()).as(agent.getKey()).isEqualTo(200);
            assertThat(preview.headers().firstValue("Content-Type"))
                    .as(agent.getKey())
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(preview.headers().firstValue("Cache-Control"))
                    .as(agent.getKey())
                    .hasValue("no-store");
            assertThat(preview.headers().firstValue("X-Robots-Tag"))
                    .as(agent.getKey())
                    .hasValueSatisfying(tag -> assertThat(tag).contains("noindex"));
            assertThat(preview.headers().firstValue("Location"))
                    .as(agent.getKey())
                    .isEmpty();
            assertThat(preview.headers().firstValue("Set-Cookie"))
                    .as(agent.getKey())
                    .isEmpty();
            assertThat(preview.body())
                    .as(agent.getKey())
                    .contains("<meta property=\"og:title\" content=\"Quarterly report.pdf\">")
                    .contains("og:description")
                    .doesNotContain(
                            BUCKET,
                            OBJECT,
                            "X-Amz",
                            SharedServers.s3().endpoint().toString());
            assertThat(unspent("preview", agent.getKey())).as(agent.getKey()).isEqualTo(before + 1);
        }
        assertThat(remaining(link)).isEqualTo(1);

        HttpResponse<String> person = get(link.key(), BROWSER, null);
        assertThat(person.statusCode()).isEqualTo(302);
        assertThat(download(person).body()).isEqualTo(CONTENT);
        assertThat(remaining(link)).isZero();
        assertThat(consumed(link, 1)).hasSize(1);
        HttpResponse<String> late = get(link.key(), PreviewAgentSamples.BY_NAME.get("slack"), null);
        assertThat(late.statusCode()).as("a used-up link's preview").isEqualTo(404);
        assertThat(late.body()).isEqualTo("{\"error\":\"Link not found or has expired\"}");
    }

    @Test
    void aPersonsRepeatWithinTheGracePeriodGetsTheFileAgainSpendingNothingAndIsRecorded() throws Exception {
        PublishedLink link = publishLink(OBJECT, "report.pdf", 1, Instant.now().plusSeconds(3600));

        HttpResponse<String> first = get(link.key(), BROWSER, null);
        assertThat(first.statusCode()).isEqualTo(302);
        String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie)
                .startsWith("sharelinks_receipt=")
                .contains("HttpOnly", "SameSite=Lax", "Path=/api/v2/shareable_links/" + link.key(), "Max-Age=600")
                .doesNotContain("Secure");
        String receipt = setCookie.substring(0, setCookie.indexOf(';'));
        double repeatsBefore = unspent("repeat", "none");

        // the last download is spent: a stranger gets 404, the person who spent it gets the file again
        assertThat(get(link.key(), BROWSER, null).statusCode()).isEqualTo(404);
        for (int reload = 0; reload < 3; reload++) {
            HttpResponse<String> again = get(link.key(), BROWSER, "theme=dark; " + receipt);
            assertThat(again.statusCode()).isEqualTo(302);
            assertThat(again.headers().firstValue("Set-Cookie"))
                    .as("the receipt's time is not extended")
                    .isEmpty();
            assertThat(download(again).body()).isEqualTo(CONTENT);
        }

        assertThat(remaining(link)).isZero();
        assertThat(unspent("repeat", "none")).isEqualTo(repeatsBefore + 3);
        List<EventEnvelope<DownloadRepeated>> repeats = repeated(link, 3);
        assertThat(repeats)
                .hasSize(3)
                .allSatisfy(repeat -> assertThat(repeat.data())
                        .isEqualTo(new DownloadRepeated(
                                link.linkId(), CapabilityDigests.hex(link.key()), "127.0.0.1", BROWSER)));
        assertThat(consumed(link, 1)).hasSize(1);
    }

    @Test
    void aReceiptIsWorthlessOnAnotherLinkAfterItsGracePeriodTamperedOrSignedWithARetiredKey() throws Exception {
        PublishedLink link = publishLink(OBJECT, "report.pdf", 10, Instant.now().plusSeconds(3600));
        PublishedLink other =
                publishLink(OBJECT, "report.pdf", 10, Instant.now().plusSeconds(3600));
        String linksReceipt = receiptOf(get(link.key(), BROWSER, null));
        long inTenMinutes = Instant.now().plusSeconds(590).getEpochSecond();
        String oldKeys = receipt("k1", SIGNING_KEY_1, link.key(), inTenMinutes);
        String valid = receipt("k2", SIGNING_KEY_2, link.key(), inTenMinutes);

        assertThat(get(link.key(), BROWSER, oldKeys).statusCode())
                .as("signed by the rotated-out key k1")
                .isEqualTo(302);
        assertThat(get(link.key(), BROWSER, valid).statusCode())
                .as("forged here as the service signs")
                .isEqualTo(302);
        assertThat(remaining(link)).as("three GETs, one download").isEqualTo(9);

        List<String> worthless = List.of(
                receipt(
                        "k2",
                        SIGNING_KEY_2,
                        link.key(),
                        Instant.now().minusSeconds(1).getEpochSecond()),
                receipt(
                        "k2",
                        SIGNING_KEY_2,
                        link.key(),
                        Instant.now().plusSeconds(3600).getEpochSecond()),
                receipt("k0", "cmV0aXJlZHJldGlyZWRyZXRpcmVkcmV0aXJlZHJldGk=", link.key(), inTenMinutes),
                tampered(valid),
                valid.replace("sharelinks_receipt=", "sharelinks_receipt=" + "1"));
        for (String receipt : worthless) {
            assertThat(get(link.key(), BROWSER, receipt).statusCode())
                    .as(receipt)
                    .isEqualTo(302);
        }
        assertThat(remaining(link)).as("each a normal redeem").isEqualTo(9 - worthless.size());

        assertThat(get(other.key(), BROWSER, linksReceipt).statusCode()).isEqualTo(302);
        assertThat(remaining(other)).as("another link's receipt").isEqualTo(9);
    }

    @Test
    void aLandingPageLinkShowsItsPageToEveryGetAndOnlyItsFormSpendsOnceEach() throws Exception {
        PublishedLink link = publishLink(
                OBJECT,
                "Board minutes.pdf",
                2,
                Instant.parse("2099-01-31T00:00:00Z"),
                new LinkCreated.LandingPage(null));

        String nonce = null;
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> page = get(link.key(), BROWSER, null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(page.body())
                    .contains(
                            "<h1>Board minutes.pdf</h1>",
                            "31 January 2099, 00:00 (UTC)",
                            "<dd>2</dd>",
                            "<form method=\"post\">",
                            "<button type=\"submit\">Download</button>")
                    .doesNotContain(OBJECT, "X-Amz", "type=\"password\"");
            nonce = nonceOf(page);
        }
        assertThat(head(link.key())).isEqualTo(200);
        assertThat(get(link.key(), PreviewAgentSamples.BY_NAME.get("teams"), null)
                        .body())
                .contains("og:title");
        assertThat(remaining(link)).isEqualTo(2);

        HttpResponse<String> spent = post(link.key(), "nonce=" + encode(nonce));
        assertThat(spent.statusCode()).isEqualTo(303);
        assertThat(spent.headers().firstValue("Set-Cookie"))
                .hasValueSatisfying(cookie -> assertThat(cookie).startsWith("sharelinks_receipt="));
        assertThat(download(spent).body()).isEqualTo(CONTENT);
        assertThat(remaining(link)).isEqualTo(1);

        HttpResponse<String> replayed = post(link.key(), "nonce=" + encode(nonce));
        assertThat(replayed.statusCode()).isEqualTo(409);
        assertThat(replayed.body()).contains("already submitted", "<form method=\"post\">");
        assertThat(nonceOf(replayed)).as("a fresh form").isNotEqualTo(nonce);
        String otherLinksNonce = nonceOf(get(
                publishLink(OBJECT, "x.pdf", 1, Instant.now().plusSeconds(60), new LinkCreated.LandingPage(null))
                        .key(),
                BROWSER,
                null));
        for (String refused : List.of(
                "", "password=x", "nonce=", "nonce=" + encode(tampered(nonce)), "nonce=" + encode(otherLinksNonce))) {
            HttpResponse<String> answer = post(link.key(), refused);
            assertThat(answer.statusCode()).as(refused).isEqualTo(400);
            assertThat(answer.body()).as(refused).contains("role=\"alert\"", "Press Download again");
        }
        assertThat(remaining(link)).isEqualTo(1);
        assertThat(consumed(link, 1)).hasSize(1);
    }

    @Test
    void aPasswordLinkRefusesWrongPasswordsThrottlesThatClientOnlyAndOpensForTheRightOne() throws Exception {
        PublishedLink link = passwordLink();

        HttpResponse<String> page = get(link.key(), BROWSER, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("A password-protected file", "type=\"password\"", "<label for=\"password\">")
                .doesNotContain("Secret plans");
        assertThat(get(link.key(), PreviewAgentSamples.BY_NAME.get("slack"), null)
                        .body())
                .contains("A password-protected file")
                .doesNotContain("Secret plans");

        HttpResponse<String> missing = post(link.key(), "nonce=" + encode(nonceOf(page)));
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).contains("Enter the password");
        for (int attempt = 1; attempt <= 5; attempt++) {
            HttpResponse<String> wrong = post(link.key(), form(nonceOf(page), "open sesame!"));
            assertThat(wrong.statusCode()).as("attempt " + attempt).isEqualTo(401);
            assertThat(wrong.headers().firstValue("WWW-Authenticate")).isPresent();
            assertThat(wrong.body())
                    .contains("Wrong password", "type=\"password\"")
                    .doesNotContain("open sesame");
        }
        HttpResponse<String> throttled = post(link.key(), form(nonceOf(page), PASSWORD));
        assertThat(throttled.statusCode())
                .as("the right password, once throttled")
                .isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After").map(Long::parseLong))
                .hasValueSatisfying(seconds -> assertThat(seconds).isBetween(1L, 900L));
        assertThat(throttled.body()).contains("Too many wrong passwords");
        assertThat(remaining(link)).isEqualTo(3);

        RawHttp.Response otherClient = postFrom("127.0.0.2", link.key(), form(nonceOf(page), PASSWORD));
        assertThat(otherClient.status())
                .as("another client of the link is not held back")
                .isEqualTo(303);
        assertThat(otherClient.header("Location"))
                .hasValueSatisfying(it -> assertThat(it).contains("X-Amz-Signature="));
        assertThat(remaining(link)).isEqualTo(2);
        assertThat(postFrom("127.0.0.2", link.key(), form(nonceOf(page), "nope"))
                        .status())
                .isEqualTo(401);
        assertThat(SharedServers.postgres()
                        .query(
                                DATABASE,
                                "SELECT count(*) FROM redirector.password_attempts WHERE key_digest = '\\x"
                                        + CapabilityDigests.hex(link.key()) + "'"))
                .as("one row per client")
                .isEqualTo("2");
    }

    /** No page's form sends these; each reads as a form without fields: refused, nothing spent, no server error. */
    @Test
    void aFormThatCannotBeReadIsRefusedLikeOneWithoutFieldsAndSpendsNothing() throws Exception {
        PublishedLink link = passwordLink();
        HttpResponse<String> page = get(link.key(), BROWSER, null);
        String nonce = encode(nonceOf(page));
        for (String form :
                List.of("nonce=" + nonce + "&password=%zz", "nonce=" + nonce + "&password=" + "p".repeat(20_000), "")) {
            HttpResponse<String> refused = post(link.key(), form);
            String what = form.substring(0, Math.min(60, form.length()));
            assertThat(refused.statusCode()).as(what).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type"))
                    .as(what)
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        }
        assertThat(remaining(link)).isEqualTo(3);
    }

    @Test
    void twoHundredParallelFormsOnALimitOf25GrantExactly25() throws Exception {
        PublishedLink link = publishLink(
                OBJECT, "popular.pdf", 25, Instant.now().plusSeconds(3600), new LinkCreated.LandingPage(null));
        List<String> nonces = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            nonces.add(nonceOf(get(link.key(), BROWSER, null)));
        }

        List<CompletableFuture<HttpResponse<String>>> posts = nonces.stream()
                .map(nonce -> client.sendAsync(
                        postRequest(link.key(), "nonce=" + encode(nonce)), HttpResponse.BodyHandlers.ofString()))
                .toList();
        List<Integer> statuses = posts.stream()
                .map(CompletableFuture::join)
                .map(HttpResponse::statusCode)
                .toList();

        assertThat(statuses.stream().filter(status -> status == 303)).hasSize(25);
        assertThat(statuses.stream().filter(status -> status == 404)).hasSize(175);
        assertThat(remaining(link)).isZero();
        assertThat(consumed(link, 25))
                .hasSize(25)
                .extracting(event -> event.data().remaining())
                .containsExactlyInAnyOrderElementsOf(
                        java.util.stream.IntStream.range(0, 25).boxed().toList());
    }

    /**
     * A recipient's mail carries the link's URL with its reference ({@code ?ref=}): the download's event records it
     * as sent, for link-api to attribute. Only a reference's shape is checked here; anything else counts the
     * download as the plain URL's. A landing page's form posts to the page's URL, so the reference reaches the POST.
     */
    @Test
    void aDownloadThroughARecipientsUrlRecordsItsReferenceAndAMalformedOneIsDropped() throws Exception {
        String ann = "q7Vd2mXr0bN5sK8wYc1ZaA";
        String ben = "Hk3pL9tQ2vW6yB0nE4rU8g";
        PublishedLink plain =
                publishLink(OBJECT, "minutes.pdf", 10, Instant.now().plusSeconds(3600));
        for (String query : List.of(
                "?ref=" + ann,
                "?utm_source=mail&ref=" + ben,
                "?ref=" + ann + "x",
                "?ref=" + ann.replace('q', '.'),
                "?ref=",
                "")) {
            assertThat(get(plain.key() + query, BROWSER, null).statusCode())
                    .as(query)
                    .isEqualTo(302);
        }
        // a query with an invalid escape, which no HTTP client sends but anyone can type: no reference either
        for (String query : List.of("?%%%", "?ref=" + ben + "&x=%zz")) {
            assertThat(RawHttp.exchange(port, "GET", "/api/v2/shareable_links/" + plain.key() + query, Map.of())
                            .status())
                    .as(query)
                    .isEqualTo(302);
        }
        assertThat(consumed(plain, 8))
                .extracting(e -> e.data().recipientRef())
                .containsExactly(ann, ben, null, null, null, null, null, null);

        PublishedLink gated = publishLink(
                OBJECT, "minutes.pdf", 2, Instant.now().plusSeconds(3600), new LinkCreated.LandingPage(null));
        HttpResponse<String> page = get(gated.key() + "?ref=" + ben, BROWSER, null);
        assertThat(page.body()).contains("<form method=\"post\">");
        assertThat(post(gated.key() + "?ref=" + ben, "nonce=" + encode(nonceOf(page)))
                        .statusCode())
                .isEqualTo(303);
        assertThat(consumed(gated, 1))
                .singleElement()
                .satisfies(e -> assertThat(e.data().recipientRef()).isEqualTo(ben));
    }

    @Test
    void aFormToAPlainLinkIsNotAllowedAndOneToAKeyNobodyHasIsNotFound() throws Exception {
        PublishedLink plain = publishLink(OBJECT, "plain.pdf", 1, Instant.now().plusSeconds(3600));

        HttpResponse<String> notAllowed = post(plain.key(), "nonce=x");
        assertThat(notAllowed.statusCode()).isEqualTo(405);
        assertThat(notAllowed.headers().firstValue("Allow")).hasValue("GET,HEAD");
        assertThat(notAllowed.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(notAllowed.body()).isEqualTo("{\"error\":\"Method Not Allowed\"}");
        HttpResponse<String> unknown = post("no-such-key-at-all", "nonce=x");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("{\"error\":\"Link not found or has expired\"}");
        assertThat(remaining(plain)).isEqualTo(1);
    }

    /** "Secret plans.pdf", 3 downloads, behind {@link #PASSWORD}, for an hour. */
    private PublishedLink passwordLink() {
        String hash = PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(PASSWORD);
        return publishLink(
                OBJECT, "Secret plans.pdf", 3, Instant.now().plusSeconds(3600), new LinkCreated.LandingPage(hash));
    }

    private HttpResponse<String> get(String key, String userAgent, @Nullable String cookie) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri(key)).timeout(REQUEST_TIMEOUT).header("User-Agent", userAgent);
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return client.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private int head(String key) throws Exception {
        return client.send(
                        HttpRequest.newBuilder(uri(key))
                                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private HttpResponse<String> post(String key, String form) throws Exception {
        return client.send(postRequest(key, form), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest postRequest(String key, String form) {
        return HttpRequest.newBuilder(uri(key))
                .timeout(REQUEST_TIMEOUT)
                .header("User-Agent", BROWSER)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
    }

    private HttpResponse<byte[]> download(HttpResponse<String> redirect) throws Exception {
        String location = redirect.headers().firstValue("Location").orElseThrow();
        return client.send(
                HttpRequest.newBuilder(URI.create(location)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private URI uri(String key) {
        return URI.create("http://127.0.0.1:" + port + "/api/v2/shareable_links/" + key);
    }

    /** A form POST over a connection from {@code localAddress}: another client address on this machine. */
    private RawHttp.Response postFrom(String localAddress, String key, String form) {
        return RawHttp.exchange(
                new InetSocketAddress(localAddress, 0),
                port,
                "POST",
                "/api/v2/shareable_links/" + key,
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                form.getBytes(StandardCharsets.UTF_8));
    }

    private static String form(String nonce, String password) {
        return "nonce=" + encode(nonce) + "&password=" + encode(password);
    }

    private static String nonceOf(HttpResponse<String> page) {
        Matcher nonce = NONCE.matcher(page.body());
        assertThat(nonce.find()).as("a form in " + page.body()).isTrue();
        return nonce.group(1);
    }

    private static String receiptOf(HttpResponse<String> redirect) {
        String setCookie = redirect.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /**
     * A receipt made here as the wire format says (expiry.keyId.mac, HMAC-SHA256 over the purpose, the key and the
     * expiry, NUL-separated, cut to 16 bytes), to forge what the service would or would not have signed.
     */
    private static String receipt(String keyId, String base64Secret, String linkKey, long expiry) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Secret), "HmacSHA256"));
        byte[] full = mac.doFinal(("download-receipt\0" + linkKey + "\0" + expiry).getBytes(StandardCharsets.UTF_8));
        byte[] cut = java.util.Arrays.copyOf(full, 16);
        return "sharelinks_receipt=" + expiry + "." + keyId + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(cut);
    }

    /** The same value with the first character of its MAC changed. */
    private static String tampered(String signed) {
        int at = signed.lastIndexOf('.') + 1;
        return signed.substring(0, at) + (signed.charAt(at) == 'A' ? 'B' : 'A') + signed.substring(at + 1);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static int remaining(PublishedLink link) {
        return Integer.parseInt(SharedServers.postgres()
                .query(DATABASE, "SELECT remaining FROM redirector.redeemable_links WHERE link_id = " + link.linkId()));
    }

    private double unspent(String reason, String agent) {
        var counter = meters.find("sharelinks.redeem.unspent")
                .tags("route", "link", "reason", reason, "agent", agent)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private List<EventEnvelope<DownloadConsumed>> consumed(PublishedLink link, int expected) {
        return ofLink(link, expected, DownloadConsumed.class);
    }

    private List<EventEnvelope<DownloadRepeated>> repeated(PublishedLink link, int expected) {
        return ofLink(link, expected, DownloadRepeated.class);
    }

    /** The link's events of one type on the downloads topic, read until {@code expected} are there (or 10 s). */
    private <T> List<EventEnvelope<T>> ofLink(PublishedLink link, int expected, Class<T> type) {
        String linkId = String.valueOf(link.linkId());
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(
                SharedServers.kafka().bootstrapServers(),
                Topics.DOWNLOADS,
                seen -> seen.stream()
                                .filter(r -> r.key().equals(linkId))
                                .filter(r ->
                                        type.isInstance(serde.read(r.value()).data()))
                                .count()
                        >= expected,
                Duration.ofSeconds(10));
        return records.stream()
                .filter(r -> r.key().equals(linkId))
                .map(r -> serde.read(r.value()))
                .filter(event -> type.isInstance(event.data()))
                .map(event -> serde.read(serde.serialize(event), type))
                .toList();
    }
}
