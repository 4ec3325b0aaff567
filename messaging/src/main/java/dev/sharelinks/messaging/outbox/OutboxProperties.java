package dev.sharelinks.messaging.outbox;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The outbox and its relay ({@code sharelinks.outbox}).
 *
 * @param source the service name written into every event envelope ({@code ce_source})
 * @param origin when set, written into every event's {@link #ORIGIN_HEADER} header: a service that consumes the
 *     topics it publishes on tells its own events by it
 * @param relayEnabled whether this instance runs a relay (all replicas may; only one publishes at a time)
 * @param commitNotifications whether outbox commits notify PostgreSQL's channel and the relay listens to it
 *     ({@link OutboxNotifications}); for services with occasional writes only, as a notifying commit cannot share
 *     its WAL flush with other notifying commits
 * @param pollInterval how long the relay waits when it found nothing to publish; a safety net, because commits
 *     wake it ({@link OutboxNotifications}), so it can be long and an idle service stays idle
 * @param wakeUpDelay how long a woken relay waits before it publishes, gathering the commits of that moment into one
 *     batch: on the redirector's redeem path, publishing each grant batch's events on their own cost more CPU than
 *     the grants
 * @param retryInterval how soon the relay tries again after an attempt failed (broker or database away), whatever
 *     the poll interval
 * @param batchSize how many events one relay transaction publishes at most (but a row of more is published whole)
 * @param unknownTopicGrace how long an event for a topic the broker does not know waits before it goes to the dead
 *     letters: topics may be created after the services that write to them start
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
        @DefaultValue("5m") Duration unknownTopicGrace,
        @DefaultValue("30s") Duration sendTimeout) {

    /** The Kafka header that carries {@link #origin()}. */
    public static final String ORIGIN_HEADER = "sharelinks_origin";
}
