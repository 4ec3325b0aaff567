package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** A visitor's hang-up cancels the answer, never the database call under it. */
class UncancellableCallTest {

    @Test
    void whenTheSubscriberCancelsThenTheCallRunsToItsEndAndItsAnswerIsDropped() {
        Sinks.One<String> database = Sinks.one();
        AtomicBoolean callCancelled = new AtomicBoolean();
        AtomicReference<String> callResult = new AtomicReference<>();
        Mono<String> call =
                database.asMono().doOnCancel(() -> callCancelled.set(true)).doOnNext(callResult::set);
        AtomicReference<String> answered = new AtomicReference<>();

        Disposable visitor = UncancellableCall.of(call).subscribe(answered::set);
        visitor.dispose();
        database.tryEmitValue("row");

        assertThat(callCancelled).isFalse();
        assertThat(callResult).hasValue("row");
        assertThat(answered).hasNullValue();
    }

    @Test
    void whenNobodyCancelsThenTheAnswerAndEmptinessPassThrough() {
        assertThat(UncancellableCall.of(Mono.just("row")).block(Duration.ofSeconds(1)))
                .isEqualTo("row");
        assertThat(UncancellableCall.of(Mono.<String>empty()).blockOptional(Duration.ofSeconds(1)))
                .isEmpty();
    }
}
