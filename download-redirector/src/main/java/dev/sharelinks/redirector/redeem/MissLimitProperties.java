package dev.sharelinks.redirector.redeem;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many redeems of keys or share paths that name nothing one client address may make per window before further
 * misses answer 429. Counted per redirector instance.
 *
 * @param misses misses allowed per window
 * @param window the window, starting at the client's first miss
 * @param maxClients client addresses tracked at once (the least recently seen are dropped first)
 */
@ConfigurationProperties("sharelinks.redeem.miss-limit")
public record MissLimitProperties(
        @DefaultValue("30") int misses,
        @DefaultValue("1m") Duration window,
        @DefaultValue("100000") long maxClients) {}
