package dev.sharelinks.redirector.redeem;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The requests WebFlux cannot read, refused in the format of the public route they are under
 * ({@link PublicRoute#refusalBody}): a request target {@link URI} cannot parse (an invalid escape such as
 * {@code ?%%}), which Spring's adapter would answer with an empty 400, and a request line over
 * {@value #MAX_REQUEST_LINE} bytes, 414. Netty takes lines of up to 16 KB
 * ({@code server.netty.max-initial-line-length}) so that this answers them rather than Netty's empty 414. Ordered
 * after {@link PublicRoutes}, whose GETs read their targets themselves and check the line's length, so a redeem
 * never pays for the parse.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class UnreadableRequests implements NettyRouteProvider {

    /** Netty's default limit of a request line, in bytes: the usual one, which WebFlux's services keep too. */
    static final int MAX_REQUEST_LINE = 4096;

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.route(request -> tooLong(request) || !readable(request.uri()), UnreadableRequests::refuse);
    }

    /** Whether the request line (method, target, protocol) is longer than {@value #MAX_REQUEST_LINE} bytes. */
    static boolean tooLong(HttpServerRequest request) {
        return request.method().name().length() + request.uri().length() + " HTTP/1.1".length() + 1 > MAX_REQUEST_LINE;
    }

    private static boolean readable(String uri) {
        try {
            new URI(uri);
            return true;
        } catch (URISyntaxException unreadable) {
            return false;
        }
    }

    private static Mono<Void> refuse(HttpServerRequest request, HttpServerResponse response) {
        HttpStatus status = tooLong(request) ? HttpStatus.URI_TOO_LONG : HttpStatus.BAD_REQUEST;
        PublicRoute route = PublicRoute.under(RequestTarget.of(request.uri()).rawPath());
        byte[] body = PublicRoute.refusalBody(route, status).getBytes(StandardCharsets.UTF_8);
        response.status(status.value());
        response.responseHeaders()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(PublicAnswerHeaders.CONTENT_TYPE_OPTIONS, "nosniff")
                .set(PublicAnswerHeaders.REFERRER_POLICY, "no-referrer")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return HttpMethod.HEAD.equals(request.method())
                ? response.send().then()
                : response.sendByteArray(Mono.just(body)).then();
    }
}
