package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.LinkRevoked;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShareAndRevokeIT extends LinkApiIntegrationTest {

    private final EventSerde serde = new EventSerde();
    private TestAccount account;

    @BeforeEach
    void account() {
        account = newAccount("bucket-share");
    }

    @Test
    void whenLinksAreSharedThenShareRequestedCarriesRecipientsMessageAndLinks() {
        long first = createLink(account, 3);
        long second = createLink(account, 1);

        post(account, "/api/v2/shareable_links/share", """
                {"message": "Here <b>you</b> go", "recipients": ["test1@testmail.test", "First.Last@TestMail.test",
                 "first.last@testmail.TEST", "TEST1@testmail.test"],
                 "shareable_link_ids": [%d, "%d"]}""".formatted(second, first))
                .expectStatus()
                .isOk()
                .expectBody()
                .json("{\"message\": \"Shareable links sent\"}", true);

        ShareRequested share = TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        Topics.SHARES,
                        seen -> shareRequests(seen).stream().anyMatch(s -> s.accountId() == account.id()),
                        Duration.ofSeconds(30))
                .stream()
                .map(r -> serde.read(r.value()).data())
                .filter(data -> data instanceof ShareRequested s && s.accountId() == account.id())
                .map(ShareRequested.class::cast)
                .findFirst()
                .orElseThrow();
        // the local part as given (RFC 5321 leaves its case to the receiving server), the domain lowercased, and
        // addresses differing only in case mailed once, in the spelling that came first
        assertThat(share.recipients()).containsExactly("test1@testmail.test", "First.Last@testmail.test");
        assertThat(share.message()).isEqualTo("Here <b>you</b> go");
        assertThat(share.links()).extracting(ShareRequested.SharedLink::linkId).containsExactly(second, first);
        assertThat(share.links()).allSatisfy(link -> {
            assertThat(link.filename()).isEqualTo("report.pdf");
            // the URL sealed, for the mailer only
            assertThat(link.url()).isNull();
            assertThat(SEALER.open(Objects.requireNonNull(link.sealedUrl())))
                    .startsWith("http://redirector.test/api/v2/shareable_links/")
                    .isEqualTo(urlOf(account, link.linkId()));
            assertThat(link.expiresAt()).isEqualTo(Instant.parse("2099-01-02T00:00:00Z"));
        });
    }

    @Test
    void whenNoIdNamesALiveLinkOfTheAccountThenNoShareableLinksFoundAndNothingIsWritten() {
        long mine = createLink(account, 1);
        long theirs = createLink(newAccount("bucket-theirs"), 1);
        long revoked = createLink(account, 1);
        http.delete()
                .uri("/api/v2/shareable_links/{id}", revoked)
                .header("X-API-KEY", account.apiKey())
                .exchange()
                .expectStatus()
                .isOk();
        String sharesBefore = count("shares");

        long usedUp = createLink(account, 1);
        query("UPDATE link_api.links SET remaining = 0 WHERE id = " + usedUp);
        for (String ids : List.of(
                "[\"invalid_id\"]",
                "[]",
                "[" + theirs + "]",
                "[" + revoked + "]",
                "[" + usedUp + "]",
                "[" + revoked + ", " + usedUp + "]",
                "[" + mine + ", 999999999]",
                "[" + mine + ", \"x\"]",
                "[" + mine + ", " + theirs + "]")) {
            post(
                            account,
                            "/api/v2/shareable_links/share",
                            "{\"recipients\": [\"a@b.test\"], \"shareable_link_ids\": " + ids + "}")
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .json("{\"error\": \"No shareable links found\"}", true);
        }
        post(account, "/api/v2/shareable_links/share", "{\"recipients\": [\"a@b.test\"]}")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .json("{\"error\": \"No shareable links found\"}", true);

        assertThat(count("shares")).isEqualTo(sharesBefore);
    }

    /** A share of live and dead links of the account mails the live ones only, and records only those. */
    @Test
    void whenSomeOfTheLinksAreRevokedOrUsedUpThenOnlyTheLiveOnesAreShared() {
        long live = createLink(account, 1);
        long revoked = createLink(account, 1);
        http.delete()
                .uri("/api/v2/shareable_links/{id}", revoked)
                .header("X-API-KEY", account.apiKey())
                .exchange()
                .expectStatus()
                .isOk();
        long usedUp = createLink(account, 1);
        query("UPDATE link_api.links SET remaining = 0 WHERE id = " + usedUp);

        post(account, "/api/v2/shareable_links/share", """
                {"recipients": ["mixed@b.test"], "shareable_link_ids": [%d, %d, %d]}""".formatted(revoked, live, usedUp))
                .expectStatus()
                .isOk();

        assertThat(query("SELECT link_ids FROM link_api.shares WHERE recipients = '{mixed@b.test}'"))
                .isEqualTo("{" + live + "}");
        EventEnvelope<ShareRequested> event = TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(),
                        Topics.SHARES,
                        seen -> seen.stream().anyMatch(r -> new String(r.value()).contains("mixed@b.test")),
                        Duration.ofSeconds(30))
                .stream()
                .filter(r -> new String(r.value()).contains("mixed@b.test"))
                .map(r -> new EventSerde().read(r.value(), ShareRequested.class))
                .findFirst()
                .orElseThrow();
        assertThat(event.data().links())
                .extracting(ShareRequested.SharedLink::linkId)
                .containsExactly(live);
    }

    @Test
    void whenRecipientsAreMissingOrInvalidThen422AndNothingIsWritten() {
        long link = createLink(account, 1);
        String sharesBefore = count("shares");

        post(account, "/api/v2/shareable_links/share", "{\"shareable_link_ids\": [" + link + "]}")
                .expectStatus()
                .isEqualTo(422)
                .expectBody()
                .json("{\"error\": \"Missing parameters: recipients\"}", true);
        post(
                        account,
                        "/api/v2/shareable_links/share",
                        "{\"recipients\": \"a@b.test\", \"shareable_link_ids\": [" + link + "]}")
                .expectStatus()
                .isEqualTo(422)
                .expectBody()
                .json("{\"error\": \"recipients must be an array\"}", true);
        post(
                        account,
                        "/api/v2/shareable_links/share",
                        "{\"recipients\": [\"not-an-address\", \"x@y.test\\r\\nBcc: evil@z.test\", 5], "
                                + "\"shareable_link_ids\": [" + link + "]}")
                .expectStatus()
                .isEqualTo(422)
                .expectBody()
                .json("""
                        {"error": "recipients must be e-mail addresses; invalid: \\"not-an-address\\", \\"x@y.test??Bcc: evil@z.test\\", \\"5\\""}""", true);
        post(account, "/api/v2/shareable_links/share", "{\"recipients\": [], \"shareable_link_ids\": [" + link + "]}")
                .expectStatus()
                .isEqualTo(422)
                .expectBody()
                .json("{\"error\": \"recipients must not be empty\"}", true);
        post(
                        account,
                        "/api/v2/shareable_links/share",
                        "{\"recipients\": [\"a@b.test\"], \"message\": 5, \"shareable_link_ids\": [" + link + "]}")
                .expectStatus()
                .isEqualTo(422)
                .expectBody()
                .json("{\"error\": \"message must be a String\"}", true);

        assertThat(count("shares")).isEqualTo(sharesBefore);
    }

    @Test
    void whenALinkIsRevokedThenLinkRevokedIsPublishedOnceAndInfoShowsIt() {
        long link = createLink(account, 2);

        for (int i = 0; i < 2; i++) {
            http.delete()
                    .uri("/api/v2/shareable_links/{id}", link)
                    .header("X-API-KEY", account.apiKey())
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .json("{\"message\": \"Shareable link revoked\"}", true);
        }

        http.get()
                .uri("/api/v2/shareable_links/{id}/info", link)
                .header("X-API-KEY", account.apiKey())
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("revoked")
                .jsonPath("$.revoked_at")
                .isNotEmpty();
        var revocations = TopicReader.readUntil(
                        SharedServers.kafka().bootstrapServers(), Topics.LINKS, seen -> false, Duration.ofSeconds(3))
                .stream()
                .filter(r -> r.key().equals(String.valueOf(link)))
                .<Object>map(r -> serde.read(r.value()).data())
                .filter(LinkRevoked.class::isInstance)
                .toList();
        assertThat(revocations)
                .containsExactly(new LinkRevoked(link, CapabilityDigests.hex(keyOf(link)), account.id()));
    }

    @Test
    void whenAnotherAccountTouchesALinkThen404RevealsNothing() {
        long link = createLink(account, 2);
        TestAccount intruder = newAccount("bucket-intruder");

        http.delete()
                .uri("/api/v2/shareable_links/{id}", link)
                .header("X-API-KEY", intruder.apiKey())
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .json("{\"error\": \"Link not found\"}", true);
        http.get()
                .uri("/api/v2/shareable_links/{id}/info", link)
                .header("X-API-KEY", intruder.apiKey())
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .json("{\"error\": \"Link not found\"}", true);
        http.get()
                .uri("/api/v2/shareable_links/{id}/info", "abc")
                .header("X-API-KEY", account.apiKey())
                .exchange()
                .expectStatus()
                .isNotFound();
        http.get()
                .uri("/api/v2/shareable_links/{id}/info", link)
                .header("X-API-KEY", account.apiKey())
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("active");
    }

    @Test
    void whenTheRedirectorReportsDownloadsThenInfoShowsTheRemainingCountAndPoisonIsDeadLettered() throws Exception {
        long link = createLink(account, 5);
        String key = keyOf(link);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        SharedServers.kafka().bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            // a record that is not an event, ahead of the real ones in their partition
            producer.send(new ProducerRecord<>(
                            Topics.DOWNLOADS, String.valueOf(link), "\u0000garbage".getBytes(StandardCharsets.UTF_8)))
                    .get();
            // out of order and duplicated, as a replay may deliver them
            for (int remaining : new int[] {3, 4, 3}) {
                producer.send(new ProducerRecord<>(
                                Topics.DOWNLOADS,
                                String.valueOf(link),
                                serde.serialize(serde.envelope(
                                        new DownloadConsumed(link, key, remaining, "192.0.2.1", "test"),
                                        "download-redirector",
                                        String.valueOf(link),
                                        Instant.now()))))
                        .get();
            }
        }

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> http.get()
                        .uri("/api/v2/shareable_links/{id}/info", link)
                        .header("X-API-KEY", account.apiKey())
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody()
                        .jsonPath("$.remaining")
                        .isEqualTo(3)
                        .jsonPath("$.limit")
                        .isEqualTo(5));
        // once by each group that reads the topic: the download log's and the webhooks' fan-out
        var dead = TopicReader.readUntil(
                SharedServers.kafka().bootstrapServers(),
                Topics.deadLetterOf(Topics.DOWNLOADS),
                seen -> seen.stream()
                                .filter(r -> String.valueOf(link).equals(r.key()))
                                .count()
                        >= 2,
                Duration.ofSeconds(30));
        assertThat(dead)
                .filteredOn(r -> String.valueOf(link).equals(r.key()))
                .allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8))
                        .isEqualTo("\u0000garbage"))
                .extracting(r -> new String(
                        r.headers()
                                .lastHeader("kafka_dlt-original-consumer-group")
                                .value(),
                        StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("link-api", "link-api-webhooks");
    }

    private String keyOf(long link) {
        return SEALER.open(
                SharedServers.postgres().query(DATABASE, "SELECT sealed_key FROM link_api.links WHERE id = " + link));
    }
}
