package dev.sharelinks.messaging.outbox;

import dev.sharelinks.events.EventSerde;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes committed outbox rows to Kafka, oldest first, and deletes them once the broker acknowledged them.
 *
 * <p>Every replica runs a relay, but a transaction-scoped advisory lock lets only one publish at a time, so
 * events with the same key reach Kafka in the order they were committed. Only acknowledged events leave the
 * outbox; the others stay for the next attempt, so while the broker is away the events wait in the database, and
 * once it is back each is published once. Twice only if the broker stored an event whose acknowledgement was
 * lost, or the delete failed after the acknowledgement: consumers deduplicate by event id.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** Any constant shared by the replicas of one service; each service has its own database schema. */
    private static final long RELAY_LOCK = 0x5348_4152_454C_4E4BL;
    /** What a batch returns when another replica's relay holds the lock. */
    private static final int LOCKED_ELSEWHERE = -1;
    /**
     * How soon to look again when another replica held the lock: it may have read its batch before this replica's
     * rows committed, and then nobody would publish them before the next poll.
     */
    private static final long LOCKED_RETRY_MILLIS = 50;
    private static final long BACKLOG_COUNT_INTERVAL_NANOS = 1_000_000_000L;

    private final DatabaseClient db;
    private final TransactionalOperator transaction;
    private final KafkaTemplate<String, byte[]> kafka;
    private final EventSerde serde;
    private final OutboxProperties properties;
    private final AtomicBoolean wakeUpPending = new AtomicBoolean();
    private final Counter published;
    private final AtomicReference<Backlog> backlog = new AtomicReference<>(new Backlog(0, 0));
    /** Told of each batch's single-event rows and where the broker stored their events, once deleted. */
    private final Consumer<Map<Long, StoredAt>> publishedRows;
    private volatile long backlogCountedAt;
    private volatile @Nullable ScheduledExecutorService executor;

    /**
     * @param publishedRows told, after each batch's deletes committed, of its single-event rows and where their
     *     events were stored (by row sequence number): what {@link ReadYourWrites} waits for, without asking
     */
    public OutboxRelay(DatabaseClient db, TransactionalOperator transaction, KafkaTemplate<String, byte[]> kafka,
            EventSerde serde, OutboxProperties properties, MeterRegistry meters,
            Consumer<Map<Long, StoredAt>> publishedRows) {
        this.db = db;
        this.publishedRows = publishedRows;
        this.transaction = transaction;
        this.kafka = kafka;
        this.serde = serde;
        this.properties = properties;
        this.published = Counter.builder("sharelinks.outbox.published")
                .description("events the broker acknowledged and the relay deleted from the outbox")
                .register(meters);
        Gauge.builder("sharelinks.outbox.pending", backlog, value -> value.get().pending())
                .description("events waiting in the outbox, as last counted (at most every second while relaying)")
                .register(meters);
        Gauge.builder("sharelinks.outbox.oldest.age", backlog, value -> value.get().oldestAgeSeconds())
                .description("age of the oldest event waiting in the outbox: the relay's lag")
                .baseUnit("seconds")
                .register(meters);
    }

    /**
     * Publishes one batch; returns how many outbox rows it published, or {@link #LOCKED_ELSEWHERE}, and where the
     * events of its single-event rows went.
     */
    private Mono<Published> publishBatch() {
        Mono<Published> batch = db.sql("SELECT pg_try_advisory_xact_lock(:lock) AS locked")
                .bind("lock", RELAY_LOCK)
                .map(row -> Boolean.TRUE.equals(row.get("locked", Boolean.class)))
                .one()
                .flatMap(locked -> locked ? publishPending() : Mono.just(new Published(LOCKED_ELSEWHERE, Map.of())));
        return transaction.transactional(batch);
    }

    private Mono<Published> publishPending() {
        // a row of several events (event_keys, V0_4) becomes one result row per event, in order
        return db.sql("""
                        SELECT o.seq, o.event_id, o.topic, coalesce(o.event_key, o.event_keys[e.nth]) AS event_key,
                               o.event_type, (extract(epoch FROM o.occurred_at) * 1000000)::bigint AS occurred_micros,
                               coalesce(e.data, o.data)::text AS data, o.trace_context::text AS trace_context, e.nth
                        FROM (SELECT * FROM outbox ORDER BY seq LIMIT :limit) o
                        LEFT JOIN LATERAL jsonb_array_elements(CASE WHEN o.event_keys IS NOT NULL THEN o.data END)
                            WITH ORDINALITY AS e(data, nth) ON true
                        ORDER BY o.seq, e.nth""")
                .bind("limit", properties.batchSize())
                .map(row -> new PendingEvent(
                        row.get("seq", Long.class),
                        eventId(row.get("event_id", UUID.class), row.get("nth", Long.class)),
                        row.get("topic", String.class),
                        row.get("event_key", String.class),
                        row.get("event_type", String.class),
                        // a number rather than timestamptz's text, whose parsing was a fifth of the relay's CPU
                        Instant.EPOCH.plus(row.get("occurred_micros", Long.class), ChronoUnit.MICROS),
                        row.get("data", String.class),
                        TraceContextHeaders.read(row.get("trace_context", String.class))))
                .all()
                .collectList()
                .flatMap(events -> events.isEmpty() ? Mono.just(new Published(0, Map.of())) : sendAndDelete(events));
    }

    /**
     * The id of a row's event: the row's own for a single event; for the {@code nth} event of a row of several, one
     * derived from the row's, so that the row published again (after a lost acknowledgement) repeats its ids.
     */
    private static UUID eventId(UUID rowEventId, @Nullable Long nth) {
        return nth == null ? rowEventId
                : UUID.nameUUIDFromBytes((rowEventId + "/" + nth).getBytes(StandardCharsets.UTF_8));
    }

    private Mono<Published> sendAndDelete(List<PendingEvent> events) {
        // sending may block while the producer fetches metadata: keep that off the database's event loop
        return Mono.fromCallable(() -> send(events))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(acknowledged -> acknowledged.rows().isEmpty()
                        ? Mono.just(new Published(0, Map.of()))
                        : db.sql("DELETE FROM outbox WHERE seq = ANY(:seqs)")
                                .bind("seqs", acknowledged.rows().toArray(Long[]::new))
                                .fetch()
                                .rowsUpdated()
                                .doOnSuccess(deleted -> published.increment(acknowledged.events()))
                                .thenReturn(new Published(acknowledged.rows().size(), acknowledged.stored())));
    }

    /**
     * Sends the events in order and returns the rows whose events the broker all acknowledged. Stops at the first
     * event the producer refuses at once (no metadata: the broker is away), and waits for every send it made to
     * settle, acknowledged or failed, which the producer's {@code delivery.timeout.ms} bounds. So no send outlives
     * its batch: an event is never published behind the relay's back after its batch was given up, which would
     * publish it twice and out of order. A row of several events stays whole until all of them are acknowledged.
     */
    private Acknowledged send(List<PendingEvent> events) throws InterruptedException {
        List<CompletableFuture<?>> sends = new ArrayList<>(events.size());
        for (PendingEvent event : events) {
            CompletableFuture<?> send;
            try {
                send = kafka.send(toRecord(event));
            } catch (RuntimeException refused) {
                send = CompletableFuture.failedFuture(refused);
            }
            sends.add(send);
            if (send.isCompletedExceptionally()) {
                break;
            }
        }
        boolean[] acknowledged = new boolean[events.size()];
        RecordMetadata[] storedAt = new RecordMetadata[events.size()];
        int acknowledgedEvents = 0;
        Throwable failure = null;
        for (int i = 0; i < sends.size(); i++) {
            try {
                if (sends.get(i).get() instanceof SendResult<?, ?> result) {
                    storedAt[i] = result.getRecordMetadata();
                }
                acknowledged[i] = true;
                acknowledgedEvents++;
            } catch (ExecutionException e) {
                failure = e.getCause();
            }
        }
        if (failure != null) {
            log.warn("outbox relay: {} of {} events acknowledged, the rest stay for the next attempt: {}",
                    acknowledgedEvents, events.size(), failure.toString());
        }
        // a row's events are next to each other, in order
        List<Long> rows = new ArrayList<>();
        Map<Long, StoredAt> stored = new HashMap<>();
        int rowEvents = 0;
        for (int first = 0, end; first < events.size(); first = end) {
            long seq = events.get(first).seq();
            boolean whole = true;
            for (end = first; end < events.size() && events.get(end).seq() == seq; end++) {
                whole &= acknowledged[end];
            }
            if (whole) {
                rows.add(seq);
                rowEvents += end - first;
                if (end - first == 1 && storedAt[first] != null) {
                    stored.put(seq, new StoredAt(storedAt[first].topic(), storedAt[first].partition(),
                            storedAt[first].offset()));
                }
            }
        }
        return new Acknowledged(rows, rowEvents, stored);
    }

    private ProducerRecord<String, byte[]> toRecord(PendingEvent event) {
        byte[] value = serde.serialize(event.eventId(), event.type(), event.occurredAt(), properties.source(),
                event.key(), event.data());
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(event.topic(), event.key(), value);
        header(record, "ce_specversion", "1.0");
        header(record, "ce_id", event.eventId().toString());
        header(record, "ce_type", event.type());
        header(record, "ce_source", properties.source());
        header(record, "ce_subject", event.key());
        header(record, "ce_time", event.occurredAt().toString());
        header(record, "content-type", "application/json");
        event.traceContext().forEach((name, text) -> header(record, name, text));
        if (properties.origin() != null) {
            header(record, OutboxProperties.ORIGIN_HEADER, properties.origin());
        }
        return record;
    }

    private static void header(ProducerRecord<String, byte[]> record, String name, String value) {
        record.headers().add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
    }

    private void relayUntilEmpty() {
        try {
            Published published;
            do {
                published = publishBatch().block();
                if (published != null && !published.stored().isEmpty()) {
                    publishedRows.accept(published.stored());
                }
            } while (published != null && published.rows() == properties.batchSize());
            if (published != null && published.rows() == LOCKED_ELSEWHERE) {
                retryIn(LOCKED_RETRY_MILLIS);
            }
            countBacklog();
        } catch (RuntimeException e) {
            // the broker or the database is away; the rows stay in the outbox for another attempt, soon: the poll
            // may be long, and the notifications of commits made while it was away are gone
            log.warn("outbox relay could not publish, will retry in {}: {}", properties.retryInterval(), e.toString());
            retryIn(properties.retryInterval().toMillis());
        }
    }

    /** Refreshes the backlog gauges, at most once a second: the relay may run hundreds of times a second. */
    private void countBacklog() {
        long now = System.nanoTime();
        if (now - backlogCountedAt < BACKLOG_COUNT_INTERVAL_NANOS) {
            return;
        }
        backlogCountedAt = now;
        Backlog counted = db.sql("""
                        SELECT coalesce(sum(coalesce(cardinality(event_keys), 1)), 0) AS pending,
                               coalesce(extract(epoch FROM now() - min(occurred_at)), 0)::float8 AS oldest
                        FROM outbox""")
                .map(row -> new Backlog(row.get("pending", Long.class), row.get("oldest", Double.class)))
                .one()
                .block();
        if (counted != null) {
            backlog.set(counted);
        }
    }

    private void retryIn(long millis) {
        ScheduledExecutorService running = executor;
        if (running != null) {
            try {
                running.schedule(this::wakeUp, millis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // shutting down: the rows stay in the outbox for the next start
            }
        }
    }

    /**
     * Publishes soon instead of at the next poll: after {@code wake-up-delay}, so that under a stream of commits the
     * relay publishes batches rather than one event per transaction; calls while a wake-up is pending coalesce.
     */
    public void wakeUp() {
        ScheduledExecutorService running = executor;
        if (running != null && wakeUpPending.compareAndSet(false, true)) {
            try {
                running.schedule(() -> {
                    wakeUpPending.set(false);
                    relayUntilEmpty();
                }, properties.wakeUpDelay().toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopping) {
                // shutting down: the event stays in the outbox for the next start
                wakeUpPending.set(false);
            }
        }
    }

    @Override
    public synchronized void start() {
        if (executor != null || !properties.relayEnabled()) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "outbox-relay");
            thread.setDaemon(true);
            return thread;
        });
        long interval = properties.pollInterval().toMillis();
        executor.scheduleWithFixedDelay(this::relayUntilEmpty, 0, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            executor.awaitTermination(properties.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }

    private record Backlog(long pending, double oldestAgeSeconds) {
    }

    /**
     * The outbox rows to delete, how many events they held, and where the broker stored the events of the
     * single-event ones.
     */
    private record Acknowledged(List<Long> rows, int events, Map<Long, StoredAt> stored) {
    }

    /** What one batch published: its row count (or {@link #LOCKED_ELSEWHERE}), and {@link Acknowledged#stored}. */
    private record Published(int rows, Map<Long, StoredAt> stored) {
    }

    /** Where the broker stored an event. */
    public record StoredAt(String topic, int partition, long offset) {
    }

    /** @param traceContext the headers that carry the trace of the request that wrote the event; often none */
    private record PendingEvent(long seq, UUID eventId, String topic, String key, String type, Instant occurredAt,
            String data, Map<String, String> traceContext) {
    }
}
