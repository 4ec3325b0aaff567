package dev.sharelinks.operator;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Spring Security's firewall rejects (an encoded slash, NUL or backslash in the path, a malformed host, a header
 * value with a control character): 400 in the vendor's format under its paths, a problem detail elsewhere, where
 * Spring Security would answer an empty 400. The firewall checks a header's value when something reads it: in the
 * security filters (an API key) it rejects before any handler, as {@link ServerExchangeRejectedHandler}; for a
 * handler's header argument ({@code Idempotency-Key}) it throws in the handler, and this advice, ordered before the
 * APIs' own, answers it where their catch-all would answer 500.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class FirewallRejections implements ServerExchangeRejectedHandler {

    /** The order of the APIs' own advices: after this one, before WebFlux's refusals in the vendor's format. */
    public static final int API_ADVICE_ORDER = Ordered.HIGHEST_PRECEDENCE + 1;

    /** Not the firewall's message, which quotes the rejected value. */
    private static final String DETAIL =
            "The request holds a character this server does not accept in its path or a header";

    private final VendorErrorFormat format;
    private final JsonMapper json;

    FirewallRejections(VendorErrorFormat format, JsonMapper json) {
        this.format = format;
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException rejected) {
        boolean vendor = format.covers(exchange);
        byte[] body = body(vendor);
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.BAD_REQUEST);
        response.getHeaders().setContentType(type(vendor));
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    @ExceptionHandler
    ResponseEntity<byte[]> rejectedInHandler(ServerExchangeRejectedException rejected, ServerWebExchange exchange) {
        boolean vendor = format.covers(exchange);
        return ResponseEntity.badRequest().contentType(type(vendor)).body(body(vendor));
    }

    private byte[] body(boolean vendor) {
        return vendor
                ? json.writeValueAsBytes(format.body().apply(HttpStatus.BAD_REQUEST))
                : ProblemBodies.of(HttpStatus.BAD_REQUEST, DETAIL);
    }

    private static MediaType type(boolean vendor) {
        return vendor ? MediaType.APPLICATION_JSON : MediaType.APPLICATION_PROBLEM_JSON;
    }
}
