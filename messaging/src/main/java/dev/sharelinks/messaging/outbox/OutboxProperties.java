package dev.sharelinks.messaging.outbox;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param source the service name written into every event envelope ({@code ce_source})
 * @param origin when set, written into every event's {@link #ORIGIN_HEADER} header: a service that consumes the
 *     topics it publishes on tells its own events by it
 * @param relayEnabled whether this instance runs a relay (all replicas may; only one publishes at a time)
 * @param commitNotifications whether the relay listens for PostgreSQL's commit notifications; needs the Flyway
 *     location {@code classpath:db/outbox-notify}, which only services with occasional writes should take
 * @param pollInterval how long the relay waits when it found nothing to publish; a safety net, because commits
 *     wake it ({@link OutboxNotifications}), so it can be long and an idle service stays idle
 * @param wakeUpDelay how long a woken relay waits before it publishes, gathering the commits of that moment into one
 *     batch: on the redirector's redeem path, publishing each grant batch's events on their own cost more CPU than
 *     the grants
 * @param retryInterval how soon the relay tries again after an attempt failed (broker or database away), whatever
 *     the poll interval
 * @param batchSize how many outbox rows one relay transaction publishes at most (a row may hold several events)
 * @param sendTimeout how long stopping waits for a batch in flight; a batch settles within the producer's
 *     {@code max.block.ms} plus {@code delivery.timeout.ms} (10 s and 20 s as the messaging module sets them)
 */
@ConfigurationProperties("sharelinks.outbox")
public record OutboxProperties(
        String source,
        @Nullable String origin,
        @DefaultValue("true") boolean relayEnabled,
        @DefaultValue("true") boolean commitNotifications,
        @DefaultValue("5s") Duration pollInterval,
        @DefaultValue("10ms") Duration wakeUpDelay,
        @DefaultValue("1s") Duration retryInterval,
        @DefaultValue("500") int batchSize,
        @DefaultValue("30s") Duration sendTimeout) {

    /** The Kafka header that carries {@link #origin()}. */
    public static final String ORIGIN_HEADER = "sharelinks_origin";
}
