package dev.sharelinks.redirector.redeem;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The headers every public answer of the redirector carries: no content sniffing, and no referrer, since a page's
 * or a redirect's URL is a link's key, a capability. {@link PublicRoutes} sets the same on the answers it serves
 * outside WebFlux; this filter covers every other answer.
 */
@Component
class PublicAnswerHeaders implements WebFilter {

    static final String CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";
    static final String REFERRER_POLICY = "Referrer-Policy";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        exchange.getResponse().beforeCommit(() -> {
            applyTo(exchange.getResponse().getHeaders());
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    private static void applyTo(HttpHeaders headers) {
        headers.set(CONTENT_TYPE_OPTIONS, "nosniff");
        headers.set(REFERRER_POLICY, "no-referrer");
    }
}
