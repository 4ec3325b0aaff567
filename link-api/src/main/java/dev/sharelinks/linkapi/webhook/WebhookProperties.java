package dev.sharelinks.linkapi.webhook;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How webhooks are delivered ({@code sharelinks.link-api.webhooks}).
 *
 * @param allowedPrivateAddresses which non-public addresses an endpoint's URL may resolve to
 *     ({@code WEBHOOKS_ALLOWED_PRIVATE_ADDRESSES}): none in production, loopback in the local stack
 * @param dispatcherEnabled whether this instance sends deliveries ({@code WEBHOOKS_DISPATCHER}); every instance
 *     that has it claims due deliveries, so they share the work
 * @param maxEndpointsPerAccount how many endpoints one account may register
 * @param connectTimeout how long a connection to an endpoint may take
 * @param timeout how long an endpoint may take to answer a delivery before it counts as failed
 * @param batchSize most deliveries one dispatcher sends at once
 * @param pollInterval how often the dispatcher looks for due deliveries
 * @param orderWindow how long a new message waits before its first attempt, so that an event about the same subject
 *     that happened earlier but was read later (another service's, behind its relay) is sent first
 * @param retryInitialInterval the wait after a delivery's first failed attempt, doubled after each one
 * @param retryMaxInterval the longest wait between two attempts
 * @param retryFor how long after its message was written a delivery is retried before it is failed for good
 * @param failingAfter consecutive failed attempts after which the list shows an endpoint as failing
 * @param finishedRetention how long delivered and failed deliveries are kept
 */
@ConfigurationProperties("sharelinks.link-api.webhooks")
public record WebhookProperties(
        @DefaultValue("none") PrivateAddresses allowedPrivateAddresses,
        @DefaultValue("true") boolean dispatcherEnabled,
        @DefaultValue("20") int maxEndpointsPerAccount,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("32") int batchSize,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("1s") Duration orderWindow,
        @DefaultValue("5s") Duration retryInitialInterval,
        @DefaultValue("1h") Duration retryMaxInterval,
        @DefaultValue("25h") Duration retryFor,
        @DefaultValue("5") int failingAfter,
        @DefaultValue("30d") Duration finishedRetention) {

    /** Which addresses besides public ones an endpoint may have. */
    public enum PrivateAddresses {
        NONE,
        LOOPBACK,
        ALL
    }

    /** How long a dispatcher holds a claimed delivery: past it, one that died mid-delivery leaves it to another. */
    Duration claim() {
        return connectTimeout.plus(timeout).plusSeconds(5);
    }
}
