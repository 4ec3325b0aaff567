package dev.sharelinks.operator;

import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * An {@code Accept} header that is not a list of media types ({@code ;;;}) is disregarded, as RFC 9110 (section
 * 12.5.1) lets a server do. WebFlux would refuse it with a 406 and then fail to write that answer for the same
 * header, so the client got an empty 406 and no idea why.
 */
public class UnreadableAcceptHeaders implements WebFilter, Ordered {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        List<String> accept = exchange.getRequest().getHeaders().get(HttpHeaders.ACCEPT);
        if (accept == null || readable(accept)) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange.mutate()
                .request(request -> request.headers(headers -> headers.remove(HttpHeaders.ACCEPT)))
                .build());
    }

    private static boolean readable(List<String> accept) {
        try {
            MediaType.parseMediaTypes(accept);
            return true;
        } catch (InvalidMediaTypeException unreadable) {
            return false;
        }
    }

    /** Before Spring Security's filters, whose entry points choose their answer by the header too. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
