package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.redirector.redeem.GrantQueue.Waiting;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** How GETs leave in statements: alone when idle, together when a statement is in flight, never left waiting. */
class GrantQueueTest {

    private static final Executor HERE = Runnable::run;

    private final Queue<Statement> statements = new ConcurrentLinkedQueue<>();
    private final Queue<String> answered = new ConcurrentLinkedQueue<>();

    /** One statement the queue ran: its batch, and its commit, which the test signals. */
    private record Statement(List<String> batch, Sinks.Empty<Void> committed) {}

    private GrantQueue<String, String> queue(int maxSize) {
        return queue(maxSize, Duration.ofSeconds(10));
    }

    private GrantQueue<String, String> queue(int maxSize, Duration statementTimeout) {
        return new GrantQueue<>(
                PublicRoute.LINK,
                new GrantBatchProperties(maxSize, 1, statementTimeout),
                new SimpleMeterRegistry(),
                batch -> {
                    Sinks.Empty<Void> committed = Sinks.empty();
                    statements.add(
                            new Statement(batch.stream().map(Waiting::request).toList(), committed));
                    // once committed, every GET of the batch is granted its own request back
                    return committed
                            .asMono()
                            .then(Mono.<Runnable>just(() -> batch.forEach(get -> get.grant(get.request()))));
                });
    }

    @Test
    void whenIdleThenAGetLeavesAtOnceAlone() {
        GrantQueue<String, String> queue = queue(256);

        queue.submit("a", HERE).subscribe();

        assertThat(statements).extracting(Statement::batch).containsExactly(List.of("a"));
    }

    @Test
    void whenAStatementIsInFlightThenTheGetsArrivingMeanwhileLeaveTogetherWhenItIsDone() {
        submitAll(queue(256), "a", "b", "c", "d");

        commitNext();

        assertThat(statements).extracting(Statement::batch).containsExactly(List.of("b", "c", "d"));
        commitNext();
        assertThat(answered).containsExactly("a", "b", "c", "d");
    }

    @Test
    void whenMoreGetsWaitThanOneStatementTakesThenTheRestLeaveWithTheNext() {
        submitAll(queue(2), "a", "b", "c", "d");

        commitNext();

        assertThat(statements).extracting(Statement::batch).containsExactly(List.of("b", "c"));
        commitNext();
        assertThat(statements).extracting(Statement::batch).containsExactly(List.of("d"));
        commitNext();
        assertThat(answered).containsExactly("a", "b", "c", "d");
    }

    @Test
    void whenAStatementFailsThenEveryGetOfItsBatchGetsTheFailureAndTheNextBatchStillLeaves() {
        GrantQueue<String, String> queue = queue(256);
        Queue<Throwable> failed = new ConcurrentLinkedQueue<>();
        queue.submit("a", HERE).subscribe(answered::add);
        queue.submit("b", HERE).subscribe(answered::add, failed::add);
        queue.submit("c", HERE).subscribe(answered::add, failed::add);
        commitNext();

        statements.remove().committed().tryEmitError(new IllegalStateException("connection lost"));

        assertThat(failed).hasSize(2).allMatch(IllegalStateException.class::isInstance);
        queue.submit("d", HERE).subscribe(answered::add);
        commitNext();
        assertThat(answered).containsExactly("a", "d");
    }

    @Test
    void whenAStatementNeverAnswersThenItsGetsFailAtTheTimeoutAndTheSlotGoesToTheNextBatch() {
        GrantQueue<String, String> queue = queue(256, Duration.ofMillis(100));
        Queue<Throwable> failed = new ConcurrentLinkedQueue<>();
        queue.submit("a", HERE).subscribe(answered::add, failed::add);

        await().atMost(Duration.ofSeconds(5)).until(() -> !failed.isEmpty());

        assertThat(failed).singleElement().isInstanceOf(TimeoutException.class);
        statements.remove();
        queue.submit("b", HERE).subscribe(answered::add);
        commitNext();
        assertThat(answered).containsExactly("b");
    }

    /** GETs arriving one after the other, each answer kept in {@link #answered}. */
    private void submitAll(GrantQueue<String, String> queue, String... gets) {
        for (String get : gets) {
            queue.submit(get, HERE).subscribe(answered::add);
        }
    }

    /** The oldest statement in flight commits; its batch is answered. */
    private void commitNext() {
        Statement statement = statements.poll();
        assertThat(statement).isNotNull();
        statement.committed().tryEmitEmpty();
    }
}
