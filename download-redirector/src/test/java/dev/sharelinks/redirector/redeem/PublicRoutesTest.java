package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PublicRoutesTest {

    /**
     * WebFlux's forwarded-header handling never reaches the route, and Reactor Netty's believes any peer: the
     * redirector refuses to start with either, and names the setting that reads the headers from trusted proxies.
     */
    @ParameterizedTest
    @ValueSource(strings = {"FRAMEWORK", "native"})
    void whenAForwardHeadersStrategyIsSetThenTheRedirectorRefusesToStart(String strategy) {
        assertThatIllegalStateException()
                .isThrownBy(() -> new PublicRoutes(null, null, null, new SimpleMeterRegistry(), strategy))
                .withMessageContaining("TRUSTED_PROXIES");
    }
}
