package dev.sharelinks.audit.history;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Reads topics once, from their start or from a given time, up to where each partition ended when the read began, so
 * a replay of a live system ends. It assigns the partitions itself, without a consumer group: a replay commits no
 * offsets and takes no partition from any service.
 */
public final class TopicHistory {

    private static final Duration POLL = Duration.ofMillis(500);

    private final Map<String, Object> consumerConfig;
    private final Duration stallTimeout;

    /**
     * @param consumerConfig the Kafka consumer's settings (bootstrap servers, security); group and commits are set here
     * @param stallTimeout how long the read may make no progress before it gives up (the broker is away)
     */
    public TopicHistory(Map<String, Object> consumerConfig, Duration stallTimeout) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // reading history must not create the topics it looks for
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.consumerConfig = Map.copyOf(config);
        this.stallTimeout = stallTimeout;
    }

    /**
     * Every record of the topics that existed, in each partition's order.
     *
     * @param from where to start: in each partition, at its first record stored at or after this instant (and
     *     whatever follows it); null for everything
     */
    public List<HistoryRecord> read(List<String> topics, @Nullable Instant from) {
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo partition : consumer.partitionsFor(topic, stallTimeout)) {
                    partitions.add(new TopicPartition(topic, partition.partition()));
                }
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, stallTimeout);
            seekToStart(consumer, partitions, end, from);

            List<HistoryRecord> history = new ArrayList<>();
            Set<TopicPartition> unread = new HashSet<>(partitions);
            unread.removeIf(partition -> consumer.position(partition, stallTimeout) >= endOf(end, partition));
            Instant stalledSince = Instant.now();
            while (!unread.isEmpty()) {
                int before = history.size();
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < endOf(end, partition)) {
                        history.add(new HistoryRecord(
                                record.topic(),
                                record.partition(),
                                record.offset(),
                                Instant.ofEpochMilli(record.timestamp()),
                                record.key(),
                                record.value()));
                    }
                }
                unread.removeIf(partition -> consumer.position(partition, stallTimeout) >= endOf(end, partition));
                if (history.size() > before) {
                    stalledSince = Instant.now();
                } else if (Instant.now().isAfter(stalledSince.plus(stallTimeout))) {
                    throw new IllegalStateException("no record read for " + stallTimeout + " with " + unread.size()
                            + " partitions still unread: " + unread);
                }
            }
            return history;
        }
    }

    private void seekToStart(
            KafkaConsumer<String, byte[]> consumer,
            List<TopicPartition> partitions,
            Map<TopicPartition, Long> end,
            @Nullable Instant from) {
        if (from == null) {
            consumer.seekToBeginning(partitions);
            return;
        }
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(partition -> times.put(partition, from.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> first = consumer.offsetsForTimes(times, stallTimeout);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp at = first.get(partition);
            // no record at or after that time: nothing to read there
            consumer.seek(partition, at == null ? endOf(end, partition) : at.offset());
        }
    }

    /** The end offset of an assigned partition: endOffsets answers for every partition it was asked about. */
    private static long endOf(Map<TopicPartition, Long> end, TopicPartition partition) {
        return Objects.requireNonNull(end.get(partition), () -> "no end offset for " + partition);
    }
}
