package dev.sharelinks.redirector;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Every test of this module runs under BlockHound (blockhound-junit-platform): this shows the guard is on. */
class BlockHoundTest {

    @Test
    void whenAReactiveThreadBlocksThenTheCallFails() {
        Mono<Void> sleeping = Mono.<Void>fromCallable(() -> {
                    Thread.sleep(1);
                    return null;
                })
                .subscribeOn(Schedulers.parallel());

        assertThatThrownBy(() -> sleeping.block(Duration.ofSeconds(10)))
                .hasCauseInstanceOf(BlockingOperationError.class);
    }
}
