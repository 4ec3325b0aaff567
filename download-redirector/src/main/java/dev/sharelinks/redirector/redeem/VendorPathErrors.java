package dev.sharelinks.redirector.redeem;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * What no route or controller answered, in the vendor's format of the path: under {@code /share/} Keepeek's (a
 * miss is the token's not-found answer), anywhere else MediaPocket's (a miss under
 * {@code /api/v2/shareable_links/}, a trailing slash say, is the link's not-found answer). A method the path does
 * not take keeps its 405, and {@code Allow} names the methods of its public route ({@link PublicRoute#methods}).
 * Spring Boot's own error body never reaches a visitor.
 */
@Component
// before Spring Boot's error handler (order -1)
@Order(-2)
class VendorPathErrors implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(VendorPathErrors.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(failure);
        }
        HttpStatusCode status = HttpStatus.INTERNAL_SERVER_ERROR;
        if (failure instanceof ResponseStatusException refused) {
            status = refused.getStatusCode();
            response.getHeaders().addAll(refused.getHeaders());
        } else {
            log.error("request failed", failure);
        }
        PublicRoute route = PublicRoute.under(
                exchange.getRequest().getPath().pathWithinApplication().value());
        if (failure instanceof MethodNotAllowedException && route != null) {
            // the route's GET is served ahead of WebFlux (PublicRoutes), so WebFlux's own list lacks it
            response.getHeaders().setAllow(new LinkedHashSet<>(List.of(route.methods())));
        }
        byte[] bytes = PublicRoute.refusalBody(route, status).getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(bytes.length);
        response.getHeaders().setCacheControl(CacheControl.noStore());
        response.getHeaders().set("X-Content-Type-Options", "nosniff");
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }
}
