package dev.sharelinks.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.DownloadRepeated;
import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.ExportDefinition;
import dev.sharelinks.events.LinkCreated;
import dev.sharelinks.events.LinkRevoked;
import dev.sharelinks.events.MediaFile;
import dev.sharelinks.events.ShareMailDelivered;
import dev.sharelinks.events.ShareMailFailed;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.ShareTokenCreated;
import dev.sharelinks.events.ShareTokenDeleted;
import dev.sharelinks.events.ShareTokenDownloaded;
import dev.sharelinks.events.ShareTokenState;
import dev.sharelinks.events.ShareTokenUpdated;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.SharedServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Replays a history published on a real broker, as the services publish it (envelopes keyed by aggregate id, several
 * partitions per topic), and reads the files the command wrote.
 */
class AuditReplayIT {

    private static final EventSerde SERDE = new EventSerde();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis());
    private static final Instant EXPIRY = Instant.parse("2099-01-02T00:00:00Z");

    @BeforeAll
    static void topics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.createTopics(Topics.ALL.stream()
                            .map(topic -> new NewTopic(topic, 3, (short) 1))
                            .toList())
                    .all()
                    .get();
        }
    }

    @Test
    void whenTheHistoryIsReplayedThenEveryLinkAndTokenHasItsStoryInTheOrderItHappened(@TempDir Path out)
            throws Exception {
        long linkId = IDS.incrementAndGet();
        long otherLink = IDS.incrementAndGet();
        long shareId = IDS.incrementAndGet();
        long tokenId = IDS.incrementAndGet();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        publish(Topics.LINKS, linkId, t0, link(linkId, 3));
        publish(Topics.LINKS, otherLink, t0.plusMillis(1), link(otherLink, 1));
        publish(
                Topics.SHARES,
                shareId,
                t0.plusMillis(2),
                new ShareRequested(
                        shareId,
                        7,
                        List.of("a@example.test", "b@example.test"),
                        "Enjoy",
                        List.of(shared(linkId), shared(otherLink))));
        publish(
                Topics.SHARES,
                shareId,
                t0.plusMillis(2).plusNanos(300_000),
                new ShareMailDelivered(shareId, 7, "a@example.test", null, List.of(linkId, otherLink)));
        publish(
                Topics.SHARES,
                shareId,
                t0.plusMillis(2).plusNanos(600_000),
                new ShareMailFailed(
                        shareId,
                        7,
                        "b@example.test",
                        null,
                        "550 5.1.1 mailbox unavailable",
                        List.of(linkId, otherLink)));
        // a redirector publishes downloads on another topic than the link's: the trail orders them by time
        publish(
                Topics.DOWNLOADS,
                linkId,
                t0.plusMillis(3),
                new DownloadConsumed(
                        linkId, CapabilityDigests.hex("secret-key-" + linkId), 2, "203.0.113.5", "curl/8"));
        // from a redirector of before key digests: a v1 event, which carried the key itself
        publishRaw(Topics.DOWNLOADS, String.valueOf(linkId), t0.plusMillis(4), """
                {"eventId": "%s", "type": "sharelinks.download.consumed.v1", "occurredAt": "%s",
                 "source": "download-redirector", "subject": "%d",
                 "data": {"linkId": %d, "key": "secret-key-%d", "remaining": 1, "clientAddress": "198.51.100.7",
                          "userAgent": "Firefox"}}""".formatted(
                        UUID.randomUUID(), t0.plusMillis(4), linkId, linkId, linkId)
                .getBytes(StandardCharsets.UTF_8));
        // the same person's reload, within the receipt's grace period: recorded, nothing spent
        publish(
                Topics.DOWNLOADS,
                linkId,
                t0.plusMillis(4).plusNanos(500_000),
                new DownloadRepeated(linkId, CapabilityDigests.hex("secret-key-" + linkId), "198.51.100.7", "Firefox"));
        publish(
                Topics.LINKS,
                linkId,
                t0.plusMillis(5),
                new LinkRevoked(linkId, CapabilityDigests.hex("secret-key-" + linkId), 7));
        publish(
                Topics.TOKENS,
                tokenId,
                t0.plusMillis(6),
                new ShareTokenCreated(tokenId, token("Press", ExportDefinition.HD), 11));
        publish(
                Topics.DOWNLOADS,
                tokenId,
                t0.plusMillis(7),
                new ShareTokenDownloaded(tokenId, 2001, ExportDefinition.HD, "192.0.2.1", "Safari"));
        publish(
                Topics.TOKENS,
                tokenId,
                t0.plusMillis(8),
                new ShareTokenUpdated(tokenId, token("Preview", ExportDefinition.BD), 11L));
        publish(Topics.TOKENS, tokenId, t0.plusMillis(9), new ShareTokenDeleted(tokenId, 2001, 12));
        String poisonKey = "poison-" + linkId;
        publishRaw(Topics.LINKS, poisonKey, t0.plusMillis(10), "{not an event".getBytes(StandardCharsets.UTF_8));

        replay("--out=" + out);

        List<JsonNode> trail = jsonLines(out.resolve("audit-trail.jsonl"));
        assertThat(trail.stream()
                        .filter(e -> e.path("linkId").asLong() == linkId
                                || e.path("shareId").asLong() == shareId)
                        .map(e -> e.get("event").asString()))
                .containsExactly(
                        "link.created",
                        "share.requested",
                        "share.mail-delivered",
                        "share.mail-failed",
                        "download.consumed",
                        "download.consumed",
                        "download.repeated",
                        "link.revoked");
        assertThat(trail)
                .filteredOn(e -> e.get("event").asString().equals("share.mail-failed")
                        && e.path("shareId").asLong() == shareId)
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.get("recipients").get(0).asString()).isEqualTo("b@example.test");
                    assertThat(e.get("problem").asString()).isEqualTo("550 5.1.1 mailbox unavailable");
                });
        assertThat(trail.stream()
                        .filter(e -> e.path("tokenId").asLong() == tokenId)
                        .map(e -> e.get("event").asString() + " "
                                + e.path("exportDefinition").asString()))
                .containsExactly(
                        "share-token.created HD",
                        "share-token.downloaded HD",
                        "share-token.updated BD",
                        "share-token.deleted ");
        JsonNode download = trail.stream()
                .filter(e -> e.path("linkId").asLong() == linkId
                        && e.get("event").asString().equals("download.consumed"))
                .findFirst()
                .orElseThrow();
        assertThat(download.get("time").asString()).isEqualTo(t0.plusMillis(3).toString());
        assertThat(download.get("remaining").asInt()).isEqualTo(2);
        assertThat(download.get("clientAddress").asString()).isEqualTo("203.0.113.5");
        assertThat(download.get("userAgent").asString()).isEqualTo("curl/8");
        assertThat(download.get("topic").asString()).isEqualTo(Topics.DOWNLOADS);
        assertThat(trail)
                .filteredOn(e -> e.get("event").asString().equals("unreadable")
                        && e.get("problem").asString().contains("not a Sharelinks event envelope"))
                .isNotEmpty();
        // the capabilities in the public URLs stay out of the audit files
        for (String file : List.of(
                "audit-trail.jsonl", "audit-trail.csv", "links.jsonl", "links.csv", "tokens.jsonl", "tokens.csv")) {
            assertThat(Files.readString(out.resolve(file))).doesNotContain("secret-key", "secret-token");
        }

        JsonNode summary = jsonLines(out.resolve("links.jsonl")).stream()
                .filter(l -> l.get("linkId").asLong() == linkId)
                .findFirst()
                .orElseThrow();
        assertThat(summary.get("accountId").asLong()).isEqualTo(7);
        assertThat(summary.get("filename").asString()).isEqualTo("report-" + linkId + ".pdf");
        assertThat(summary.get("createdAt").asString()).isEqualTo(t0.toString());
        assertThat(summary.get("expiresAt").asString()).isEqualTo(EXPIRY.toString());
        assertThat(summary.get("downloadLimit").asInt()).isEqualTo(3);
        assertThat(summary.get("shares").asInt()).isEqualTo(1);
        assertThat(summary.get("sharedTo").valueStream().map(JsonNode::asString))
                .containsExactly("a@example.test", "b@example.test");
        assertThat(summary.get("downloads").asInt()).isEqualTo(2);
        assertThat(summary.get("repeats").asInt()).isEqualTo(1);
        assertThat(summary.get("remaining").asInt()).isEqualTo(1);
        assertThat(summary.get("firstDownloadAt").asString())
                .isEqualTo(t0.plusMillis(3).toString());
        assertThat(summary.get("lastDownloadAt").asString())
                .isEqualTo(t0.plusMillis(4).toString());
        assertThat(summary.get("revokedAt").asString())
                .isEqualTo(t0.plusMillis(5).toString());
        JsonNode untouched = jsonLines(out.resolve("links.jsonl")).stream()
                .filter(l -> l.get("linkId").asLong() == otherLink)
                .findFirst()
                .orElseThrow();
        assertThat(untouched.get("downloads").asInt()).isZero();
        assertThat(untouched.get("remaining").asInt()).isEqualTo(1);
        assertThat(untouched.has("revokedAt")).isFalse();

        JsonNode token = jsonLines(out.resolve("tokens.jsonl")).stream()
                .filter(t -> t.get("tokenId").asLong() == tokenId)
                .findFirst()
                .orElseThrow();
        assertThat(token.get("title").asString()).isEqualTo("Preview");
        assertThat(token.get("exportDefinition").asString()).isEqualTo("BD");
        assertThat(token.get("createdBy").asLong()).isEqualTo(11);
        assertThat(token.get("updates").asInt()).isEqualTo(1);
        assertThat(token.get("downloads").asInt()).isEqualTo(1);
        assertThat(token.get("deletedAt").asString()).isEqualTo(t0.plusMillis(9).toString());
        assertThat(token.get("deletedBy").asLong()).isEqualTo(12);

        List<String> csv = Files.readAllLines(out.resolve("links.csv"));
        assertThat(csv.get(0))
                .isEqualTo("linkId,accountId,mediaId,assetId,filename,createdAt,expiresAt,"
                        + "downloadLimit,shares,sharedTo,downloads,downloadedBy,repeats,remaining,firstDownloadAt,"
                        + "lastDownloadAt,revokedAt");
        assertThat(csv)
                .contains(linkId + ",7,4,asset-4,report-" + linkId + ".pdf," + t0 + "," + EXPIRY
                        + ",3,1,\"a@example.test;b@example.test\",2,,1,1," + t0.plusMillis(3) + "," + t0.plusMillis(4)
                        + ","
                        + t0.plusMillis(5));
        List<String> trailCsv = Files.readAllLines(out.resolve("audit-trail.csv"));
        assertThat(trailCsv.get(0)).startsWith("time,event,eventId,source,linkId,");
        assertThat(trailCsv).hasSize(trail.size() + 1);
    }

    @Test
    void aDownloadThroughARecipientsUrlIsThatRecipientsAlsoWhenTheReplayStartsAfterTheShare(@TempDir Path out)
            throws Exception {
        long linkId = IDS.incrementAndGet();
        long notShared = IDS.incrementAndGet();
        long shareId = IDS.incrementAndGet();
        String annRef = "ann-ref-" + "A".repeat(10) + shareId;
        String benRef = "ben-ref-" + "B".repeat(10) + shareId;
        // later than every other test's records: a replay from a time reads a partition from its first record stored
        // at or after it, and an earlier test's later record would bring this share into the window
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(20);
        publish(Topics.LINKS, linkId, t0, link(linkId, 10));
        publish(Topics.LINKS, notShared, t0, link(notShared, 10));
        publish(
                Topics.SHARES,
                shareId,
                t0.plusSeconds(1),
                new ShareRequested(
                        shareId,
                        7,
                        List.of("ann@example.test", "ben@example.test"),
                        null,
                        List.of(shared(linkId)),
                        List.of(annRef, benRef)));
        String digest = CapabilityDigests.hex("secret-key-" + linkId);
        Instant downloads = t0.plusSeconds(10);
        publish(Topics.DOWNLOADS, linkId, downloads, new DownloadConsumed(linkId, digest, 9, null, null, annRef));
        // the plain URL: nobody's
        publish(Topics.DOWNLOADS, linkId, downloads.plusMillis(1), new DownloadConsumed(linkId, digest, 8, null, null));
        publish(
                Topics.DOWNLOADS,
                linkId,
                downloads.plusMillis(2),
                new DownloadConsumed(linkId, digest, 7, null, null, annRef));
        // a reference no share gave, and one of a share that did not carry this link: nobody's either
        publish(
                Topics.DOWNLOADS,
                linkId,
                downloads.plusMillis(3),
                new DownloadConsumed(linkId, digest, 6, null, null, "made-up-" + "C".repeat(14)));
        publish(
                Topics.DOWNLOADS,
                notShared,
                downloads.plusMillis(4),
                new DownloadConsumed(
                        notShared, CapabilityDigests.hex("secret-key-" + notShared), 9, null, null, benRef));

        for (Path replay : List.of(out.resolve("whole"), out.resolve("from-after-the-share"))) {
            if (replay.endsWith("whole")) {
                replay("--out=" + replay);
            } else {
                replay("--out=" + replay, "--from=" + downloads);
            }
            List<JsonNode> trail = jsonLines(replay.resolve("audit-trail.jsonl"));
            assertThat(trail.stream()
                            .filter(e -> e.get("event").asString().equals("download.consumed")
                                    && e.get("linkId").asLong() == linkId)
                            .map(e -> e.path("remaining").asInt() + " "
                                    + e.path("shareId").asLong() + " "
                                    + e.path("recipients").path(0).asString()))
                    .as(replay.getFileName().toString())
                    .containsExactly(
                            "9 " + shareId + " ann@example.test", "8 0 ", "7 " + shareId + " ann@example.test", "6 0 ");
            assertThat(trail)
                    .filteredOn(e -> e.get("event").asString().equals("download.consumed")
                            && e.get("linkId").asLong() == notShared)
                    .singleElement()
                    .satisfies(e -> assertThat(e.has("recipients")).isFalse());
            Map<Long, JsonNode> links = jsonLines(replay.resolve("links.jsonl")).stream()
                    .collect(Collectors.toMap(l -> l.get("linkId").asLong(), l -> l));
            assertThat(links.get(linkId).get("downloadedBy").valueStream().map(JsonNode::asString))
                    .containsExactly("ann@example.test");
            assertThat(links.get(notShared).get("downloadedBy").valueStream()).isEmpty();
            // the trail names the recipients, not the references their URLs carry
            assertThat(Files.readString(replay.resolve("audit-trail.csv"))).doesNotContain(annRef, benRef);
        }
    }

    @Test
    void whenAStartTimeIsGivenThenOnlyWhatHappenedFromThenOnIsReplayed(@TempDir Path out) throws Exception {
        long before = IDS.incrementAndGet();
        long after = IDS.incrementAndGet();
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        publish(Topics.LINKS, before, start.minusSeconds(1), link(before, 1));
        publish(Topics.LINKS, after, start, link(after, 1));
        publish(Topics.DOWNLOADS, before, start.plusSeconds(1), new DownloadConsumed(before, "k", 0, null, null));

        replay("--out=" + out, "--from=" + start);

        List<JsonNode> links = jsonLines(out.resolve("links.jsonl"));
        assertThat(links).noneMatch(l -> l.get("linkId").asLong() == before && l.has("createdAt"));
        assertThat(links).anyMatch(l -> l.get("linkId").asLong() == after && l.has("createdAt"));
        // a download from the window, of a link created before it: counted, its creation unknown to this replay
        JsonNode earlier = links.stream()
                .filter(l -> l.get("linkId").asLong() == before)
                .findFirst()
                .orElseThrow();
        assertThat(earlier.get("downloads").asInt()).isEqualTo(1);
        assertThat(earlier.get("remaining").asInt()).isZero();
    }

    @Test
    void whenAReplayRunsThenItLeavesNoConsumerGroupBehind(@TempDir Path out) throws Exception {
        replay("--out=" + out);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            assertThat(admin.listGroups().all().get()).isEmpty();
        }
    }

    private static void replay(String... arguments) {
        String[] all = new String[arguments.length + 1];
        all[0] = "--kafka=" + bootstrap();
        System.arraycopy(arguments, 0, all, 1, arguments.length);
        assertThat(SpringApplication.exit(SpringApplication.run(AuditReplayApplication.class, all)))
                .isZero();
    }

    private static LinkCreated link(long id, int limit) {
        return new LinkCreated(
                id,
                CapabilityDigests.hex("secret-key-" + id),
                7,
                4,
                "asset-4",
                "bucket",
                "media/4/original.bin",
                "report-" + id + ".pdf",
                EXPIRY,
                limit);
    }

    private static ShareRequested.SharedLink shared(long linkId) {
        return new ShareRequested.SharedLink(
                linkId,
                "https://r.example/api/v2/shareable_links/secret-key-" + linkId,
                "report-" + linkId + ".pdf",
                EXPIRY);
    }

    private static ShareTokenState token(String title, ExportDefinition definition) {
        return new ShareTokenState(
                CapabilityDigests.hex("secret-token-press"),
                "-press",
                2001,
                title,
                definition,
                true,
                null,
                null,
                1,
                1,
                new MediaFile("bucket", "media/2001/original.txt", "original.txt"),
                null);
    }

    private static void publish(String topic, long key, Instant occurredAt, Object event) {
        EventEnvelope<Object> envelope = SERDE.envelope(event, "test", String.valueOf(key), occurredAt);
        publishRaw(topic, String.valueOf(key), occurredAt, SERDE.serialize(envelope));
    }

    private static void publishRaw(String topic, String key, Instant timestamp, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, null, timestamp.toEpochMilli(), key, value))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<JsonNode> jsonLines(Path file) throws Exception {
        return Files.readAllLines(file).stream().map(JSON::readTree).toList();
    }

    private static String bootstrap() {
        return SharedServers.kafka().bootstrapServers();
    }
}
