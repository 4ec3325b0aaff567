package dev.sharelinks.linkapi.link;

import dev.sharelinks.linkapi.security.AccountPrincipal;
import dev.sharelinks.linkapi.web.MediaPocketException;
import java.time.Clock;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
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

    private static final Pattern LINK_ID = Pattern.compile("[1-9][0-9]{0,17}");

    private final LinkService links;
    private final Clock clock;

    LinkController(LinkService links, Clock clock) {
        this.links = links;
        this.clock = clock;
    }

    // no "consumes", as for the share: a wrong Content-Type gets the contract's 415 from this controller's handler
    @PostMapping
    Mono<LinkResponses.Created> create(@AuthenticationPrincipal AccountPrincipal account,
            @RequestBody(required = false) JsonNode body) {
        return Mono.fromCallable(() -> CreateLinkRequest.from(body, clock))
                .flatMap(request -> links.create(account, request));
    }

    @DeleteMapping("/{id}")
    Mono<LinkResponses.Message> revoke(@AuthenticationPrincipal AccountPrincipal account, @PathVariable String id) {
        return links.revoke(account, linkId(id)).thenReturn(new LinkResponses.Message("Shareable link revoked"));
    }

    @GetMapping("/{id}/info")
    Mono<LinkResponses.Info> info(@AuthenticationPrincipal AccountPrincipal account, @PathVariable String id) {
        return links.info(account, linkId(id));
    }

    /** Only the decimal form we hand out names a link: Long.parseLong alone would also take "+7" or "٧". */
    private static long linkId(String id) {
        if (!LINK_ID.matcher(id).matches()) {
            throw MediaPocketException.notFound(LinkService.NOT_FOUND);
        }
        return Long.parseLong(id);
    }
}
