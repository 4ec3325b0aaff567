package dev.sharelinks.redirector.redeem;

import dev.sharelinks.redirector.page.RefusalPages;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.http.Outcome;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The GETs of both public routes, a link's {@code /api/v2/shareable_links/:key} (the hot path) and a share token's
 * {@code /share/**}, served by Reactor Netty directly, ahead of WebFlux on the same server (Spring Boot's
 * {@link NettyRouteProvider}); every other request, their HEAD and OPTIONS included ({@link PublicProbes}), goes on
 * to WebFlux. WebFlux's dispatch, its result handling and its per-request observation were about a third of the
 * event loops' CPU per redeem in the benchmark's profile (docs/performance.md). What WebFlux did for these routes
 * is done here, the same for both: the request read as WebFlux read it ({@link RequestTarget}), the answer of
 * {@link LinkRedeems} or {@link ShareTokenRedeems} written as the same {@code ResponseEntity}, a failure answered by
 * {@link FailureAnswers}, a refusal turned into a page for a browser ({@link RefusalPages}), the headers
 * {@link PublicAnswerHeaders} adds, and the request timed as WebFlux's {@code http.server.requests}, which the
 * autoscaler and the benchmark read.
 */
@Component
class PublicRoutes implements NettyRouteProvider {

    private static final Executor CALLER = Runnable::run;
    private static final AsciiString CONTENT_TYPE_OPTIONS =
            AsciiString.cached(PublicAnswerHeaders.CONTENT_TYPE_OPTIONS);
    private static final AsciiString NOSNIFF = AsciiString.cached("nosniff");
    private static final AsciiString REFERRER_POLICY = AsciiString.cached(PublicAnswerHeaders.REFERRER_POLICY);
    private static final AsciiString NO_REFERRER = AsciiString.cached("no-referrer");

    private final LinkRedeems links;
    private final ShareTokenRedeems shareTokens;
    private final RefusalPages refusals;
    private final RequestTimers linkRequests;
    private final RequestTimers shareTokenRequests;

    PublicRoutes(
            LinkRedeems links,
            ShareTokenRedeems shareTokens,
            RefusalPages refusals,
            MeterRegistry meters,
            @Value("${server.forward-headers-strategy:none}") String forwardHeadersStrategy) {
        if (!"none".equalsIgnoreCase(forwardHeadersStrategy)) {
            // framework never reaches these routes (WebFlux's transformer); native believes any peer's headers
            throw new IllegalStateException("server.forward-headers-strategy=" + forwardHeadersStrategy
                    + " is not supported: name the proxies whose X-Forwarded-For is believed in TRUSTED_PROXIES");
        }
        this.links = links;
        this.shareTokens = shareTokens;
        this.refusals = refusals;
        this.linkRequests = new RequestTimers(PublicRoute.LINK, meters);
        this.shareTokenRequests = new RequestTimers(PublicRoute.SHARE_TOKEN, meters);
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        // GETs only: a HEAD does not match, and goes on to PublicProbes
        return routes.route(
                        PublicRoutes::isLinkGet,
                        (request, response) -> serve(linkRequests, request, response, this::redeemLink))
                .route(
                        PublicRoutes::isShareTokenGet,
                        (request, response) -> serve(shareTokenRequests, request, response, this::redeemShareToken));
    }

    private Mono<Void> serve(
            RequestTimers timers,
            HttpServerRequest request,
            HttpServerResponse response,
            Function<HttpServerRequest, Mono<ResponseEntity<String>>> answers) {
        long started = System.nanoTime();
        PublicRoute route = timers.route;
        if (UnreadableRequests.tooLong(request)) {
            timers.record(HttpStatus.URI_TOO_LONG, started);
            return send(
                    RedeemResponses.json(
                            HttpStatus.URI_TOO_LONG, PublicRoute.refusalBody(route, HttpStatus.URI_TOO_LONG)),
                    response);
        }
        return Mono.defer(() -> answers.apply(request))
                .onErrorResume(failure -> Mono.just(FailureAnswers.answerFor(failure, route)))
                .flatMap(answer -> {
                    timers.record(answer.getStatusCode(), started);
                    // a redirect goes out as it is, without a look at the request's other headers
                    return send(
                            answer.getStatusCode().is4xxClientError() ? forVisitor(answer, route, request) : answer,
                            response);
                });
    }

    private Mono<ResponseEntity<String>> redeemLink(HttpServerRequest request) {
        RequestTarget target = RequestTarget.of(request.uri());
        return links.redeem(
                new LinkRedeems.Visit(
                        key(target.rawPath()),
                        ClientAddress.of(request.remoteAddress()),
                        request.requestHeaders().get(HttpHeaderNames.USER_AGENT),
                        request.requestHeaders().get(HttpHeaderNames.COOKIE),
                        recipientRef(request.uri()),
                        request.requestHeaders().get(HttpHeaderNames.ACCEPT_LANGUAGE)),
                answerOn(request));
    }

    private Mono<ResponseEntity<String>> redeemShareToken(HttpServerRequest request) {
        RequestTarget target = RequestTarget.of(request.uri());
        return shareTokens.redeem(
                new ShareTokenRedeems.Visit(
                        ShareTokenRedeems.publicPath(target.rawPath(), target.rawQuery()),
                        ClientAddress.of(request.remoteAddress()),
                        request.requestHeaders().get(HttpHeaderNames.USER_AGENT),
                        request.requestHeaders().get(HttpHeaderNames.ACCEPT_LANGUAGE)),
                answerOn(request));
    }

    /** The request's own event loop, which answers it rather than the database connection's ({@link GrantQueue}). */
    private static Executor answerOn(HttpServerRequest request) {
        return request instanceof Connection connection ? connection.channel().eventLoop() : CALLER;
    }

    /** A refusal as a browser should see it: a page in its language rather than the JSON (RefusalPages). */
    private ResponseEntity<String> forVisitor(
            ResponseEntity<String> answer, PublicRoute route, HttpServerRequest request) {
        return refusals.forVisitor(
                answer,
                route.pages(),
                request.requestHeaders().get(HttpHeaderNames.ACCEPT),
                request.requestHeaders().get(HttpHeaderNames.ACCEPT_LANGUAGE));
    }

    /** What {@link LinkRedeems#PATH} matches in WebFlux: one path segment after the prefix, empty included. */
    private static boolean isLinkGet(HttpServerRequest request) {
        if (!HttpMethod.GET.equals(request.method())) {
            return false;
        }
        String rawPath = RequestTarget.of(request.uri()).rawPath();
        return rawPath.startsWith(LinkRedeems.PREFIX) && rawPath.indexOf('/', LinkRedeems.PREFIX.length()) < 0;
    }

    /** What {@link ShareTokenRedeems#PATH} matches in WebFlux, {@code /share} itself included. */
    private static boolean isShareTokenGet(HttpServerRequest request) {
        return HttpMethod.GET.equals(request.method())
                && PublicRoute.under(RequestTarget.of(request.uri()).rawPath()) == PublicRoute.SHARE_TOKEN;
    }

    /** The key as WebFlux would bind it: percent-decoded as UTF-8; an invalid escape is a key no link has. */
    private static String key(String rawPath) {
        try {
            return UriUtils.decode(rawPath.substring(LinkRedeems.PREFIX.length()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException invalidEscape) {
            return "";
        }
    }

    /**
     * The URL's recipient reference, if it carries a well-formed one; the plain URL has no query to decode. A query
     * with an invalid escape carries none: the download still counts, attributed to nobody, as for any other ref that
     * is not a reference.
     */
    private static @Nullable String recipientRef(String uri) {
        if (uri.indexOf('?') < 0) {
            return null;
        }
        List<String> refs;
        try {
            refs = new QueryStringDecoder(uri).parameters().get(RecipientRefs.PARAMETER);
        } catch (IllegalArgumentException invalidEscape) {
            return null;
        }
        return refs == null || refs.isEmpty() ? null : RecipientRefs.wellFormed(refs.get(0));
    }

    private static Mono<Void> send(ResponseEntity<String> answer, HttpServerResponse response) {
        byte[] body = answer.getBody() == null ? new byte[0] : answer.getBody().getBytes(StandardCharsets.UTF_8);
        response.status(answer.getStatusCode().value());
        answer.getHeaders().forEach((name, values) -> response.responseHeaders().set(name, values));
        // what PublicAnswerHeaders adds to WebFlux's answers, which these routes' never pass through
        response.responseHeaders().set(CONTENT_TYPE_OPTIONS, NOSNIFF).set(REFERRER_POLICY, NO_REFERRER);
        response.responseHeaders().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response.sendByteArray(Mono.just(body)).then();
    }

    /** One route's {@code http.server.requests} timers, as WebFlux tags them, one per status answered so far. */
    private static final class RequestTimers {

        private final PublicRoute route;
        private final Meter.MeterProvider<Timer> requests;
        /** A few, looked up on every request without building their tags. */
        private final Map<Integer, Timer> byStatus = new ConcurrentHashMap<>();

        RequestTimers(PublicRoute route, MeterRegistry meters) {
            this.route = route;
            this.requests = Timer.builder("http.server.requests")
                    .tags("method", "GET", "uri", route.uri(), "exception", "none", "error", "none")
                    .withRegistry(meters);
        }

        /** Until the answer is ready; a visitor who hung up before it is not timed. */
        void record(HttpStatusCode status, long started) {
            byStatus.computeIfAbsent(
                            status.value(),
                            code -> requests.withTags(
                                    "status",
                                    String.valueOf(code),
                                    "outcome",
                                    Outcome.forStatus(code).name()))
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }
}
