package dev.sharelinks.redirector.redeem;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Limits, per client address, redeems of keys and share paths that name nothing: whoever guesses gets 429 after a
 * few, while a link that exists is always served, and expired, exhausted or revoked links (a late recipient, not a
 * guess) are never counted. Keys carry 192 random bits, so guessing cannot succeed; this keeps scanners from
 * costing the database and tells them to stop.
 */
@Component
class MissLimiter {

    private final MissLimitProperties properties;
    /** Each client's misses in its current window; the entry expires with the window. */
    private final Cache<String, Window> windows;

    private final Meter.MeterProvider<Counter> refusals;

    MissLimiter(MissLimitProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.refusals = Counter.builder("sharelinks.redeem.refused")
                .description("GETs and HEADs of the public routes answered without a download, by route and reason")
                .withRegistry(meters);
        this.windows = Caffeine.newBuilder()
                .maximumSize(properties.maxClients())
                .expireAfterWrite(properties.window())
                .build();
    }

    /**
     * A request found nothing to serve: 404, or 429 with {@code Retry-After} once this client has asked for too many
     * keys or paths that never existed, in the route's contract format. Only keys or paths that were never known
     * count; an expired or used-up link, or an inactive token, is a late visitor, not a guess.
     */
    Mono<ResponseEntity<String>> miss(Mono<Boolean> known, @Nullable String clientAddress, PublicRoute route) {
        return known.map(exists -> {
            Optional<Duration> wait = exists ? Optional.<Duration>empty() : recordMiss(clientAddress);
            refused(route, exists ? "not-live" : wait.isPresent() ? "throttled" : "unknown");
            return wait.map(retryAfter ->
                            RedeemResponses.retryLater(HttpStatus.TOO_MANY_REQUESTS, retryAfter, route.tooManyBody()))
                    .orElseGet(() -> RedeemResponses.json(HttpStatus.NOT_FOUND, route.notFoundBody()));
        });
    }

    /**
     * Counts a refused redeem: {@code not-live} (expired, used up, revoked or inactive: a late visitor),
     * {@code unknown} (never existed), {@code throttled} (429), {@code not-granted} (a token without download).
     */
    void refused(PublicRoute route, String reason) {
        refusals.withTags("route", route.tag(), "reason", reason).increment();
    }

    private Optional<Duration> recordMiss(@Nullable String clientAddress) {
        String client = clientAddress == null ? "unknown" : clientAddress;
        long now = System.nanoTime();
        Window window = windows.get(client, address -> new Window(now, new AtomicInteger()));
        if (window.misses().incrementAndGet() <= properties.misses()) {
            return Optional.empty();
        }
        Duration elapsed = Duration.ofNanos(now - window.startedAt());
        Duration wait = properties.window().minus(elapsed);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    }

    private record Window(long startedAt, AtomicInteger misses) {}
}
