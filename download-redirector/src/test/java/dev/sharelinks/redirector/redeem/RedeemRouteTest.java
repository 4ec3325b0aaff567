package dev.sharelinks.redirector.redeem;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class RedeemRouteTest {

    /**
     * WebFlux's forwarded-header handling never reaches the route, so the download events would name the proxy as the
     * client: the redirector refuses to start with it instead.
     */
    @Test
    void whenForwardHeadersAreLeftToTheFrameworkThenTheRedirectorRefusesToStart() {
        assertThatIllegalStateException()
                .isThrownBy(() -> new RedeemRoute(null, null, new SimpleMeterRegistry(), "FRAMEWORK"))
                .withMessageContaining("use native");
    }
}
