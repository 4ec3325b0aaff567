package dev.sharelinks.redirector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.events.LinkCreated;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The projection applies DownloadConsumed events as well as link events, so that one rebuilt from history ends with
 * the live counts. These events are published by hand here, as another redirector's grants would publish them.
 */
class DownloadProjectionIT extends RedirectorIntegrationTest {

    private static final String DOWNLOADS_GROUP = "download-redirector-downloads";
    private static final Instant LATER = Instant.now().plus(Duration.ofDays(1));

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    /**
     * Every grant comes back on the downloads topic: its fetches wait for many records (64 KiB, or half a second),
     * so a busy topic costs a poll, a transaction and an offset commit per hundreds of events. The links listener,
     * on the way from a created link to a redeemable one, takes what there is at once.
     */
    @Test
    void theDownloadsListenerFetchesInBulkWhileTheLinksListenerDoesNotWait() {
        Map<String, Properties> consumerProperties = listeners.getListenerContainers().stream()
                .collect(Collectors.toMap(
                        container -> String.join(
                                ",", container.getContainerProperties().getTopics()),
                        container -> container.getContainerProperties().getKafkaConsumerProperties()));

        assertThat(consumerProperties.get(Topics.DOWNLOADS))
                .containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536")
                .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500");
        assertThat(consumerProperties.get(Topics.LINKS))
                .doesNotContainKeys(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
    }

    /**
     * Link events are applied a transaction each: several consumers (one per partition at most) share the topic, so
     * a busy moment does not queue created links behind one consumer's round trips. One link's events stay in order:
     * they share its partition.
     */
    @Test
    void theLinksListenerRunsAConsumerPerPartitionOfTheLocalTopic() {
        MessageListenerContainer links = listeners.getListenerContainers().stream()
                .filter(container ->
                        List.of(container.getContainerProperties().getTopics()).contains(Topics.LINKS))
                .findFirst()
                .orElseThrow();

        assertThat(links)
                .isInstanceOfSatisfying(
                        ConcurrentMessageListenerContainer.class,
                        concurrent -> assertThat(concurrent.getConcurrency()).isEqualTo(3));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(links.getAssignedPartitions())
                        .extracting(TopicPartition::partition)
                        .containsExactlyInAnyOrder(0, 1, 2));
    }

    @Test
    void whenDownloadsArriveBeforeTheirLinkThenTheLinkStartsAtTheLowestCountReported() {
        long id = 8_000_000_000L + System.nanoTime() % 1_000_000_000L;
        String key = "early-downloads-" + id;
        for (int remaining : new int[] {3, 1, 2}) {
            publishDownload(id, key, remaining);
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        "1".equals(query("SELECT remaining FROM redirector.reported_remaining WHERE link_id = " + id)));

        publish(
                Topics.LINKS,
                String.valueOf(id),
                serde.serialize(serde.envelope(
                        new LinkCreated(
                                id,
                                CapabilityDigests.hex(key),
                                1,
                                4,
                                "asset",
                                BUCKET,
                                "media/early/original.bin",
                                "early.bin",
                                LATER,
                                5),
                        "link-api",
                        String.valueOf(id),
                        Instant.now())));
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        "1".equals(query("SELECT remaining FROM redirector.redeemable_links WHERE link_id = " + id)));

        http.get()
                .uri("/api/v2/shareable_links/{key}", key)
                .exchange()
                .expectStatus()
                .isFound();
        http.get()
                .uri("/api/v2/shareable_links/{key}", key)
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void whenADownloadIsReportedForAProjectedLinkThenItsCountIsLoweredAndNeverRaised() {
        PublishedLink link = publishLink("media/reported/original.bin", "reported.bin", 5, LATER);

        publishDownload(link.linkId(), link.key(), 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> "2".equals(remaining(link)));
        awaitConsumed(publishDownload(link.linkId(), link.key(), 4));

        assertThat(remaining(link)).isEqualTo("2");
    }

    @Test
    void whenTheLiveProjectionReadsBackItsOwnGrantsThenItsCountsDoNotChange() {
        PublishedLink link = publishLink("media/own/original.bin", "own.bin", 3, LATER);

        http.get()
                .uri("/api/v2/shareable_links/{key}", link.key())
                .exchange()
                .expectStatus()
                .isFound();
        http.get()
                .uri("/api/v2/shareable_links/{key}", link.key())
                .exchange()
                .expectStatus()
                .isFound();
        List<ConsumerRecord<String, byte[]>> own = TopicReader.readUntil(
                SharedServers.kafka().bootstrapServers(),
                Topics.DOWNLOADS,
                seen -> ofLink(seen, link).size() == 2,
                Duration.ofSeconds(30));
        for (ConsumerRecord<String, byte[]> grant : ofLink(own, link)) {
            // they name this projection, which skips them: it applied them when it granted them
            assertThat(new String(
                            grant.headers().lastHeader("sharelinks_origin").value(), StandardCharsets.UTF_8))
                    .isEqualTo("download-redirector");
            awaitConsumed(new TopicPartition(grant.topic(), grant.partition()), grant.offset());
        }

        assertThat(remaining(link)).isEqualTo("1");
        http.get()
                .uri("/api/v2/shareable_links/{key}", link.key())
                .exchange()
                .expectStatus()
                .isFound();
        http.get()
                .uri("/api/v2/shareable_links/{key}", link.key())
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void whenADownloadsRecordIsNotAnEventThenItGoesToTheDeadLetterTopicAndTheConsumerMovesOn() {
        PublishedLink link = publishLink("media/poison/original.bin", "poison.bin", 4, LATER);
        publish(Topics.DOWNLOADS, String.valueOf(link.linkId()), "{not an event".getBytes(StandardCharsets.UTF_8));
        publishDownload(link.linkId(), link.key(), 1);

        await().atMost(Duration.ofSeconds(30)).until(() -> "1".equals(remaining(link)));
        var dead = TopicReader.readUntil(
                SharedServers.kafka().bootstrapServers(),
                Topics.deadLetterOf(Topics.DOWNLOADS),
                seen -> seen.stream()
                        .anyMatch(r -> String.valueOf(link.linkId()).equals(r.key())),
                Duration.ofSeconds(30));
        assertThat(dead).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo(String.valueOf(link.linkId()));
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{not an event");
        });
    }

    private RecordMetadata publishDownload(long linkId, String key, int remaining) {
        return publish(
                Topics.DOWNLOADS,
                String.valueOf(linkId),
                serde.serialize(serde.envelope(
                        new DownloadConsumed(linkId, CapabilityDigests.hex(key), remaining, "203.0.113.9", "test"),
                        "download-redirector",
                        String.valueOf(linkId),
                        Instant.now())));
    }

    private static List<ConsumerRecord<String, byte[]>> ofLink(
            List<ConsumerRecord<String, byte[]>> records, PublishedLink link) {
        return records.stream()
                .filter(r -> r.key().equals(String.valueOf(link.linkId())))
                .toList();
    }

    private static void awaitConsumed(RecordMetadata record) {
        awaitConsumed(new TopicPartition(record.topic(), record.partition()), record.offset());
    }

    /** Waits until the projection's downloads consumer committed past the record: it has been applied. */
    private static void awaitConsumed(TopicPartition partition, long offset) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedServers.kafka().bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(DOWNLOADS_GROUP)
                        .partitionsToOffsetAndMetadata()
                        .get()
                        .get(partition);
                return committed != null && committed.offset() > offset;
            });
        }
    }

    private static String remaining(PublishedLink link) {
        return query("SELECT remaining FROM redirector.redeemable_links WHERE link_id = " + link.linkId());
    }

    private static String query(String sql) {
        return SharedServers.postgres().query(DATABASE, sql);
    }
}
