package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.DownloadRepeated;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.ShareRequested;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The download log as link-api builds it from the downloads topic: the events are published here as the redirector
 * would (deploy's OwnersSideIT has the real redirector and mailer produce them), each recipient's reference taken
 * from the share's own ShareRequested event.
 */
class DownloadLogIT extends LinkApiIntegrationTest {

    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
    private final EventSerde serde = new EventSerde();
    private TestAccount account;

    @BeforeEach
    void account() {
        account = newAccount("bucket-log");
    }

    @Test
    void theLogAttributesEachDownloadToTheRecipientWhoseUrlItCameThroughInTimeOrderAndPages() throws Exception {
        long link = createLink(account, 20);
        long other = createLink(account, 5);
        ShareRequested share = share(account, link, "ann@example.test", "ben@example.test");
        ShareRequested otherShare = share(account, other, "cid@example.test");
        String ann = share.recipientRef(0);
        String ben = share.recipientRef(1);
        assertThat(ann).isNotEqualTo(ben).matches("[A-Za-z0-9_-]{22}");
        assertThat(query(
                        "SELECT count(*) FROM link_api.share_recipients WHERE ref IN ('%s', '%s')".formatted(ann, ben)))
                .isEqualTo("2");

        Instant t0 = Instant.parse("2026-12-01T09:00:00Z");
        List<EventEnvelope<?>> events = new ArrayList<>();
        // downloads through: ann, the plain URL, ben, ann, a made-up reference, another share's reference, ben
        String[] refs = {ann, null, ben, ann, "AAAAAAAAAAAAAAAAAAAAAA", otherShare.recipientRef(0), ben};
        for (int i = 0; i < refs.length; i++) {
            events.add(serde.envelope(
                    new DownloadConsumed(link, "k", 19 - i, "192.0.2." + (10 + i), BROWSER, refs[i]),
                    "download-redirector",
                    String.valueOf(link),
                    t0.plusSeconds(60L * i)));
        }
        events.add(serde.envelope(
                new DownloadRepeated(link, "k", "192.0.2.10", BROWSER),
                "download-redirector",
                String.valueOf(link),
                t0.plusSeconds(61)));
        events.add(serde.envelope(
                new DownloadConsumed(
                        link,
                        "k",
                        12,
                        "2001:db8:85a3:8d3:1319:8a2e:370:7348",
                        "=HYPERLINK(\"http://evil.test\")",
                        null),
                "download-redirector",
                String.valueOf(link),
                t0.plusSeconds(600)));
        // published out of time order, one of them twice, as a redelivery would
        List<EventEnvelope<?>> published = new ArrayList<>(events);
        Collections.reverse(published);
        published.add(events.get(0));
        publish(published);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(log(link, "").get("total").asLong()).isEqualTo(8));
        JsonNode whole = log(link, "");
        assertThat(whole.get("repeats").asLong()).isEqualTo(1);
        assertThat(whole.get("next_cursor").isNull()).isTrue();
        List<JsonNode> downloads = whole.get("downloads").valueStream().toList();
        assertThat(downloads)
                .extracting(d ->
                        d.get("recipient").isNull() ? null : d.get("recipient").asString())
                .containsExactly(
                        "ann@example.test",
                        null,
                        "ben@example.test",
                        "ann@example.test",
                        null,
                        null,
                        "ben@example.test",
                        null);
        assertThat(downloads)
                .extracting(d -> Instant.parse(d.get("downloaded_at").asString()))
                .isSorted()
                .first()
                .isEqualTo(t0);
        assertThat(downloads)
                .extracting(d -> d.get("remaining").asInt())
                .containsExactly(19, 18, 17, 16, 15, 14, 13, 12);
        // the addresses as DOWNLOAD_LOG_CLIENT_ADDRESS's default keeps them: IPv4 to its /24, IPv6 to its /48
        assertThat(downloads.get(1).get("client_address").asString()).isEqualTo("192.0.2.0");
        assertThat(downloads.get(7).get("client_address").asString()).isEqualTo("2001:db8:85a3::");
        assertThat(downloads.get(0).get("user_agent").asString()).isEqualTo(BROWSER);

        // three pages of three, the cursor in the body and in the Link header
        List<JsonNode> paged = new ArrayList<>();
        String after = "";
        for (int page = 0; page < 3; page++) {
            var answer = http.get()
                    .uri("/api/v2/shareable_links/{id}/downloads?limit=3" + after, link)
                    .header("X-API-KEY", account.apiKey())
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .returnResult();
            JsonNode body = JSON.readTree(answer.getResponseBody());
            body.get("downloads").valueStream().forEach(paged::add);
            if (page < 2) {
                String cursor = body.get("next_cursor").asString();
                assertThat(answer.getResponseHeaders().getFirst("Link"))
                        .isEqualTo("</api/v2/shareable_links/" + link + "/downloads?limit=3&after=" + cursor
                                + ">; rel=\"next\"");
                after = "&after=" + cursor;
            } else {
                assertThat(body.get("next_cursor").isNull()).isTrue();
                assertThat(answer.getResponseHeaders().getFirst("Link")).isNull();
            }
        }
        assertThat(paged).isEqualTo(downloads);

        String csv = http.get()
                .uri("/api/v2/shareable_links/{id}/downloads", link)
                .header("X-API-KEY", account.apiKey())
                .header("Accept", "text/csv")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentType("text/csv;charset=UTF-8")
                .expectHeader()
                .valueEquals("Content-Disposition", "attachment; filename=\"link-" + link + "-downloads.csv\"")
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        List<String> lines = csv.lines().toList();
        assertThat(lines).hasSize(9);
        assertThat(lines.get(0)).isEqualTo("downloaded_at,recipient,client_address,user_agent,remaining");
        assertThat(lines.get(1)).isEqualTo("2026-12-01T09:00:00Z,ann@example.test,192.0.2.0,\"" + BROWSER + "\",19");
        // a spreadsheet would run a cell starting with "=": it is neutralised with a leading quote
        assertThat(lines.get(8))
                .isEqualTo("2026-12-01T09:10:00Z,,2001:db8:85a3::," + "\"'=HYPERLINK(\"\"http://evil.test\"\")\",12");
        // JSON stays the answer for any other Accept
        for (String accept : List.of("*/*", "application/json", "text/csv;q=0.5, application/json", "text/html")) {
            http.get()
                    .uri("/api/v2/shareable_links/{id}/downloads", link)
                    .header("X-API-KEY", account.apiKey())
                    .header("Accept", accept)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectHeader()
                    .contentType("application/json");
        }
        assertThat(log(other, "").get("total").asLong()).isZero();
    }

    @Test
    void anotherAccountsOrAnUnknownLinkIs404AndBadParametersAre422() {
        long link = createLink(account, 3);
        TestAccount stranger = newAccount("bucket-log-stranger");
        for (String id : List.of(String.valueOf(link), "999999999", "abc", "-1")) {
            http.get()
                    .uri("/api/v2/shareable_links/" + id + "/downloads")
                    .header("X-API-KEY", stranger.apiKey())
                    .exchange()
                    .expectStatus()
                    .isNotFound()
                    .expectBody()
                    .json("{\"error\": \"Link not found\"}", true);
        }
        // a CSV client's refusal is still MediaPocket's JSON error
        http.get()
                .uri("/api/v2/shareable_links/{id}/downloads", link)
                .header("X-API-KEY", stranger.apiKey())
                .header("Accept", "text/csv")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .contentType("application/json")
                .expectBody()
                .json("{\"error\": \"Link not found\"}", true);
        http.get()
                .uri("/api/v2/shareable_links/{id}/downloads", link)
                .exchange()
                .expectStatus()
                .isUnauthorized();
        for (String limit : List.of("0", "1001", "x", "-3", "2.5", "+2", "02", "\u0662", "99999999999")) {
            http.get()
                    .uri("/api/v2/shareable_links/{id}/downloads?limit=" + limit, link)
                    .header("X-API-KEY", account.apiKey())
                    .exchange()
                    .expectStatus()
                    .isEqualTo(422)
                    .expectBody()
                    .json("{\"error\": \"limit must be an Integer from 1 to 1000\"}", true);
        }
        String event = "/00000000-0000-0000-0000-000000000001";
        List<String> notThisLogs = List.of(
                // another link's, and this link's in the earlier form without a link
                cursor((link + 1) + "/2026-12-01T09:00:00Z" + event),
                cursor("2026-12-01T09:00:00Z" + event),
                // times no download has, out of PostgreSQL's range (these were a 500)
                cursor(link + "/0000-01-01T00:00:00Z" + event),
                cursor(link + "/+10000-01-01T00:00:00Z" + event),
                cursor(link + "/1969-12-31T23:59:59Z" + event));
        for (String cursor : Stream.concat(
                        Stream.of("x", "bm90LWEtY3Vyc29y", "", "MjAyNi0xMi0wMVQwOTowMDowMFovbm90LWEtdXVpZA"),
                        notThisLogs.stream())
                .toList()) {
            http.get()
                    .uri("/api/v2/shareable_links/{id}/downloads?after=" + cursor, link)
                    .header("X-API-KEY", account.apiKey())
                    .exchange()
                    .expectStatus()
                    .isEqualTo(422)
                    .expectBody()
                    .json("{\"error\": \"after must be the next_cursor of a page of this log\"}", true);
        }
    }

    private static String cursor(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode log(long link, @Nullable String query) {
        byte[] body = http.get()
                .uri("/api/v2/shareable_links/{id}/downloads" + query, link)
                .header("X-API-KEY", account.apiKey())
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentType("application/json")
                .expectBody()
                .returnResult()
                .getResponseBody();
        return JSON.readTree(body);
    }
}
