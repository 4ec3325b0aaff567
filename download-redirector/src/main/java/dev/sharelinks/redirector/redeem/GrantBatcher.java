package dev.sharelinks.redirector.redeem;

import dev.sharelinks.messaging.outbox.OutboxRelay;
import dev.sharelinks.redirector.redeem.RedeemableLinks.GrantedDownload;
import dev.sharelinks.redirector.redeem.RedeemableLinks.Grants;
import dev.sharelinks.redirector.redeem.RedeemableLinks.Redeem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Groups concurrent redeems into one grant statement each, without a timer: a redeem that finds a free slot goes
 * at once, alone; redeems that arrive while {@code maxConcurrent} statements (one by default) are in flight wait
 * and leave together with the next free slot. So an idle redirector answers with one statement's latency, and a
 * busy one commits many redeems per transaction (one WAL flush) instead of one each, which is what lets it pass
 * the database's one-statement-per-redeem limit.
 */
@Component
class GrantBatcher {

    private final RedeemableLinks links;
    private final DownloadLeases leases;
    private final OutboxRelay relay;
    private final GrantBatchProperties properties;
    private final LeaseProperties leaseProperties;
    private final Counter grants;
    private final Counter abandonedGrants;
    private final DistributionSummary batchSizes;
    private final Timer statements;
    private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final MeterRegistry meters;

    GrantBatcher(
            RedeemableLinks links,
            DownloadLeases leases,
            OutboxRelay relay,
            GrantBatchProperties properties,
            LeaseProperties leaseProperties,
            MeterRegistry meters) {
        this.links = links;
        this.leases = leases;
        this.relay = relay;
        this.properties = properties;
        this.leaseProperties = leaseProperties;
        this.grants = Counter.builder("sharelinks.redeem.grants")
                .description("downloads granted: each one a committed decrement with its DownloadConsumed event")
                .register(meters);
        this.abandonedGrants = Counter.builder("sharelinks.redeem.grants.abandoned")
                .description("downloads granted (and recorded) for visitors who had gone before the answer")
                .register(meters);
        this.batchSizes = DistributionSummary.builder("sharelinks.redeem.batch.size")
                .description("redeems per grant statement: how well concurrent redeems share a commit")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
                .register(meters);
        this.statements = Timer.builder("sharelinks.redeem.statement")
                .description("grant statements, from leaving to their committed result (or failure)")
                .publishPercentileHistogram()
                .register(meters);
        this.meters = meters;
    }

    /**
     * The object to hand out once its grant is committed, or empty if the link cannot be redeemed; signalled on
     * {@code answerOn} (the request's event loop), not on the database connection's thread.
     */
    Mono<GrantedDownload> grant(
            String key,
            @Nullable String clientAddress,
            @Nullable String userAgent,
            @Nullable String recipientRef,
            Executor answerOn) {
        return Mono.create(sink -> {
            Waiting redeem = new Waiting(
                    new Redeem(key, clientAddress, userAgent, recipientRef),
                    sink,
                    answerOn,
                    new AtomicBoolean(),
                    System.nanoTime(),
                    false);
            sink.onCancel(() -> redeem.gone().set(true));
            waiting.add(redeem);
            dispatch();
        });
    }

    /** Starts statements while there are redeems waiting and slots free; called on every arrival and completion. */
    private void dispatch() {
        while (!waiting.isEmpty()) {
            int running = inFlight.get();
            if (running >= properties.maxConcurrent()) {
                return;
            }
            if (!inFlight.compareAndSet(running, running + 1)) {
                continue;
            }
            List<Waiting> batch = new ArrayList<>();
            for (Waiting next; batch.size() < properties.maxSize() && (next = waiting.poll()) != null; ) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                // another thread took them between the check and the poll
                inFlight.decrementAndGet();
                continue;
            }
            run(batch);
        }
    }

    private void run(List<Waiting> batch) {
        batchSizes.record(batch.size());
        List<Redeem> redeems = batch.stream().map(Waiting::redeem).toList();
        BitSet rowOnly = new BitSet(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            rowOnly.set(i, batch.get(i).rowOnly());
        }
        @Nullable Long[] leased = leases.assign(redeems, rowOnly);
        Timer.Sample statement = Timer.start(meters);
        AtomicBoolean slotHeld = new AtomicBoolean(true);
        Runnable freeSlot = () -> {
            if (slotHeld.compareAndSet(true, false)) {
                statement.stop(statements);
                inFlight.decrementAndGet();
                dispatch();
            }
        };
        links.grantAll(redeems, leased)
                // a statement that never comes back must not hold the slot, and its visitors, forever
                .timeout(properties.statementTimeout())
                // the next statement leaves as soon as this one's result is in, before this batch is answered: the
                // database grants the next batch while the event loops presign and answer this one
                .doOnNext(granted -> freeSlot.run())
                .doFinally(signal -> freeSlot.run())
                .subscribe(granted -> answer(batch, leased, granted), failure -> {
                    leases.released(leased);
                    batch.forEach(w -> w.answer(() -> w.sink().error(failure)));
                });
    }

    private void answer(List<Waiting> batch, @Nullable Long[] leased, Grants outcome) {
        Map<Integer, GrantedDownload> granted = outcome.granted();
        leases.settled(leased, granted.keySet());
        if (!granted.isEmpty()) {
            // their DownloadConsumed events are committed: the relay sends them after its wake-up delay, not its poll
            relay.wakeUp();
        }
        for (int i = 0; i < batch.size(); i++) {
            Waiting redeem = batch.get(i);
            GrantedDownload download = granted.get(i);
            if (download != null) {
                grants.increment();
                if (redeem.gone().get()) {
                    // the grant is recorded like any other; counted so that grants and 302s can be reconciled
                    abandonedGrants.increment();
                }
                redeem.answer(() -> redeem.sink().success(download));
            } else if (redeem.gone().get()) {
                redeem.answer(() -> redeem.sink().success());
            } else if (leased[i] != null) {
                // its lease is gone (expired and swept) or its link no longer redeemable: the row decides
                retry(redeem.fromRowOnly(), Duration.ZERO);
            } else if (outcome.held().get(i)
                    && System.nanoTime() - redeem.since()
                            < leaseProperties.heldWait().toNanos()) {
                // the row has none left, but leases hold some: they come back when those leases end
                retry(redeem, leaseProperties.heldRetry());
            } else {
                redeem.answer(() -> redeem.sink().success());
            }
        }
    }

    private void retry(Waiting redeem, Duration after) {
        if (after.isZero()) {
            waiting.add(redeem);
            dispatch();
        } else {
            Mono.delay(after).subscribe(tick -> {
                waiting.add(redeem);
                dispatch();
            });
        }
    }

    /**
     * A redeem waiting for its statement, answered on {@code answerOn}; {@code gone} once its visitor hung up.
     * {@code since} is when it arrived (nanoTime); {@code rowOnly} once a grant from a lease failed for it.
     */
    private record Waiting(
            Redeem redeem,
            MonoSink<GrantedDownload> sink,
            Executor answerOn,
            AtomicBoolean gone,
            long since,
            boolean rowOnly) {

        Waiting fromRowOnly() {
            return new Waiting(redeem, sink, answerOn, gone, since, true);
        }

        void answer(Runnable signal) {
            try {
                answerOn.execute(signal);
            } catch (RejectedExecutionException stopping) {
                // the event loop is shutting down: answer here rather than leave the visitor without one
                signal.run();
            }
        }
    }
}
