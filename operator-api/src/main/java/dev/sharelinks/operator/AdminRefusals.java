package dev.sharelinks.operator;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * How the admin APIs ({@code /admin/**}) refuse a request without the admin token: as the RFC 9457 problem details
 * their other errors are, with a {@code Bearer} challenge, not in the vendor API's format with its own challenge
 * (a DAM login, an API key), which would send an operator looking for the wrong credential.
 */
public final class AdminRefusals {

    private static final String PREFIX = "/admin";

    private AdminRefusals() {}

    /** Whether the request is to an admin API. */
    public static boolean covers(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /** 401 (no admin token, or a wrong one) or 403 (another credential that is not an admin's). */
    public static Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"Sharelinks admin\"");
        }
        String detail = status == HttpStatus.UNAUTHORIZED
                ? "Present the admin token: Authorization: Bearer <token>"
                : "The admin API takes the admin token only";
        byte[] body = ProblemBodies.of(status, detail);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
