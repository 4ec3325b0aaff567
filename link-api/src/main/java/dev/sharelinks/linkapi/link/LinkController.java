package dev.sharelinks.linkapi.link;

import dev.sharelinks.linkapi.LinkApiProperties;
import dev.sharelinks.linkapi.idempotency.Answered;
import dev.sharelinks.linkapi.idempotency.IdempotentRequest;
import dev.sharelinks.linkapi.security.AccountPrincipal;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * MediaPocket v2 shareable links. The redeem {@code GET /api/v2/shareable_links/:key} is served by the
 * download-redirector; this service owns the links themselves.
 */
@RestController
@RequestMapping(path = "/api/v2/shareable_links", produces = MediaType.APPLICATION_JSON_VALUE)
class LinkController {

    private final LinkService links;
    private final Clock clock;
    private final LinkApiProperties properties;

    LinkController(LinkService links, Clock clock, LinkApiProperties properties) {
        this.links = links;
        this.clock = clock;
        this.properties = properties;
    }

    // no "consumes", as for the share: a wrong Content-Type gets the contract's 415 from this controller's handler
    @PostMapping
    Mono<ResponseEntity<LinkResponses.Created>> create(
            @AuthenticationPrincipal AccountPrincipal account,
            @RequestBody(required = false) JsonNode body,
            @RequestHeader(name = IdempotentRequest.HEADER, required = false) @Nullable String idempotencyKey) {
        return Mono.fromCallable(() -> CreateLinkRequest.from(body, clock, properties.maxLinkLifetime()))
                .flatMap(
                        request -> links.create(account, request, IdempotentRequest.of(idempotencyKey, "create", body)))
                .map(Answered::ok);
    }

    @DeleteMapping("/{id}")
    Mono<LinkResponses.Message> revoke(@AuthenticationPrincipal AccountPrincipal account, @PathVariable String id) {
        return links.revoke(account, LinkIds.parse(id)).thenReturn(new LinkResponses.Message("Shareable link revoked"));
    }

    @GetMapping("/{id}/info")
    Mono<LinkResponses.Info> info(@AuthenticationPrincipal AccountPrincipal account, @PathVariable String id) {
        return links.info(account, LinkIds.parse(id));
    }
}
