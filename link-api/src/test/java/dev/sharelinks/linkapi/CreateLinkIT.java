package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.LinkCreated;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.RawHttp;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

class CreateLinkIT extends LinkApiIntegrationTest {

    @LocalServerPort
    int port;

    private TestAccount account;

    @BeforeEach
    void account() {
        account = newAccount("bucket-create");
    }

    @Test
    void whenTheRequestIsValidThenTheLinkIsCreatedAndLinkCreatedIsPublished() {
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) post(account, "/api/v2/shareable_links", """
                {"expiry_date": "2099-11-28", "limit": 5,
                 "payload": {"asset_id": "asset-4", "filename": "test_file", "media_id": 4}}""")
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();

        assertThat(body).containsOnlyKeys("id", "url", "filename").containsEntry("filename", "test_file");
        String url = (String) body.get("url");
        assertThat(url).startsWith("http://redirector.test/api/v2/shareable_links/");
        String key = url.substring(url.lastIndexOf('/') + 1);
        assertThat(key).matches("[A-Za-z0-9_-]{32}");

        long id = ((Number) body.get("id")).longValue();
        EventEnvelope<LinkCreated> event = publishedLinkCreated(id);
        assertThat(event.source()).isEqualTo("link-api");
        assertThat(event.subject()).isEqualTo(String.valueOf(id));
        assertThat(event.data())
                .isEqualTo(new LinkCreated(
                        id,
                        CapabilityDigests.hex(key),
                        account.id(),
                        4,
                        "asset-4",
                        "bucket-create",
                        "media/4/original.bin",
                        "test_file",
                        Instant.parse("2099-11-29T00:00:00Z"),
                        5,
                        null,
                        "en"));
        // the key is a capability: the event carries its digest, and neither the key nor the URL
        assertThat(new String(publishedRecord(id).value(), StandardCharsets.UTF_8))
                .doesNotContain(key);
    }

    @Test
    void whenExpiryIsTodayThenTheLinkWorksUntilTheEndOfTheDayInUtc() {
        long id = ((Number) post(account, "/api/v2/shareable_links", """
                {"expiry_date": "%s", "limit": 1, "payload": {"media_id": "4", "filename": "f"}}""".formatted(LocalDate.now(ZoneOffset.UTC)))
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody()
                        .get("id"))
                .longValue();

        assertThat(publishedLinkCreated(id).data().expiresAt())
                .isEqualTo(LocalDate.now(ZoneOffset.UTC)
                        .plusDays(1)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant());
    }

    @Test
    void whenExpiryIsATimestampThenItIsTheExactExpiry() {
        long id = ((Number) post(account, "/api/v2/shareable_links", """
                {"expiry_date": "2099-06-01T12:30:00+02:00", "limit": 1, "payload": {"media_id": 4, "filename": "f"}}""")
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody()
                        .get("id"))
                .longValue();

        assertThat(publishedLinkCreated(id).data().expiresAt()).isEqualTo(Instant.parse("2099-06-01T10:30:00Z"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {}                                                                   | Missing parameters: expiry_date, limit, payload
            {"expiry_date": "2099-01-01", "limit": 5, "payload": {}}            | Missing parameters: payload[media_id], payload[filename]
            {"expiry_date": null, "limit": 5, "payload": {"media_id": 4, "filename": "f"}} | Missing parameters: expiry_date
            {"expiry_date": 20991128, "limit": 5, "payload": {"media_id": 4, "filename": "f"}} | expiry_date must be a String
            {"expiry_date": "next week", "limit": 5, "payload": {"media_id": 4, "filename": "f"}} | expiry_date must be a date (YYYY-MM-DD) or an ISO-8601 timestamp with offset
            {"expiry_date": "2020-01-01", "limit": 5, "payload": {"media_id": 4, "filename": "f"}} | expiry_date must not be in the past
            {"expiry_date": "+99999-01-01", "limit": 5, "payload": {"media_id": 4, "filename": "f"}} | expiry_date must be at most 36500 days ahead
            {"expiry_date": "2200-01-01T00:00:00Z", "limit": 5, "payload": {"media_id": 4, "filename": "f"}} | expiry_date must be at most 36500 days ahead
            {"expiry_date": "2099-01-01", "limit": 5, "payload": {"media_id": 4, "filename": ".."}} | payload[filename] must not be '.' or '..'
            {"expiry_date": "2099-01-01", "limit": 5, "payload": {"media_id": 4, "filename": "report\u202Efdp.exe"}} | payload[filename] must not contain control, bidirectional-override, line-separator or byte-order-mark characters
            {"expiry_date": "2099-01-01", "limit": "five", "payload": {"media_id": 4, "filename": "f"}} | limit must be an Integer
            {"expiry_date": "2099-01-01", "limit": 2.5, "payload": {"media_id": 4, "filename": "f"}} | limit must be an Integer
            {"expiry_date": "2099-01-01", "limit": 0, "payload": {"media_id": 4, "filename": "f"}} | limit must be at least 1
            {"expiry_date": "2099-01-01", "limit": 99999999999, "payload": {"media_id": 4, "filename": "f"}} | limit is out of range
            {"expiry_date": "2099-01-01", "limit": 5, "payload": "media 4"}    | payload must be a Hash
            {"expiry_date": "2099-01-01", "limit": 5, "payload": {"media_id": "four", "filename": "f"}} | payload[media_id] must be an Integer
            {"expiry_date": "2099-01-01", "limit": 5, "payload": {"media_id": 4, "filename": 7}} | payload[filename] must be a String
            {"expiry_date": "2099-01-01", "limit": 5, "payload": {"media_id": 4, "filename": " "}} | payload[filename] must not be empty
            {"expiry_date": "2099-01-01", "limit": 5, "payload": {"media_id": 4, "filename": "a\\r\\nX-Evil: 1"}} | payload[filename] must not contain control, bidirectional-override, line-separator or byte-order-mark characters
            {"expiry_date": "2099-01-01", "limit": 5, "payload": {"media_id": 4, "filename": "f", "asset_id": 9}} | payload[asset_id] must be a String
            [1, 2]                                                               | Missing parameters: expiry_date, limit, payload
            {"expiry_date": "2099-01-01", "limit": 5, "payload": {"media_id": 4, "filename": "f"}, "landing_page": "yes"} | landing_page must be a Boolean
            {"expiry_date": "2099-01-01", "limit": 5, "payload": {"media_id": 4, "filename": "f"}, "password": 1234} | password must be a String
            {"expiry_date": "2099-01-01", "limit": 5, "payload": {"media_id": 4, "filename": "f"}, "password": ""} | password must not be empty
            {"expiry_date": "2099-01-01", "limit": 5, "payload": {"media_id": 4, "filename": "f"}, "password": "a\\u0007b"} | password must not contain control characters
            {"expiry_date": "2099-01-01", "limit": 5, "payload": {"media_id": 4, "filename": "f"}, "password": "ééééééééééééééééééééééééééééééééééééé"} | password must be at most 72 bytes in UTF-8
            {"expiry_date": "2099-01-01", "limit": 5, "payload": {"media_id": 4, "filename": "f"}, "password": "s3cret", "landing_page": false} | password needs landing_page: a password is asked on the landing page
            """)
    void whenParametersAreMissingOrWrongThenItAnswers422NamingThemAndWritesNothing(String json, String error) {
        String linksBefore = count("links");
        String outboxBefore = count("outbox");

        post(account, "/api/v2/shareable_links", json)
                .expectStatus()
                .isEqualTo(422)
                .expectBody()
                .json("{\"error\": \"" + error + "\"}", true);

        assertThat(count("links")).isEqualTo(linksBefore);
        assertThat(count("outbox")).isEqualTo(outboxBefore);
    }

    @Test
    void whenMissingAndWrongParametersMixThenOneAnswerNamesThemAll() {
        post(account, "/api/v2/shareable_links", """
                {"limit": "x", "payload": {"filename": "f"}}""")
                .expectStatus()
                .isEqualTo(422)
                .expectBody()
                .json("""
                        {"error": "Missing parameters: expiry_date, payload[media_id]; limit must be an Integer"}""", true);
    }

    @Test
    void whenTheMediaIsUnknownOrTheAssetIdDoesNotMatchThenAssetNotFound() {
        for (String payload : new String[] {
            "{\"media_id\": 5, \"filename\": \"f\"}",
            "{\"media_id\": 4, \"asset_id\": \"invalid_id\", \"filename\": \"f\"}"
        }) {
            post(
                            account,
                            "/api/v2/shareable_links",
                            "{\"expiry_date\": \"2099-01-01\", \"limit\": 5, \"payload\": " + payload + "}")
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .json("{\"error\": \"asset not found\"}", true);
        }
    }

    @Test
    void whenTheMediaBelongsToAnotherAccountThenAssetNotFound() {
        TestAccount other = newAccount("bucket-other");
        http.put()
                .uri("/admin/accounts/{id}/assets/77", other.id())
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("assetId", "theirs", "objectKey", "x"))
                .exchange()
                .expectStatus()
                .isOk();

        post(account, "/api/v2/shareable_links", """
                {"expiry_date": "2099-01-01", "limit": 5, "payload": {"media_id": 77, "filename": "f"}}""")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .json("{\"error\": \"asset not found\"}", true);
    }

    @Test
    void whenTheBodyIsNotJsonThenItAnswers400InTheContractFormat() {
        post(account, "/api/v2/shareable_links", "{\"expiry_date\": ")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .json("{\"error\": \"Malformed JSON body\"}", true);
    }

    /** Jackson would keep the last of a name given twice, where a proxy or a log might read the first. */
    @Test
    void whenTheBodyNamesAParameterTwiceThenItIsMalformedJsonAndNothingIsCreated() {
        String links = count("links WHERE account_id = " + account.id());
        for (String twice : List.of("""
                {"expiry_date": "2099-01-01", "limit": 1, "limit": 500, "payload": {"media_id": 4, "filename": "a"}}""", """
                {"expiry_date": "2099-01-01", "limit": 1, "payload": {"media_id": 4, "filename": "a", "filename": "b"}}""")) {
            post(account, "/api/v2/shareable_links", twice)
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .json("{\"error\": \"Malformed JSON body\"}", true);
        }
        assertThat(count("links WHERE account_id = " + account.id())).isEqualTo(links);
    }

    /** Jackson would read the overlong C0 AE as "." and an encoded surrogate as a character: refused before it. */
    @Test
    void whenTheBodyIsNotWellFormedUtf8ThenItIsMalformedJsonAndNothingIsCreated() {
        String links = count("links WHERE account_id = " + account.id());
        for (String notUtf8 : List.of("C0AE", "EDA080", "E282", "FF")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(("{\"expiry_date\": \"2099-01-01\", \"limit\": 5, "
                            + "\"payload\": {\"media_id\": 4, \"filename\": \"a")
                    .getBytes(StandardCharsets.UTF_8));
            body.writeBytes(HexFormat.of().parseHex(notUtf8));
            body.writeBytes("pdf\"}}".getBytes(StandardCharsets.UTF_8));
            http.post()
                    .uri("/api/v2/shareable_links")
                    .header("X-API-KEY", account.apiKey())
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body.toByteArray())
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .json("{\"error\": \"Malformed JSON body\"}", true);
        }
        assertThat(count("links WHERE account_id = " + account.id())).isEqualTo(links);
    }

    /**
     * A target with an invalid escape, which no HTTP client sends but anyone can type: Spring's adapter would answer
     * it with an empty 400 before any handler; MediaPocket's format under its paths, a problem detail elsewhere.
     */
    @Test
    void whenTheRequestTargetIsNotAValidUriThenItIs400InTheContractFormat() {
        RawHttp.Response vendor = RawHttp.exchange(
                port, "GET", "/api/v2/shareable_links/1/info?%zz", Map.of("X-API-KEY", account.apiKey()));
        assertThat(vendor.status()).isEqualTo(400);
        assertThat(vendor.header("Content-Type")).hasValue("application/json");
        assertThat(vendor.body()).isEqualTo("{\"error\":\"Bad Request\"}");
        RawHttp.Response admin = RawHttp.exchange(port, "GET", "/admin/accounts/%", Map.of());
        assertThat(admin.status()).isEqualTo(400);
        assertThat(admin.header("Content-Type")).hasValue("application/problem+json");
        assertThat(admin.body()).contains("\"status\":400", "\"title\":\"Bad Request\"");
    }

    /**
     * A header value with a control character (U+0085, as the UTF-8 of non-ASCII text such as "ключ" holds) is
     * rejected by Spring Security's firewall when it is read: in a handler's header argument that was a 500, in the
     * security filters an empty 400.
     */
    @Test
    void whenAHeaderHoldsAControlCharacterThenItIs400InTheContractFormatAndNothingIsCreated() {
        String links = count("links WHERE account_id = " + account.id());
        byte[] json = """
                {"expiry_date": "2099-01-01", "limit": 1, "payload": {"media_id": 4, "filename": "f"}}""".getBytes(StandardCharsets.UTF_8);

        RawHttp.Response create = RawHttp.exchange(
                null,
                port,
                "POST",
                "/api/v2/shareable_links",
                Map.of(
                        "X-API-KEY", account.apiKey(),
                        "Content-Type", "application/json",
                        "Idempotency-Key", "k\u0085ey"),
                json);
        assertThat(create.status()).isEqualTo(400);
        assertThat(create.header("Content-Type")).hasValue("application/json");
        assertThat(create.body()).isEqualTo("{\"error\":\"Bad Request\"}");
        assertThat(count("links WHERE account_id = " + account.id())).isEqualTo(links);

        RawHttp.Response admin =
                RawHttp.exchange(port, "GET", "/admin/accounts/1", Map.of("Authorization", "Bearer \u0085"));
        assertThat(admin.status()).isEqualTo(400);
        assertThat(admin.header("Content-Type")).hasValue("application/problem+json");
        assertThat(admin.body()).contains("\"status\":400", "\"title\":\"Bad Request\"");
    }

    /** Nothing decodes a compressed body: read as JSON, it was "malformed", and a plain one labelled gzip passed. */
    @Test
    void whenTheBodyHasAContentCodingThenItIs415AndNothingIsCreated() throws Exception {
        String links = count("links WHERE account_id = " + account.id());
        String json = """
                {"expiry_date": "2099-01-01", "limit": 1, "payload": {"media_id": 4, "filename": "f"}}""";
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
            gzip.write(json.getBytes(StandardCharsets.UTF_8));
        }
        for (byte[] body : List.of(gzipped.toByteArray(), json.getBytes(StandardCharsets.UTF_8))) {
            http.post()
                    .uri("/api/v2/shareable_links")
                    .header("X-API-KEY", account.apiKey())
                    .header("Content-Encoding", "gzip")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchange()
                    .expectStatus()
                    .isEqualTo(415)
                    .expectBody()
                    .json("{\"error\": \"Unsupported Media Type\"}", true);
        }
        assertThat(count("links WHERE account_id = " + account.id())).isEqualTo(links);
    }

    /** RFC 9110 lets a server disregard an Accept header it cannot read; refusing it left an empty 406. */
    @Test
    void whenTheAcceptHeaderIsNotAListOfMediaTypesThenItIsDisregarded() {
        http.post()
                .uri("/api/v2/shareable_links")
                .header("X-API-KEY", account.apiKey())
                .header("Accept", ";;;")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"expiry_date": "2099-01-01", "limit": 1, "payload": {"media_id": 4, "filename": "f"}}""")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentType(MediaType.APPLICATION_JSON);
        http.get()
                .uri("/api/v2/shareable_links/999999999/info")
                .header("X-API-KEY", account.apiKey())
                .header("Accept", "text/html;q=x;;")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .json("{\"error\": \"Link not found\"}", true);
    }

    /** An unmapped path or a method a path does not take, under MediaPocket's paths: MediaPocket's format still. */
    @Test
    void whenNoRouteAnswersThenTheRefusalIsInMediaPocketsFormat() {
        http.get()
                .uri("/api/v2/no_such_resource")
                .header("X-API-KEY", account.apiKey())
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .json("{\"error\": \"Not Found\"}", true);
        http.put()
                .uri("/api/v2/shareable_links")
                .header("X-API-KEY", account.apiKey())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}")
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectHeader()
                .value("Allow", allow -> assertThat(allow).contains("POST"))
                .expectBody()
                .json("{\"error\": \"Method Not Allowed\"}", true);
        http.get()
                .uri("/api/v2/shareable_links/1/info?padding={padding}", "x".repeat(5000))
                .header("X-API-KEY", account.apiKey())
                .exchange()
                .expectStatus()
                .isEqualTo(414)
                .expectBody()
                .json("{\"error\": \"URI Too Long\"}", true);
    }

    @Test
    void whenTheBodyIsHugeThenItAnswers413() {
        post(account, "/api/v2/shareable_links", "{\"pad\": \"" + "x".repeat(200_000) + "\"}")
                .expectStatus()
                .isEqualTo(413)
                .expectBody()
                .json("{\"error\": \"Request body too large\"}", true);
    }

    @ParameterizedTest(name = "POST {0}")
    @CsvSource({
        "/api/v2/shareable_links, text/plain",
        "/api/v2/shareable_links/share, text/plain",
        // what a client of the seed's payload[media_id] notation might send
        "/api/v2/shareable_links, application/x-www-form-urlencoded",
        "/api/v2/shareable_links/share, application/x-www-form-urlencoded"
    })
    void whenTheBodyIsNotDeclaredJsonThenItAnswers415InTheContractFormatAndRecordsNothing(
            String path, String contentType) {
        String links = count("links");
        String shares = count("shares");

        http.post()
                .uri(path)
                .header("X-API-KEY", account.apiKey())
                .contentType(MediaType.parseMediaType(contentType))
                .bodyValue("{\"expiry_date\": \"2099-01-01\", \"limit\": 1, \"payload\": {\"media_id\": 4, "
                        + "\"filename\": \"f\"}}")
                .exchange()
                .expectStatus()
                .isEqualTo(415)
                .expectHeader()
                .contentType(MediaType.APPLICATION_JSON)
                .expectBody()
                .json("{\"error\": \"Content-Type must be application/json\"}", true);

        assertThat(count("links")).isEqualTo(links);
        assertThat(count("shares")).isEqualTo(shares);
    }

    /**
     * The extensions: a plain vendor client's answer is unchanged ({@code id, url, filename}); the event carries
     * the landing page and the password's bcrypt hash, and neither the event nor the database holds the password.
     */
    @Test
    void whenALinkHasAPasswordThenOnlyItsSlowHashIsKeptAndTheLinkShowsALandingPage() {
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) post(account, "/api/v2/shareable_links", """
                {"expiry_date": "2099-01-01", "limit": 2, "payload": {"media_id": 4, "filename": "f.pdf"},
                 "password": "correct horse battery"}""")
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(body).containsOnlyKeys("id", "url", "filename");
        long id = ((Number) body.get("id")).longValue();

        LinkCreated.LandingPage landingPage = publishedLinkCreated(id).data().landingPage();
        assertThat(landingPage).isNotNull();
        assertThat(landingPage.passwordHash()).startsWith("{bcrypt}$2a$10$");
        assertThat(PasswordEncoderFactories.createDelegatingPasswordEncoder()
                        .matches("correct horse battery", landingPage.passwordHash()))
                .isTrue();
        assertThat(new String(publishedRecord(id).value(), StandardCharsets.UTF_8))
                .doesNotContain("correct horse battery");
        assertThat(SharedServers.postgres()
                        .query(
                                DATABASE,
                                "SELECT count(*) FROM link_api.links WHERE "
                                        + "password_hash LIKE '%correct horse%' OR filename LIKE '%correct horse%'"))
                .isEqualTo("0");
        http.get()
                .uri("/api/v2/shareable_links/{id}/info", id)
                .header("X-API-KEY", account.apiKey())
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.landing_page")
                .isEqualTo(true)
                .jsonPath("$.password_protected")
                .isEqualTo(true);
    }

    @Test
    void whenTheAccountDefaultsToLandingPagesThenACreateThatDoesNotSayGetsOne() {
        http.patch()
                .uri("/admin/accounts/{id}", account.id())
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"landingPage\": true}")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.landingPage")
                .isEqualTo(true);
        String create = """
                {"expiry_date": "2099-01-01", "limit": 1, "payload": {"media_id": 4, "filename": "f"}%s}""";

        long byDefault = createdId(create.formatted(""));
        long optedOut = createdId(create.formatted(", \"landing_page\": false"));

        assertThat(publishedLinkCreated(byDefault).data().landingPage()).isEqualTo(new LinkCreated.LandingPage(null));
        assertThat(publishedLinkCreated(optedOut).data().landingPage()).isNull();
        http.get()
                .uri("/api/v2/shareable_links/{id}/info", optedOut)
                .header("X-API-KEY", account.apiKey())
                .exchange()
                .expectBody()
                .jsonPath("$.landing_page")
                .isEqualTo(false)
                .jsonPath("$.password_protected")
                .isEqualTo(false);
    }

    private long createdId(String json) {
        return ((Number) post(account, "/api/v2/shareable_links", json)
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody()
                        .get("id"))
                .longValue();
    }

    private EventEnvelope<LinkCreated> publishedLinkCreated(long linkId) {
        return new EventSerde().read(publishedRecord(linkId).value(), LinkCreated.class);
    }

    private ConsumerRecord<String, byte[]> publishedRecord(long linkId) {
        var records = TopicReader.readUntil(
                SharedServers.kafka().bootstrapServers(),
                Topics.LINKS,
                seen -> seen.stream().anyMatch(r -> r.key().equals(String.valueOf(linkId))),
                Duration.ofSeconds(30));
        ConsumerRecord<String, byte[]> record = records.stream()
                .filter(r -> r.key().equals(String.valueOf(linkId)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no LinkCreated for link " + linkId));
        assertThat(new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
                .isEqualTo("sharelinks.link.created.v2");
        return record;
    }
}
