package dev.sharelinks.redirector.redeem;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Groups one route's concurrent GETs into one grant statement each, without a timer: a GET that finds a free slot
 * goes at once, alone; GETs that arrive while {@code maxConcurrent} statements (one by default) are in flight wait
 * and leave together with the next free slot. So an idle redirector answers with one statement's latency, and a
 * busy one records many downloads per transaction (one WAL flush) instead of one each, which is what lets it pass
 * the database's one-statement-per-download limit.
 *
 * @param <Q> what one GET asks for
 * @param <A> what a GET that was granted is answered with
 */
final class GrantQueue<Q, A> {

    /** One batch's grant statement. */
    @FunctionalInterface
    interface Statement<Q, A> {

        /**
         * Runs the statement for {@code batch}: completes, once its result is committed, with what answers the
         * batch. If it fails or times out, every GET of the batch gets the failure.
         */
        Mono<Runnable> run(List<Waiting<Q, A>> batch);
    }

    private final GrantBatchProperties properties;
    private final Statement<Q, A> statement;
    private final DistributionSummary batchSizes;
    private final Timer statements;
    private final MeterRegistry meters;
    private final Queue<Waiting<Q, A>> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    GrantQueue(PublicRoute route, GrantBatchProperties properties, MeterRegistry meters, Statement<Q, A> statement) {
        this.properties = properties;
        this.statement = statement;
        this.batchSizes = DistributionSummary.builder("sharelinks.redeem.batch.size")
                .description("GETs per grant statement: how well concurrent GETs share a commit")
                .tag("route", route.tag())
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
                .register(meters);
        this.statements = Timer.builder("sharelinks.redeem.statement")
                .description("grant statements, from leaving to their committed result (or failure)")
                .tag("route", route.tag())
                .publishPercentileHistogram()
                .register(meters);
        this.meters = meters;
    }

    /**
     * Queues one GET: the answer its batch's statement gives it, or empty, signalled on {@code answerOn} (the
     * request's event loop), not on the database connection's thread. A visitor who hangs up does not take their
     * GET out of the queue: it is marked {@linkplain Waiting#gone gone}, and its grant, if any, is still recorded.
     */
    Mono<A> submit(Q request, Executor answerOn) {
        return Mono.create(sink -> {
            Waiting<Q, A> get = new Waiting<>(request, sink, answerOn, new AtomicBoolean(), System.nanoTime());
            sink.onCancel(() -> get.gone().set(true));
            add(get);
        });
    }

    /** Queues a GET again, for the next statement. */
    void add(Waiting<Q, A> get) {
        waiting.add(get);
        dispatch();
    }

    /** Starts statements while there are GETs waiting and slots free; called on every arrival and completion. */
    private void dispatch() {
        while (!waiting.isEmpty()) {
            int running = inFlight.get();
            if (running >= properties.maxConcurrent()) {
                return;
            }
            if (!inFlight.compareAndSet(running, running + 1)) {
                continue;
            }
            List<Waiting<Q, A>> batch = new ArrayList<>();
            for (Waiting<Q, A> next; batch.size() < properties.maxSize() && (next = waiting.poll()) != null; ) {
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

    private void run(List<Waiting<Q, A>> batch) {
        batchSizes.record(batch.size());
        Timer.Sample started = Timer.start(meters);
        AtomicBoolean slotHeld = new AtomicBoolean(true);
        Runnable freeSlot = () -> {
            if (slotHeld.compareAndSet(true, false)) {
                started.stop(statements);
                inFlight.decrementAndGet();
                dispatch();
            }
        };
        Mono.defer(() -> statement.run(batch))
                // a statement that never comes back must not hold the slot, and its visitors, forever
                .timeout(properties.statementTimeout())
                // the next statement leaves as soon as this one's result is in, before this batch is answered: the
                // database grants the next batch while the event loops presign and answer this one
                .doOnNext(answers -> freeSlot.run())
                .doFinally(signal -> freeSlot.run())
                .subscribe(Runnable::run, failure -> batch.forEach(get -> get.fail(failure)));
    }

    /**
     * A GET waiting for its statement, answered on {@code answerOn}; {@code gone} once its visitor hung up.
     * {@code since} is when it arrived (nanoTime).
     */
    record Waiting<Q, A>(Q request, MonoSink<A> sink, Executor answerOn, AtomicBoolean gone, long since) {

        /** The same GET (visitor, arrival), asking for {@code changed}. */
        Waiting<Q, A> asking(Q changed) {
            return new Waiting<>(changed, sink, answerOn, gone, since);
        }

        void grant(A answer) {
            answer(() -> sink.success(answer));
        }

        /** Answered with nothing: not granted. */
        void refuse() {
            answer(sink::success);
        }

        void fail(Throwable failure) {
            answer(() -> sink.error(failure));
        }

        private void answer(Runnable signal) {
            try {
                answerOn.execute(signal);
            } catch (RejectedExecutionException stopping) {
                // the event loop is shutting down: answer here rather than leave the visitor without one
                signal.run();
            }
        }
    }
}
