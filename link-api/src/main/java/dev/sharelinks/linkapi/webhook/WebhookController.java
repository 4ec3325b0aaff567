package dev.sharelinks.linkapi.webhook;

import dev.sharelinks.linkapi.link.LinkIds;
import dev.sharelinks.linkapi.security.AccountPrincipal;
import dev.sharelinks.linkapi.web.MediaPocketException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/** {@code /api/v2/webhooks}: an account's endpoints, registered, listed and removed with its {@code X-API-KEY}. */
@RestController
@RequestMapping(path = "/api/v2/webhooks", produces = MediaType.APPLICATION_JSON_VALUE)
class WebhookController {

    private final WebhookEndpoints endpoints;
    private final EndpointAddresses addresses;
    private final WebhookProperties properties;

    WebhookController(WebhookEndpoints endpoints, EndpointAddresses addresses, WebhookProperties properties) {
        this.endpoints = endpoints;
        this.addresses = addresses;
        this.properties = properties;
    }

    @PostMapping
    Mono<ResponseEntity<WebhookEndpoints.Registered>> register(
            @AuthenticationPrincipal AccountPrincipal account, @RequestBody(required = false) @Nullable JsonNode body) {
        // resolving the URL's host blocks
        return Mono.fromCallable(() -> WebhookRegistration.from(body, addresses::problem))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(registration -> endpoints.register(
                        account.accountId(),
                        registration,
                        WebhookSignature.newSecret(),
                        properties.maxEndpointsPerAccount()))
                .switchIfEmpty(Mono.error(() -> MediaPocketException.unprocessable(
                        "An account may register at most " + properties.maxEndpointsPerAccount() + " webhooks")))
                .map(registered -> ResponseEntity.status(HttpStatus.CREATED).body(registered));
    }

    @GetMapping
    Mono<Listing> list(@AuthenticationPrincipal AccountPrincipal account) {
        return endpoints
                .list(account.accountId(), properties.failingAfter())
                .collectList()
                .map(Listing::new);
    }

    @DeleteMapping("/{id}")
    Mono<Map<String, String>> delete(@AuthenticationPrincipal AccountPrincipal account, @PathVariable String id) {
        return Mono.fromCallable(() -> parse(id))
                .flatMap(webhook -> endpoints.delete(account.accountId(), webhook))
                .flatMap(deleted -> deleted
                        ? Mono.just(Map.of("message", "Webhook deleted"))
                        : Mono.error(() -> MediaPocketException.notFound("Webhook not found")));
    }

    private static long parse(String id) {
        try {
            return LinkIds.parse(id);
        } catch (MediaPocketException e) {
            throw MediaPocketException.notFound("Webhook not found");
        }
    }

    record Listing(List<WebhookEndpoints.Listed> webhooks) {}
}
