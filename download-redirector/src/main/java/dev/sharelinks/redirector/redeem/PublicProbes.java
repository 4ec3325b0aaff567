package dev.sharelinks.redirector.redeem;

import java.util.function.Supplier;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The HEAD and OPTIONS of both public routes, in WebFlux: whether a GET would serve ({@link LinkRedeems#probe},
 * {@link ShareTokenRedeems#probe}), consuming and recording nothing, and the methods each URL answers to. Their
 * GETs, the hot paths, do not come through WebFlux: {@link PublicRoutes} serves them. A failure is answered as
 * theirs are ({@link FailureAnswers}).
 */
@RestController
class PublicProbes {

    private final LinkRedeems links;
    private final ShareTokenRedeems shareTokens;

    PublicProbes(LinkRedeems links, ShareTokenRedeems shareTokens) {
        this.links = links;
        this.shareTokens = shareTokens;
    }

    @RequestMapping(path = LinkRedeems.PATH, method = RequestMethod.HEAD)
    Mono<ResponseEntity<Void>> probeLink(@PathVariable String key, ServerHttpRequest request) {
        return probed(PublicRoute.LINK, () -> links.probe(key, ClientAddress.of(request)));
    }

    @RequestMapping(path = ShareTokenRedeems.PATH, method = RequestMethod.HEAD)
    Mono<ResponseEntity<Void>> probeShareToken(ServerHttpRequest request) {
        String publicPath = ShareTokenRedeems.publicPath(
                request.getPath().pathWithinApplication().value(),
                request.getURI().getRawQuery());
        return probed(PublicRoute.SHARE_TOKEN, () -> shareTokens.probe(publicPath, ClientAddress.of(request)));
    }

    /** What a link's URL answers to: the GET that redeems, the HEAD that probes, a landing page's form. */
    @RequestMapping(path = LinkRedeems.PATH, method = RequestMethod.OPTIONS)
    ResponseEntity<Void> linkOptions() {
        return RedeemResponses.allow(PublicRoute.LINK.methods());
    }

    /** What a token's public URL answers to. */
    @RequestMapping(path = ShareTokenRedeems.PATH, method = RequestMethod.OPTIONS)
    ResponseEntity<Void> shareTokenOptions() {
        return RedeemResponses.allow(PublicRoute.SHARE_TOKEN.methods());
    }

    private static Mono<ResponseEntity<Void>> probed(PublicRoute route, Supplier<Mono<ResponseEntity<Void>>> probe) {
        return Mono.defer(probe)
                .onErrorResume(
                        failure -> Mono.just(RedeemResponses.withoutBody(FailureAnswers.answerFor(failure, route))));
    }
}
