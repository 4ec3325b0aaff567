package dev.sharelinks.messaging.kafka;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Kafka settings every service shares ({@code sharelinks.kafka}).
 *
 * @param createTopics declare the event and dead-letter topics at startup (off where an operator such as Strimzi
 *     owns them)
 * @param partitions partitions of each event topic
 * @param replicationFactor replicas of each topic
 * @param retryInitialInterval first wait before a failed record is retried
 * @param retryMaxInterval longest wait between retries
 * @param retryMaxElapsed how long a failing record is retried before it goes to the dead-letter topic
 * @param batchFetchMinBytes how much a batch listener's fetch waits for ({@code fetch.min.bytes}): batch listeners
 *     read the busy topics (every download), where each fetch of a few dozen records meant a poll, a transaction
 *     and an offset commit, for the broker, the database and the consumer alike
 * @param batchFetchMaxWait how long a batch listener's fetch waits for that much ({@code fetch.max.wait.ms}): how
 *     late it may apply a quiet topic's events
 */
@ConfigurationProperties("sharelinks.kafka")
public record SharelinksKafkaProperties(
        @DefaultValue("true") boolean createTopics,
        @DefaultValue("3") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue("200ms") Duration retryInitialInterval,
        @DefaultValue("30s") Duration retryMaxInterval,
        @DefaultValue("10m") Duration retryMaxElapsed,
        @DefaultValue("64KB") DataSize batchFetchMinBytes,
        @DefaultValue("500ms") Duration batchFetchMaxWait) {}
