package dev.sharelinks.operator;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes what no controller answered in the vendor's error format ({@link VendorErrorFormat}) under the vendor's
 * paths: WebFlux's refusals around the controllers (no route, a wrong method with its {@code Allow}, an unreadable
 * request) and failures no advice saw. It replaces Spring Boot's problem-details handler, and does what that one
 * does everywhere else.
 */
@AutoConfiguration
@ConditionalOnBean(VendorErrorFormat.class)
public class VendorErrorsAutoConfiguration {

    @Bean
    VendorPathRefusals vendorPathRefusals(VendorErrorFormat format) {
        return new VendorPathRefusals(format);
    }

    @Bean
    VendorPathFailures vendorPathFailures(VendorErrorFormat format, JsonMapper json) {
        return new VendorPathFailures(format, json);
    }

    /**
     * A request line longer than {@value #MAX_REQUEST_LINE} bytes under the vendor's paths: 414 in the vendor's
     * format. Netty refuses longer lines itself with an empty body, so the services let it take up to 16 KB
     * ({@code server.netty.max-initial-line-length}) and refuse here what is over the usual limit.
     */
    @Bean
    WebFilter vendorPathRequestLineLimit(VendorErrorFormat format) {
        return (exchange, chain) -> {
            ServerHttpRequest request = exchange.getRequest();
            String query = request.getURI().getRawQuery();
            int length = request.getMethod().name().length()
                    + request.getURI().getRawPath().length()
                    + (query == null ? 0 : query.length() + 1)
                    + " HTTP/1.1".length()
                    + 1;
            return length > MAX_REQUEST_LINE && format.covers(exchange)
                    ? Mono.error(new ResponseStatusException(HttpStatus.URI_TOO_LONG))
                    : chain.filter(exchange);
        };
    }

    @Bean
    UnreadableAcceptHeaders unreadableAcceptHeaders() {
        return new UnreadableAcceptHeaders();
    }

    /** A request target Spring's adapter cannot read: refused ahead of it, not with its empty 400. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(NettyRouteProvider.class)
    static class UnreadableTargets {

        @Bean
        UnreadableRequestTargets unreadableRequestTargets(VendorErrorFormat format, JsonMapper json) {
            return new UnreadableRequestTargets(format, json);
        }
    }

    /** Netty's default limit of a request line, in bytes. */
    static final int MAX_REQUEST_LINE = 4096;

    /** What Spring Security's firewall rejects, in the security filters or in a handler. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ServerExchangeRejectedHandler.class)
    static class FirewallRejectionsConfiguration {

        @Bean
        FirewallRejections firewallRejections(VendorErrorFormat format, JsonMapper json) {
            return new FirewallRejections(format, json);
        }
    }

    private static Mono<Void> write(ServerHttpResponse response, byte[] body) {
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    /** WebFlux's refusals: the vendor's format under its paths, problem details elsewhere (as Spring Boot's). */
    @RestControllerAdvice
    // after the APIs' own advices, which are ordered first
    @Order(0)
    static class VendorPathRefusals extends ResponseEntityExceptionHandler {

        private final VendorErrorFormat format;

        VendorPathRefusals(VendorErrorFormat format) {
            this.format = format;
        }

        @Override
        protected Mono<ResponseEntity<Object>> handleExceptionInternal(
                Exception failure,
                @Nullable Object body,
                @Nullable HttpHeaders headers,
                HttpStatusCode status,
                ServerWebExchange exchange) {
            if (!format.covers(exchange)) {
                return super.handleExceptionInternal(failure, body, headers, status, exchange);
            }
            return Mono.just(ResponseEntity.status(status)
                    .headers(headers == null ? HttpHeaders.EMPTY : headers)
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(format.body().apply(status)));
        }
    }

    /** A failure no advice answered (a filter's, say): the vendor's format under its paths, else Spring Boot's. */
    // before Spring Boot's error handler (order -1)
    @Order(-2)
    static class VendorPathFailures implements WebExceptionHandler {

        private static final Logger log = LoggerFactory.getLogger(VendorPathFailures.class);

        private final VendorErrorFormat format;
        private final JsonMapper json;

        VendorPathFailures(VendorErrorFormat format, JsonMapper json) {
            this.format = format;
            this.json = json;
        }

        @Override
        public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
            ServerHttpResponse response = exchange.getResponse();
            if (!format.covers(exchange) || response.isCommitted()) {
                return Mono.error(failure);
            }
            HttpStatusCode status = HttpStatus.INTERNAL_SERVER_ERROR;
            if (failure instanceof ResponseStatusException refused) {
                status = refused.getStatusCode();
                response.getHeaders().addAll(refused.getHeaders());
            } else {
                log.error("request failed", failure);
            }
            response.setStatusCode(status);
            return write(response, json.writeValueAsBytes(format.body().apply(status)));
        }
    }
}
