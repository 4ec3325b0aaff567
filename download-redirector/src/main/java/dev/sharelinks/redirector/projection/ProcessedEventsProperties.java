package dev.sharelinks.redirector.projection;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long the projection remembers the ids of the events it applied ({@code processed_events}).
 *
 * @param retention how long an applied event's id is kept. Kafka delivers an event again only from a consumer's last
 *     committed offset, after a crash or a rebalance cut short a batch, so a repeat arrives within minutes; a week is
 *     far past that. Every change the projection makes also converges when a key's events come again in order
 *     (docs/architecture.md, "None applied twice"), so an id pruned too early costs nothing either
 * @param pruneInterval how often each replica deletes the ids past their retention
 * @param pruneBatch ids deleted per statement, so that pruning never holds many row locks at once
 */
@ConfigurationProperties("sharelinks.projection.processed-events")
public record ProcessedEventsProperties(
        @DefaultValue("7d") Duration retention,
        @DefaultValue("1h") Duration pruneInterval,
        @DefaultValue("10000") int pruneBatch) {}
