package dev.sharelinks.redirector.redeem;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Password-protected links: how many attempts one client address may make per link, and how much CPU checking
 * them may take.
 *
 * @param attempts attempts allowed per link and client address within {@code window}; further ones answer 429
 * @param window the window, from the client's first attempt on the link
 * @param checkThreads passwords checked at once (a check is a slow hash, tens of milliseconds of CPU)
 * @param checkQueue checks waiting for a thread at most; past it, 503 with Retry-After
 */
@ConfigurationProperties("sharelinks.redeem.password")
public record PasswordProperties(
        @DefaultValue("5") int attempts,
        @DefaultValue("15m") Duration window,
        @DefaultValue("2") int checkThreads,
        @DefaultValue("64") int checkQueue) {}
