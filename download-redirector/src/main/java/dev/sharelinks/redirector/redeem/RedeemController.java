package dev.sharelinks.redirector.redeem;

import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code HEAD /api/v2/shareable_links/:key}: whether the link would redeem ({@link LinkAnswers#probe}), and its
 * {@code OPTIONS}. The GET, the hot path, does not come through WebFlux: {@link RedeemRoute} serves it.
 */
@RestController
class RedeemController {

    private final LinkAnswers answers;

    RedeemController(LinkAnswers answers) {
        this.answers = answers;
    }

    @RequestMapping(path = LinkAnswers.PATH, method = RequestMethod.HEAD)
    Mono<ResponseEntity<Void>> probe(@PathVariable String key, ServerHttpRequest request) {
        return answers.probe(key, ClientAddress.of(request));
    }

    /** What a link's URL answers to: the GET that redeems, the HEAD that probes, a landing page's form. */
    @RequestMapping(path = LinkAnswers.PATH, method = RequestMethod.OPTIONS)
    ResponseEntity<Void> options() {
        return RedeemResponses.allow(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.OPTIONS);
    }
}
