package dev.sharelinks.redirector.redeem;

import java.net.URI;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v2/shareable_links/:key}: 302 to a presigned S3 URL, as MediaPocket answers. Public: the
 * unguessable key is the capability, so recipients need no API key (an {@code X-API-KEY} sent is ignored).
 */
@RestController
class RedeemController {

    static final String NOT_FOUND_BODY = "{\"error\":\"Link not found or has expired\"}";
    private static final int MAX_KEY_LENGTH = 128;

    private final Redemptions redemptions;
    private final DownloadPresigner presigner;

    RedeemController(Redemptions redemptions, DownloadPresigner presigner) {
        this.redemptions = redemptions;
        this.presigner = presigner;
    }

    @GetMapping("/api/v2/shareable_links/{key}")
    Mono<ResponseEntity<String>> redeem(@PathVariable String key, ServerHttpRequest request) {
        if (key.length() > MAX_KEY_LENGTH) {
            return Mono.just(notFound());
        }
        return redemptions.grant(key, ClientAddress.of(request), request.getHeaders().getFirst(HttpHeaders.USER_AGENT))
                .map(granted -> redirect(presigner.presignedUrl(granted.bucket(), granted.objectKey(),
                        granted.filename())))
                .defaultIfEmpty(notFound());
    }

    /**
     * HEAD tells whether the link would redeem, without consuming a download and without a URL: mail scanners
     * and link previews probe links, and must not use up a recipient's downloads.
     */
    @RequestMapping(path = "/api/v2/shareable_links/{key}", method = RequestMethod.HEAD)
    Mono<ResponseEntity<Void>> probe(@PathVariable String key) {
        if (key.length() > MAX_KEY_LENGTH) {
            return Mono.just(ResponseEntity.notFound().build());
        }
        return redemptions.isLive(key).map(live -> live
                ? ResponseEntity.ok().cacheControl(CacheControl.noStore()).<Void>build()
                : ResponseEntity.notFound().cacheControl(CacheControl.noStore()).<Void>build());
    }

    private static ResponseEntity<String> redirect(String url) {
        // the same small HTML body Rails sends with its 302, for clients that show it
        String body = "<html><body>You are being <a href=\"" + url.replace("&", "&amp;") + "\">redirected</a>."
                + "</body></html>";
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(URI.create(url))
                .cacheControl(CacheControl.noStore())
                .contentType(MediaType.TEXT_HTML)
                .body(body);
    }

    private static ResponseEntity<String> notFound() {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .cacheControl(CacheControl.noStore())
                .contentType(MediaType.APPLICATION_JSON)
                .body(NOT_FOUND_BODY);
    }
}
