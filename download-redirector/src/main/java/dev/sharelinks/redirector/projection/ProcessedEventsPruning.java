package dev.sharelinks.redirector.projection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code processed_events} bounded: deletes the ids applied longer ago than the retention, a batch per
 * statement. Every replica runs it; the deletes are idempotent.
 */
@Component
class ProcessedEventsPruning implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(ProcessedEventsPruning.class);
    private static final Duration STATEMENT_TIMEOUT = Duration.ofMinutes(1);
    private static final String PRUNE = """
            DELETE FROM processed_events WHERE event_id IN (
                SELECT event_id FROM processed_events WHERE processed_at < :before LIMIT :batch
                FOR UPDATE SKIP LOCKED)""";

    private final DatabaseClient db;
    private final ProcessedEventsProperties properties;
    private final Counter pruned;

    ProcessedEventsPruning(DatabaseClient db, ProcessedEventsProperties properties, MeterRegistry meters) {
        this.db = db;
        this.properties = properties;
        this.pruned = Counter.builder("sharelinks.projection.processed.events.pruned")
                .description("Applied event ids deleted from processed_events past their retention")
                .register(meters);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(
                new FixedDelayTask(this::pruneSafely, properties.pruneInterval(), properties.pruneInterval()));
    }

    /** Deletes every id applied before the retention; how many. */
    long prune() {
        Instant before = Instant.now().minus(properties.retention());
        long total = 0;
        long deleted;
        do {
            @Nullable
            Long rows = db.sql(PRUNE)
                    .bind("before", before.atOffset(ZoneOffset.UTC))
                    .bind("batch", properties.pruneBatch())
                    .fetch()
                    .rowsUpdated()
                    .block(STATEMENT_TIMEOUT);
            deleted = rows == null ? 0 : rows;
            total += deleted;
            pruned.increment((double) deleted);
        } while (deleted == properties.pruneBatch());
        return total;
    }

    private void pruneSafely() {
        try {
            long deleted = prune();
            if (deleted > 0) {
                log.info("pruned {} applied event ids older than {}", deleted, properties.retention());
            }
        } catch (RuntimeException e) {
            // the database may be away: the next run catches up, and nothing depends on the ids being gone
            log.warn(
                    "pruning processed_events failed, trying again in {}: {}",
                    properties.pruneInterval(),
                    e.toString());
        }
    }
}
