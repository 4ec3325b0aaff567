package dev.sharelinks.messaging.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Read-your-writes across the event boundary: a write's answer waits (bounded) until the consumer group that
 * projects its events (the redirector's) has applied the event the write appended to the outbox. So a link's URL
 * redeems as soon as its create answered, on any replica, and a revoked link stops at once, while state still
 * reaches the projection only through Kafka.
 * <p>
 * How it knows where the event is: this replica's relay says where the broker stored it ({@link #published}), or,
 * when another replica's relay sent it, its row is seen gone from the outbox (a row is deleted only once the broker
 * acknowledged its event) and the end offset of the partition its key goes to is read, which is past the event.
 * Then the group's committed offset there is read until it passes the event. Listeners commit each record after
 * applying it ({@code AckMode.RECORD}), so a committed offset means applied. One loop serves every waiting write
 * with at most one outbox query and one call of each kind to the broker per pass.
 * <p>
 * A write whose event is not applied within the timeout (the broker or the projection away or behind) is answered
 * all the same: it is committed and its event will follow; {@code sharelinks.read_your_writes{outcome="timeout"}}
 * counts those.
 */
public class ReadYourWrites implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReadYourWrites.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);

    private final DatabaseClient db;
    /** Only where writes wait: a service that names no consumer group opens no admin connection. */
    private final @Nullable Admin admin;

    private final ReadYourWritesProperties properties;
    private final Timer applied;
    private final Timer timedOut;
    /**
     * A waiter for each outbox row that writes wait for: added by the writes, looked up by the relay's reports, and
     * read and removed by the loop's thread alone, which is the only one to touch a waiter's partition and end offset.
     */
    private final Map<Long, Waiter> waiting = new ConcurrentHashMap<>();

    private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();
    private final AtomicBoolean passScheduled = new AtomicBoolean();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "read-your-writes");
        thread.setDaemon(true);
        return thread;
    });

    public ReadYourWrites(
            DatabaseClient db, Supplier<Admin> admin, ReadYourWritesProperties properties, MeterRegistry meters) {
        this.db = db;
        this.properties = properties;
        this.admin = enabled() ? admin.get() : null;
        Timer.Builder waits = Timer.builder("sharelinks.read_your_writes")
                .description("writes waiting until the projecting consumer group applied their event, by outcome");
        this.applied = waits.tag("outcome", "applied").register(meters);
        this.timedOut = waits.tag("outcome", "timeout").register(meters);
    }

    /** Whether writes wait at all: a consumer group is configured. */
    public boolean enabled() {
        return properties.consumerGroup() != null && !properties.consumerGroup().isBlank();
    }

    /**
     * Completes once the consumer group applied the appended event, or once the timeout passed; at once when no
     * group is configured. Call it after the write's transaction committed.
     */
    public Mono<Void> awaitApplied(AppendedEvent event) {
        if (!enabled()) {
            return Mono.empty();
        }
        return Mono.defer(() -> {
            long since = System.nanoTime();
            // writes waiting for one event (an idempotent write and its replays) share its waiter and its deadline
            Waiter waiter =
                    waiting.computeIfAbsent(event.seq(), seq -> new Waiter(seq, event.topic(), event.key(), since));
            schedulePass(0);
            return Mono.fromFuture(waiter.done, true)
                    .doOnNext(wasApplied ->
                            (wasApplied ? applied : timedOut).record(System.nanoTime() - since, TimeUnit.NANOSECONDS))
                    .then();
        });
    }

    /**
     * The relay's report of rows it published and where the broker stored their events (after the rows' deletes
     * committed): the writes waiting for them skip the outbox query and the end offsets.
     */
    public void published(Map<Long, OutboxRelay.StoredAt> rows) {
        if (waiting.isEmpty()) {
            return;
        }
        boolean any = false;
        for (Map.Entry<Long, OutboxRelay.StoredAt> row : rows.entrySet()) {
            Waiter waiter = waiting.get(row.getKey());
            if (waiter != null) {
                waiter.storedAt = row.getValue();
                any = true;
            }
        }
        if (any) {
            schedulePass(0);
        }
    }

    private void schedulePass(long delayNanos) {
        if (passScheduled.compareAndSet(false, true)) {
            try {
                Future<?> unused = loop.schedule(this::pass, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closing) {
                passScheduled.set(false);
                releaseAll();
            }
        }
    }

    private void pass() {
        passScheduled.set(false);
        try {
            expire();
            readEndOffsetsOfPublished();
            completeApplied();
        } catch (RuntimeException e) {
            // the database or the broker is away: the waiters stay until they are seen through or time out
            log.debug("read-your-writes pass failed: {}", e.toString());
        }
        if (!waiting.isEmpty()) {
            schedulePass(properties.pollInterval().toNanos());
        }
    }

    private void expire() {
        long now = System.nanoTime();
        waiting.values().removeIf(waiter -> {
            if (now - waiter.since < properties.timeout().toNanos()) {
                return false;
            }
            log.warn(
                    "outbox row {} ({}, key {}) not applied by {} within {}: answering all the same",
                    waiter.seq,
                    waiter.topic,
                    waiter.key,
                    properties.consumerGroup(),
                    properties.timeout());
            waiter.done.complete(false);
            return true;
        });
    }

    /**
     * For the rows published since the last pass, the offset the group must reach: past the event where this
     * replica's relay stored it, or else the end offset of the partition its key goes to.
     */
    private void readEndOffsetsOfPublished() {
        for (Waiter waiter : waiting.values()) {
            OutboxRelay.StoredAt stored = waiter.storedAt;
            if (waiter.endOffset < 0 && stored != null) {
                waiter.partition = new TopicPartition(stored.topic(), stored.partition());
                waiter.endOffset = stored.offset() + 1;
            }
        }
        List<Waiter> unpublished =
                waiting.values().stream().filter(waiter -> waiter.endOffset < 0).toList();
        if (unpublished.isEmpty()) {
            return;
        }
        Set<Long> stillInOutbox = new HashSet<>(db.sql("SELECT seq FROM outbox WHERE seq = ANY(:seqs)")
                .bind("seqs", unpublished.stream().map(waiter -> waiter.seq).toArray(Long[]::new))
                .map(row -> row.get("seq", Long.class))
                .all()
                .collectList()
                .block(CALL_TIMEOUT));
        List<Waiter> published = unpublished.stream()
                .filter(waiter -> !stillInOutbox.contains(waiter.seq))
                .toList();
        if (published.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (Waiter waiter : published) {
            waiter.partition = new TopicPartition(waiter.topic, partitionOf(waiter.topic, waiter.key));
            latest.put(waiter.partition, OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResultInfo> ends =
                get(admin().listOffsets(latest).all());
        for (Waiter waiter : published) {
            // listOffsets answers every partition it was asked about
            waiter.endOffset = Objects.requireNonNull(ends.get(waiter.partition), "end offset")
                    .offset();
        }
    }

    private void completeApplied() {
        if (waiting.values().stream().noneMatch(waiter -> waiter.endOffset >= 0)) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed =
                get(admin().listConsumerGroupOffsets(properties.consumerGroup()).partitionsToOffsetAndMetadata());
        waiting.values().removeIf(waiter -> {
            OffsetAndMetadata offset = waiter.endOffset < 0 ? null : committed.get(waiter.partition);
            if (offset == null || offset.offset() < waiter.endOffset) {
                return false;
            }
            waiter.done.complete(true);
            return true;
        });
    }

    /** The partition Kafka's default partitioner gives a keyed record (murmur2 of the key's UTF-8 bytes). */
    private int partitionOf(String topic, String key) {
        // describeTopics answers every topic it was asked about, or fails
        int partitions = partitionCounts.computeIfAbsent(
                topic,
                name -> Objects.requireNonNull(
                                get(admin().describeTopics(Set.of(name)).allTopicNames())
                                        .get(name),
                                name)
                        .partitions()
                        .size());
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private Admin admin() {
        if (admin == null) {
            throw new IllegalStateException("no consumer group to wait for");
        }
        return admin;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> call) {
        try {
            return call.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        if (admin != null) {
            admin.close(CALL_TIMEOUT);
        }
        releaseAll();
    }

    /** Answers every waiting write at once: the service is stopping. */
    private void releaseAll() {
        waiting.values().removeIf(waiter -> {
            waiter.done.complete(null);
            return true;
        });
    }

    /**
     * The writes waiting for one event to be applied; its partition and end offset once the event is published.
     * {@code done} completes with whether the event was seen applied (false: timed out; null: the service is stopping).
     */
    private static final class Waiter {

        final long seq;
        final String topic;
        final String key;
        final long since;
        final CompletableFuture<@Nullable Boolean> done = new CompletableFuture<>();

        @Nullable
        TopicPartition partition;

        long endOffset = -1;
        /** Where this replica's relay reported the event stored; set on the relay's thread. */
        volatile OutboxRelay.@Nullable StoredAt storedAt;

        Waiter(long seq, String topic, String key, long since) {
            this.seq = seq;
            this.topic = topic;
            this.key = key;
            this.since = since;
        }
    }
}
