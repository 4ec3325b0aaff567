package dev.sharelinks.messaging.kafka;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param createTopics declare the event and dead-letter topics at startup (off where an operator such as Strimzi
 *     owns them)
 * @param partitions partitions of each event topic
 * @param replicationFactor replicas of each topic
 * @param retryInitialInterval first wait before a failed record is retried
 * @param retryMaxInterval longest wait between retries
 * @param retryMaxElapsed how long a failing record is retried before it goes to the dead-letter topic
 */
@ConfigurationProperties("sharelinks.kafka")
public record SharelinksKafkaProperties(
        @DefaultValue("true") boolean createTopics,
        @DefaultValue("3") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue("200ms") Duration retryInitialInterval,
        @DefaultValue("30s") Duration retryMaxInterval,
        @DefaultValue("10m") Duration retryMaxElapsed) {
}
