package dev.sharelinks.operator;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.net.URISyntaxException;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request target that {@link URI} cannot parse (an invalid escape such as {@code ?%zz}, a space): Spring's Reactor
 * Netty adapter answers it with an empty 400 before any filter or handler sees it. This route, ahead of the adapter,
 * refuses it first: 400 in the vendor's format under its paths, a problem detail elsewhere. Other requests pay one
 * parse of their target.
 */
public class UnreadableRequestTargets implements NettyRouteProvider {

    private final VendorErrorFormat format;
    private final JsonMapper json;

    public UnreadableRequestTargets(VendorErrorFormat format, JsonMapper json) {
        this.format = format;
        this.json = json;
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.route(request -> !readable(request.uri()), this::refuse);
    }

    static boolean readable(String target) {
        try {
            new URI(target);
            return true;
        } catch (URISyntaxException unreadable) {
            return false;
        }
    }

    private Mono<Void> refuse(HttpServerRequest request, HttpServerResponse response) {
        // Netty splits the raw path off without decoding it
        boolean vendor = format.covers(new QueryStringDecoder(request.uri()).rawPath());
        byte[] body = vendor
                ? json.writeValueAsBytes(format.body().apply(HttpStatus.BAD_REQUEST))
                : ProblemBodies.of(HttpStatus.BAD_REQUEST, "The request target is not a valid URI");
        response.status(HttpStatus.BAD_REQUEST.value());
        response.responseHeaders()
                .set(
                        HttpHeaderNames.CONTENT_TYPE,
                        vendor ? MediaType.APPLICATION_JSON_VALUE : MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return HttpMethod.HEAD.equals(request.method())
                ? response.send().then()
                : response.sendByteArray(Mono.just(body)).then();
    }
}
