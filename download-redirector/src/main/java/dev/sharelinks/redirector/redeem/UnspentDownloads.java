package dev.sharelinks.redirector.redeem;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Counts the public routes' answers that handed out no new download although the link was live, by route and
 * reason: {@code preview} (a link-preview or scanner agent, named by {@code agent}), {@code repeat} (a person's
 * receipt), {@code landing-page} (the page shown), and the landing form's refusals: {@code wrong-password},
 * {@code password-throttled}, {@code form-refused} (a missing, forged, stale or replayed form).
 */
@Component
class UnspentDownloads {

    private static final String NO_AGENT = "none";

    private final Meter.MeterProvider<Counter> counters;

    UnspentDownloads(MeterRegistry meters) {
        this.counters = Counter.builder("sharelinks.redeem.unspent")
                .description("answers of a live link or token that spent no download, by route, reason and agent")
                .withRegistry(meters);
    }

    void preview(PublicRoute route, String agent) {
        counters.withTags("route", route.tag(), "reason", "preview", "agent", agent)
                .increment();
    }

    void count(PublicRoute route, String reason) {
        counters.withTags("route", route.tag(), "reason", reason, "agent", NO_AGENT)
                .increment();
    }
}
