package dev.sharelinks.messaging.outbox;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a write waits for the projection of its event ({@link ReadYourWrites}).
 *
 * @param consumerGroup the Kafka consumer group that projects this service's events (the redirector's, for the
 *     topic the write's event goes to); empty: writes do not wait
 * @param timeout how long a write waits at most; then it is answered all the same, its event to follow
 * @param pollInterval how soon the waiting loop looks again while writes wait
 */
@ConfigurationProperties("sharelinks.outbox.read-your-writes")
public record ReadYourWritesProperties(
        @Nullable String consumerGroup,
        @DefaultValue("2s") Duration timeout,
        @DefaultValue("2ms") Duration pollInterval) {}
