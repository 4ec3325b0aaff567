package dev.sharelinks.linkapi.link;

import java.time.Duration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A MediaPocket route that fails unexpectedly, for tests only (imported by them): it lives in this package so that
 * the MediaPocket error handler answers for it, as it does for the real routes.
 */
@RestController
public class FailingTestController {

    @GetMapping("/api/v2/test-failure")
    Mono<String> fail() {
        // after a hop to another thread, as a database call makes
        return Mono.delay(Duration.ofMillis(5)).map(tick -> {
            throw new IllegalStateException("test failure");
        });
    }
}
