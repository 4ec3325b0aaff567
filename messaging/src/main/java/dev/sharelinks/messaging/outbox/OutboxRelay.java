package dev.sharelinks.messaging.outbox;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes committed outbox rows to Kafka, oldest first, and deletes them once the broker acknowledged them; moves
 * a row Kafka refused for good to the dead letters and goes on.
 *
 * <p>Every replica runs a relay, but a transaction-scoped advisory lock lets only one publish at a time, so
 * events with the same key reach Kafka in the order they were committed. Only acknowledged events leave the
 * outbox; the others stay for the next attempt, so while the broker is away the events wait in the database, and
 * once it is back each is published once. Twice only if the broker stored an event whose acknowledgement was
 * lost, or the delete failed after the acknowledgement: consumers deduplicate by event id.
 *
 * <p>It runs when woken ({@link #wakeUp}: a commit here or, through {@link OutboxNotifications}, anywhere), at each
 * poll (a safety net), soon again after another replica held the lock, and after a failed attempt.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /**
     * How soon to look again when another replica held the lock: it may have read its batch before this replica's
     * rows committed, and then nobody would publish them before the next poll.
     */
    private static final long LOCKED_RETRY_MILLIS = 50;

    private final OutboxRows rows;
    private final EventSender sender;
    private final TransactionalOperator transaction;
    private final OutboxProperties properties;
    private final RelayMetrics metrics;
    /** Told of each batch's single-event rows and where the broker stored their events, once deleted. */
    private final Consumer<Map<Long, StoredAt>> publishedRows;

    private final AtomicBoolean wakeUpPending = new AtomicBoolean();
    private volatile @Nullable ScheduledExecutorService executor;

    /**
     * @param publishedRows told, after each batch's deletes committed, of its single-event rows and where their
     *     events were stored (by row sequence number): what {@link ReadYourWrites} waits for, without asking
     */
    OutboxRelay(
            OutboxRows rows,
            EventSender sender,
            TransactionalOperator transaction,
            OutboxProperties properties,
            RelayMetrics metrics,
            Consumer<Map<Long, StoredAt>> publishedRows) {
        this.rows = rows;
        this.sender = sender;
        this.transaction = transaction;
        this.properties = properties;
        this.metrics = metrics;
        this.publishedRows = publishedRows;
    }

    /** One batch, in a transaction: empty when another replica's relay holds the lock. */
    private Mono<Batch> publishBatch() {
        Mono<Batch> batch = rows.lockForThisTransaction()
                .filter(Boolean::booleanValue)
                .flatMap(locked -> rows.oldest(properties.batchSize()))
                .flatMap(oldest -> oldest.events().isEmpty() ? Mono.just(Batch.EMPTY) : sendAndSettle(oldest));
        return transaction.transactional(batch);
    }

    private Mono<Batch> sendAndSettle(OutboxRows.Oldest oldest) {
        List<PendingEvent> events = oldest.events();
        // sending may block while the producer fetches metadata: keep that off the database's event loop
        return Mono.fromCallable(() -> RowSettlement.of(events, sender.send(events)))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(settlement -> rows.delete(settlement.published())
                        .then(rows.deadLetter(settlement.deadLetters()))
                        .doOnSuccess(done -> {
                            metrics.settled(settlement);
                            settlement
                                    .deadLetters()
                                    .forEach((seq, reason) -> log.error(
                                            "outbox relay: row {} moved to outbox_dead_letters, Kafka refused it: {}",
                                            seq,
                                            reason));
                        })
                        .thenReturn(new Batch(
                                oldest.moreWaiting(),
                                settlement.leftEvents() > 0,
                                settlement.stored(),
                                backlogAfter(oldest, settlement))));
    }

    /**
     * The backlog a batch leaves, when it read the whole of it: the events of the rows it kept for the next attempt
     * (the broker away, say), aged as read. Null when more rows wait behind the batch: only a count tells then.
     */
    private static OutboxRows.@Nullable Backlog backlogAfter(OutboxRows.Oldest oldest, RowSettlement settlement) {
        return oldest.moreWaiting() ? null : OutboxRows.Backlog.of(settlement.left(), oldest.readAt());
    }

    private void relayUntilEmpty() {
        try {
            Batch batch;
            do {
                batch = publishBatch().block();
                if (batch != null && !batch.stored().isEmpty()) {
                    publishedRows.accept(batch.stored());
                }
                OutboxRows.Backlog left = batch == null ? null : batch.backlog();
                if (left != null) {
                    metrics.backlog(left);
                } else if (metrics.backlogDue()) {
                    // a backlog longer than a batch, counted while it drains too, when the gauge matters most; or
                    // another replica's relay holds the lock, and this one's gauge would otherwise stand still
                    OutboxRows.Backlog counted = rows.backlog().block();
                    if (counted != null) {
                        metrics.backlog(counted);
                    }
                }
            } while (batch != null && batch.moreWaiting() && !batch.unsettled() && !stopping());
            if (batch == null) {
                retryIn(LOCKED_RETRY_MILLIS);
            } else if (batch.unsettled()) {
                // the broker is away or slow: as for a failed attempt, try again soon rather than at the next poll
                retryIn(properties.retryInterval().toMillis());
            }
        } catch (RuntimeException e) {
            // the broker or the database is away; the rows stay in the outbox for another attempt, soon: the poll
            // may be long, and the notifications of commits made while it was away are gone
            log.warn("outbox relay could not publish, will retry in {}: {}", properties.retryInterval(), e.toString());
            metrics.attemptFailed();
            retryIn(properties.retryInterval().toMillis());
        }
    }

    /** Stopping: a backlog's next batch waits for the next start, so that stopping does not wait for it. */
    private boolean stopping() {
        ScheduledExecutorService running = executor;
        return running == null || running.isShutdown();
    }

    private void retryIn(long millis) {
        ScheduledExecutorService running = executor;
        if (running != null) {
            try {
                Future<?> unused = running.schedule(this::wakeUp, millis, TimeUnit.MILLISECONDS);
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
                Future<?> unused = running.schedule(
                        () -> {
                            wakeUpPending.set(false);
                            relayUntilEmpty();
                        },
                        properties.wakeUpDelay().toNanos(),
                        TimeUnit.NANOSECONDS);
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
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "outbox-relay");
            thread.setDaemon(true);
            return thread;
        });
        executor = started;
        long interval = properties.pollInterval().toMillis();
        // relayUntilEmpty catches its failures: one that escaped would end the polling, unseen by this future
        Future<?> unused = started.scheduleWithFixedDelay(this::relayUntilEmpty, 0, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        ScheduledExecutorService running = executor;
        if (running == null) {
            return;
        }
        running.shutdown();
        try {
            running.awaitTermination(properties.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }

    /**
     * What one batch did: whether rows it could not take wait behind it, whether it kept rows for the next attempt (a
     * send unsettled), where the broker stored the events of its single-event rows, and the backlog it left when it
     * read the whole of it.
     */
    private record Batch(
            boolean moreWaiting, boolean unsettled, Map<Long, StoredAt> stored, OutboxRows.@Nullable Backlog backlog) {
        static final Batch EMPTY = new Batch(false, false, Map.of(), OutboxRows.Backlog.NONE);
    }

    /** Where the broker stored an event. */
    public record StoredAt(String topic, int partition, long offset) {}
}
