package dev.sharelinks.operator;

import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A request body with a content coding ({@code Content-Encoding: gzip}) is refused with 415, as RFC 9110 (section
 * 8.4) describes: nothing here decodes one, and WebFlux would read the coded bytes as JSON, so a compressed body was
 * "malformed" and a plain one labelled compressed was read as plain. {@code identity} is no coding.
 */
public class UnsupportedContentCodings implements WebFilter, Ordered {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        // each coding of every Content-Encoding line, split at commas and trimmed
        List<String> codings = exchange.getRequest().getHeaders().getValuesAsList(HttpHeaders.CONTENT_ENCODING);
        if (codings.stream().allMatch(coding -> coding.equalsIgnoreCase("identity"))) {
            return chain.filter(exchange);
        }
        return Mono.error(new ResponseStatusException(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE, "a request body must not have a Content-Encoding"));
    }

    /** After {@link UnreadableAcceptHeaders}, before Spring Security's filters and any body is read. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }
}
