package dev.sharelinks.operator;

import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;

/**
 * RFC 9457 problem details written where no encoder of Spring's runs (ahead of WebFlux, in Spring Security's
 * handlers). Their text is this module's constants, never the request's, so nothing needs escaping.
 */
final class ProblemBodies {

    private ProblemBodies() {}

    static byte[] of(HttpStatus status, String detail) {
        return ("{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase() + "\",\"status\":" + status.value()
                        + ",\"detail\":\"" + detail + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
