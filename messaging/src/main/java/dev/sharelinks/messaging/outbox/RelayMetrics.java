package dev.sharelinks.messaging.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** The relay's meters: events published and dead-lettered, failed attempts, and the backlog as last seen. */
class RelayMetrics {

    private static final long BACKLOG_COUNT_INTERVAL_NANOS = 1_000_000_000L;

    private final Counter published;
    private final Counter deadLettered;
    private final Counter failedAttempts;
    private final AtomicReference<OutboxRows.Backlog> backlog = new AtomicReference<>(new OutboxRows.Backlog(0, 0));
    private volatile long backlogCountedAt;

    RelayMetrics(MeterRegistry meters) {
        published = Counter.builder("sharelinks.outbox.published")
                .description("events the broker acknowledged and the relay deleted from the outbox")
                .register(meters);
        deadLettered = Counter.builder("sharelinks.outbox.dead.lettered")
                .description("events Kafka refused for good, moved to outbox_dead_letters with the reason")
                .register(meters);
        failedAttempts = Counter.builder("sharelinks.outbox.attempts.failed")
                .description("relay attempts that left events in the outbox for the next: the broker or the database"
                        + " away or slow")
                .register(meters);
        Gauge.builder(
                        "sharelinks.outbox.pending",
                        backlog,
                        value -> current(value).pending())
                .description("events waiting in the outbox after the relay's last batch (counted, at most every second,"
                        + " behind a backlog longer than a batch)")
                .register(meters);
        Gauge.builder(
                        "sharelinks.outbox.oldest.age",
                        backlog,
                        value -> current(value).oldestAgeSeconds())
                .description("age of the oldest event waiting in the outbox: the relay's lag")
                .baseUnit("seconds")
                .register(meters);
    }

    /** Starts as an empty backlog and is only ever set to a count. */
    private static OutboxRows.Backlog current(AtomicReference<OutboxRows.Backlog> backlog) {
        return Objects.requireNonNull(backlog.get(), "backlog");
    }

    void settled(RowSettlement settlement) {
        published.increment(settlement.publishedEvents());
        deadLettered.increment(settlement.deadEvents());
        if (settlement.leftEvents() > 0) {
            failedAttempts.increment();
        }
    }

    /** An attempt that failed before its sends settled, the database's or the broker's failure. */
    void attemptFailed() {
        failedAttempts.increment();
    }

    /**
     * Whether the backlog is due for a count, which scans the whole outbox table: at most once a second, as the relay
     * may run hundreds of times one.
     */
    boolean backlogDue() {
        long now = System.nanoTime();
        if (now - backlogCountedAt < BACKLOG_COUNT_INTERVAL_NANOS) {
            return false;
        }
        backlogCountedAt = now;
        return true;
    }

    void backlog(OutboxRows.Backlog counted) {
        backlog.set(counted);
    }
}
