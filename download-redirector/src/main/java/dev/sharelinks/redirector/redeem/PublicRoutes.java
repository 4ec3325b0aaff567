package dev.sharelinks.redirector.redeem;

import dev.sharelinks.redirector.page.RefusalPages;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.http.Outcome;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * {@code GET /api/v2/shareable_links/:key}, the hot path, served by Reactor Netty directly, ahead of WebFlux on the
 * same server (Spring Boot's {@link NettyRouteProvider}); every other request, the HEAD probe of this path included,
 * goes on to WebFlux. WebFlux's dispatch, its result handling and its per-request observation were about a third
 * of the event loops' CPU per redeem in the benchmark's profile (docs/performance.md), for a request whose whole
 * answer is {@link LinkAnswers#redeem}. What WebFlux did for this route is done here: the path variable decoded,
 * the answer written as the same {@code ResponseEntity}, the database being away answered 503 by
 * {@link DatabaseUnavailable}, anything else 500 in MediaPocket's format (and logged), and the request timed as
 * WebFlux's {@code http.server.requests}, which the autoscaler and the benchmark read.
 */
@Component
class RedeemRoute implements NettyRouteProvider {

    private static final Logger log = LoggerFactory.getLogger(RedeemRoute.class);
    private static final String FAILED_BODY = "{\"error\":\"Internal server error\"}";
    private static final Executor CALLER = Runnable::run;
    private static final AsciiString CONTENT_TYPE_OPTIONS =
            AsciiString.cached(PublicAnswerHeaders.CONTENT_TYPE_OPTIONS);
    private static final AsciiString NOSNIFF = AsciiString.cached("nosniff");
    private static final AsciiString REFERRER_POLICY = AsciiString.cached(PublicAnswerHeaders.REFERRER_POLICY);
    private static final AsciiString NO_REFERRER = AsciiString.cached("no-referrer");

    private final LinkAnswers answers;
    private final RefusalPages refusals;
    private final Meter.MeterProvider<Timer> requests;
    /** The timer of each status answered so far: a few, looked up on every request without building its tags. */
    private final Map<Integer, Timer> requestsByStatus = new ConcurrentHashMap<>();

    RedeemRoute(
            LinkAnswers answers,
            RefusalPages refusals,
            MeterRegistry meters,
            @Value("${server.forward-headers-strategy:none}") String forwardHeadersStrategy) {
        if (!"none".equalsIgnoreCase(forwardHeadersStrategy)) {
            // framework never reaches this route (WebFlux's transformer); native believes any peer's headers
            throw new IllegalStateException("server.forward-headers-strategy=" + forwardHeadersStrategy
                    + " is not supported: name the proxies whose X-Forwarded-For is believed in TRUSTED_PROXIES");
        }
        this.answers = answers;
        this.refusals = refusals;
        this.requests = Timer.builder("http.server.requests")
                .tags("method", "GET", "uri", LinkAnswers.PATH, "exception", "none", "error", "none")
                .withRegistry(meters);
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        // GET only: a HEAD does not match, and goes on to RedeemController
        return routes.get(LinkAnswers.PATH, this::redeem);
    }

    private Mono<Void> redeem(HttpServerRequest request, HttpServerResponse response) {
        long started = System.nanoTime();
        // the request's own event loop answers it, not the database connection's (GrantBatcher)
        Executor answerOn =
                request instanceof Connection connection ? connection.channel().eventLoop() : CALLER;
        return Mono.defer(() -> answers.redeem(
                        new LinkAnswers.Visit(
                                key(request),
                                ClientAddress.of(request.remoteAddress()),
                                request.requestHeaders().get(HttpHeaderNames.USER_AGENT),
                                request.requestHeaders().get(HttpHeaderNames.COOKIE),
                                recipientRef(request.uri()),
                                request.requestHeaders().get(HttpHeaderNames.ACCEPT_LANGUAGE)),
                        answerOn))
                .onErrorResume(failure -> Mono.just(failed(failure, request.fullPath())))
                .flatMap(answer -> {
                    record(answer.getStatusCode(), started);
                    // a redirect goes out as it is, without a look at the request's other headers
                    return send(
                            answer.getStatusCode().is4xxClientError() ? forVisitor(answer, request) : answer, response);
                });
    }

    /** A refusal as a browser should see it: a page in its language rather than the JSON (RefusalPages). */
    private ResponseEntity<String> forVisitor(ResponseEntity<String> answer, HttpServerRequest request) {
        return refusals.forVisitor(
                answer,
                RefusalPages.Route.LINK,
                request.requestHeaders().get(HttpHeaderNames.ACCEPT),
                request.requestHeaders().get(HttpHeaderNames.ACCEPT_LANGUAGE));
    }

    /** The link key: Reactor Netty sets every variable of the matched route's path. */
    private static String key(HttpServerRequest request) {
        return pathVariable(Objects.requireNonNull(request.param("key"), "the route's path has {key}"));
    }

    /** The key as WebFlux would bind it: percent-decoded as UTF-8; an invalid escape is a key no link has. */
    private static String pathVariable(String raw) {
        try {
            return UriUtils.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException invalidEscape) {
            return "";
        }
    }

    /** The URL's recipient reference, if it carries a well-formed one; the plain URL has no query to decode. */
    private static @Nullable String recipientRef(String uri) {
        if (uri.indexOf('?') < 0) {
            return null;
        }
        List<String> refs = new QueryStringDecoder(uri).parameters().get(RecipientRefs.PARAMETER);
        return refs == null || refs.isEmpty() ? null : RecipientRefs.wellFormed(refs.get(0));
    }

    private static ResponseEntity<String> failed(Throwable failure, String path) {
        return DatabaseUnavailable.answerFor(failure, path).orElseGet(() -> {
            log.error("redeem failed, answering 500", failure);
            return RedeemResponses.json(HttpStatus.INTERNAL_SERVER_ERROR, FAILED_BODY);
        });
    }

    private static Mono<Void> send(ResponseEntity<String> answer, HttpServerResponse response) {
        byte[] body = answer.getBody() == null ? new byte[0] : answer.getBody().getBytes(StandardCharsets.UTF_8);
        response.status(answer.getStatusCode().value());
        answer.getHeaders().forEach((name, values) -> response.responseHeaders().set(name, values));
        // what PublicAnswerHeaders adds to WebFlux's answers, which this route's never pass through
        response.responseHeaders().set(CONTENT_TYPE_OPTIONS, NOSNIFF).set(REFERRER_POLICY, NO_REFERRER);
        response.responseHeaders().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response.sendByteArray(Mono.just(body)).then();
    }

    /** Until the answer is ready; a visitor who hung up before it is not timed. */
    private void record(HttpStatusCode status, long started) {
        requestsByStatus
                .computeIfAbsent(
                        status.value(),
                        code -> requests.withTags(
                                "status",
                                String.valueOf(code),
                                "outcome",
                                Outcome.forStatus(code).name()))
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
}
