package dev.sharelinks.linkapi.share;

import dev.sharelinks.linkapi.LinkApiProperties;
import dev.sharelinks.linkapi.security.AccountPrincipal;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

@RestController
class ShareController {

    private final ShareService shares;
    private final LinkApiProperties properties;

    ShareController(ShareService shares, LinkApiProperties properties) {
        this.shares = shares;
        this.properties = properties;
    }

    record Sent(String message) {
    }

    /** Answers once the share and its event are committed; the mailer sends the mails from the event. */
    // no "consumes": another Content-Type must reach this controller, whose error handler answers 415 in the
    // contract's format (a mapping that refused it would leave the answer to the problem-details handler)
    @PostMapping(path = "/api/v2/shareable_links/share", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<Sent> share(@AuthenticationPrincipal AccountPrincipal account, @RequestBody(required = false) JsonNode body) {
        return Mono.fromCallable(() -> ShareRequest.from(body, properties.maxRecipients(),
                        properties.maxLinksPerShare()))
                .flatMap(request -> shares.share(account, request))
                .thenReturn(new Sent("Shareable links sent"));
    }
}
