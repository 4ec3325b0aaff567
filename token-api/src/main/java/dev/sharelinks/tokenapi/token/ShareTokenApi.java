package dev.sharelinks.tokenapi.token;

import dev.sharelinks.tokenapi.TokenApiProperties;
import dev.sharelinks.tokenapi.security.DamUser;
import dev.sharelinks.tokenapi.web.KeepeekException;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Keepeek share tokens of a media: {@code /api/dam/medias/{mediaId}/share/tokens}. Public only so that
 * {@code KeepeekErrorHandler} can name it: its errors, and no other controller's, answer in the Keepeek format.
 */
@RestController
// Keepeek answers HAL; clients that ask for it get the same JSON under that type
@RequestMapping(
        path = "/api/dam/medias/{mediaId}/share/tokens",
        produces = {MediaType.APPLICATION_JSON_VALUE, "application/hal+json"})
public class ShareTokenApi {

    private final ShareTokenService tokens;
    private final TokenApiProperties properties;
    private final Clock clock;

    ShareTokenApi(ShareTokenService tokens, TokenApiProperties properties, Clock clock) {
        this.tokens = tokens;
        this.properties = properties;
        this.clock = clock;
    }

    @GetMapping
    Mono<TokenPage> list(
            @AuthenticationPrincipal DamUser user,
            @PathVariable String mediaId,
            @RequestParam(required = false) @Nullable String page,
            @RequestParam(required = false) @Nullable String size,
            ServerHttpRequest request) {
        long media = mediaId(mediaId);
        int pageNumber = number(page, "page", 1, 1, 10_000_000);
        int pageSize = number(size, "size", properties.defaultPageSize(), 1, properties.maxPageSize());
        return tokens.list(user, media, pageNumber, pageSize).map(listing -> {
            long pageCount = Math.max(1, (listing.total() + pageSize - 1) / pageSize);
            Map<String, TokenResource.Link> links = new LinkedHashMap<>();
            links.put("self", pageLink(request, pageNumber, pageSize));
            links.put("first", pageLink(request, 1, pageSize));
            if (pageNumber > 1) {
                links.put("previous", pageLink(request, (int) Math.min(pageNumber - 1, pageCount), pageSize));
            }
            if (pageNumber < pageCount) {
                links.put("next", pageLink(request, pageNumber + 1, pageSize));
            }
            links.put("last", pageLink(request, (int) pageCount, pageSize));
            List<TokenResource> items = listing.tokens().stream()
                    .map(token -> resource(token, request))
                    .toList();
            return new TokenPage(listing.total(), pageNumber, pageSize, pageCount, links, Map.of("item", items));
        });
    }

    @GetMapping("/{tokenId}")
    Mono<TokenResource> get(
            @AuthenticationPrincipal DamUser user,
            @PathVariable String mediaId,
            @PathVariable String tokenId,
            ServerHttpRequest request) {
        return tokens.get(user, mediaId(mediaId), tokenId).map(token -> resource(token, request));
    }

    @PostMapping
    Mono<ResponseEntity<TokenResource>> create(
            @AuthenticationPrincipal DamUser user,
            @PathVariable String mediaId,
            @RequestBody(required = false) @Nullable JsonNode body,
            ServerHttpRequest request) {
        return tokens.create(user, mediaId(mediaId), body).map(token -> {
            TokenResource created = resource(token, request);
            // TokenResource.of always links "self"
            TokenResource.Link self = Objects.requireNonNull(created.links().get("self"), "self link");
            return ResponseEntity.created(URI.create(self.href())).body(created);
        });
    }

    @PutMapping("/{tokenValue}")
    Mono<ResponseEntity<Void>> replace(
            @AuthenticationPrincipal DamUser user,
            @PathVariable String mediaId,
            @PathVariable String tokenValue,
            @RequestBody(required = false) @Nullable JsonNode body) {
        return tokens.replace(user, mediaId(mediaId), tokenValue, body)
                .thenReturn(ResponseEntity.noContent().build());
    }

    @DeleteMapping("/{tokenValue}")
    Mono<ResponseEntity<Void>> delete(
            @AuthenticationPrincipal DamUser user, @PathVariable String mediaId, @PathVariable String tokenValue) {
        return tokens.delete(user, mediaId(mediaId), tokenValue)
                .thenReturn(ResponseEntity.noContent().build());
    }

    private TokenResource resource(StoredToken token, ServerHttpRequest request) {
        String self = UriComponentsBuilder.fromUri(request.getURI())
                .replacePath("/api/dam/medias/{mediaId}/share/tokens/{tokenId}")
                .replaceQuery(null)
                .buildAndExpand(token.mediaId(), token.id())
                .toUriString();
        return TokenResource.of(token, clock.instant(), self, tokens.publicUrl(token));
    }

    private static TokenResource.Link pageLink(ServerHttpRequest request, int page, int size) {
        return new TokenResource.Link(UriComponentsBuilder.fromUri(request.getURI())
                .replaceQueryParam("page", page)
                .replaceQueryParam("size", size)
                .build()
                .toUriString());
    }

    /** A media id that cannot be one names no media. */
    private static long mediaId(String mediaId) {
        if (!mediaId.matches("\\d{1,18}")) {
            throw KeepeekException.mediaNotFound(mediaId);
        }
        return Long.parseLong(mediaId);
    }

    private static int number(@Nullable String value, String name, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        if (value.strip().matches("\\d{1,9}")) {
            int number = Integer.parseInt(value.strip());
            if (number >= min && number <= max) {
                return number;
            }
        }
        throw KeepeekException.invalid(name + " must be an integer from " + min + " to " + max);
    }
}
