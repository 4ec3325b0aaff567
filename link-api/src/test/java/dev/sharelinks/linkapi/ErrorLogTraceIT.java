package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.linkapi.link.FailingTestController;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A request that fails unexpectedly is logged with its trace id, although link-api does not propagate the trace to
 * every operator: the error handler logs where Reactor puts it back on the thread. The failing route
 * ({@link FailingTestController}) exists in tests only.
 */
@Import(FailingTestController.class)
@ExtendWith(OutputCaptureExtension.class)
// a context no other class shares: closed after the class, so its relay, pollers and consumers stop
@DirtiesContext
class ErrorLogTraceIT extends LinkApiIntegrationTest {

    @Test
    void whenARequestFailsUnexpectedlyThenItsLogLineCarriesTheRequestsTraceId(CapturedOutput output) {
        TestAccount account = newAccount("bucket-error-log");
        String traceId = HexFormat.of().formatHex(randomBytes(16));
        String traceparent = "00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01";

        http.get()
                .uri("/api/v2/test-failure")
                .header("X-API-KEY", account.apiKey())
                .header("traceparent", traceparent)
                .exchange()
                .expectStatus()
                .isEqualTo(500)
                .expectBody()
                .json("{\"error\": \"Internal Server Error\"}");

        String line = output.getOut()
                .lines()
                .filter(l -> l.contains("request failed"))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no 'request failed' line in the output"));
        assertThat(line).contains("[" + traceId + "]");
        assertThat(output.getOut()).contains("IllegalStateException: test failure");
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
