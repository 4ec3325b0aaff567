package dev.sharelinks.linkapi.share;

import dev.sharelinks.linkapi.LinkApiProperties;
import dev.sharelinks.linkapi.idempotency.Answered;
import dev.sharelinks.linkapi.idempotency.IdempotentRequest;
import dev.sharelinks.linkapi.security.AccountPrincipal;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
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

    record Sent(String message) {}

    /** Answers once the share and its event are committed; the mailer sends the mails from the event. */
    // no "consumes": another Content-Type must reach this controller, whose error handler answers 415 in the
    // contract's format (a mapping that refused it would leave the answer to the problem-details handler)
    @PostMapping(path = "/api/v2/shareable_links/share", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<Sent>> share(
            @AuthenticationPrincipal AccountPrincipal account,
            @RequestBody(required = false) JsonNode body,
            @RequestHeader(name = IdempotentRequest.HEADER, required = false) @Nullable String idempotencyKey) {
        return Mono.fromCallable(
                        () -> ShareRequest.from(body, properties.maxRecipients(), properties.maxLinksPerShare()))
                .flatMap(request -> shares.share(account, request, IdempotentRequest.of(idempotencyKey, "share", body)))
                .map(shared -> new Answered<>(new Sent("Shareable links sent"), shared.replayed()).ok());
    }
}
