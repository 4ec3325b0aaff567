package dev.sharelinks.redirector.redeem;

import java.net.URI;
import java.util.regex.Pattern;
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
    /**
     * Link keys are short printable ASCII. Anything else is a miss without asking the database, which could not
     * even hold it (PostgreSQL text has no NUL).
     */
    private static final Pattern PLAUSIBLE_KEY = Pattern.compile("\\p{Graph}{1,128}");

    static final String TOO_MANY_BODY = "{\"error\":\"Too many requests for links that do not exist\"}";

    private final Redemptions redemptions;
    private final GrantBatcher grants;
    private final DownloadPresigner presigner;
    private final MissLimiter misses;

    RedeemController(Redemptions redemptions, GrantBatcher grants, DownloadPresigner presigner, MissLimiter misses) {
        this.redemptions = redemptions;
        this.grants = grants;
        this.presigner = presigner;
        this.misses = misses;
    }

    @GetMapping("/api/v2/shareable_links/{key}")
    Mono<ResponseEntity<String>> redeem(@PathVariable String key, ServerHttpRequest request) {
        if (!plausible(key)) {
            return miss(key, request);
        }
        return grants.grant(key, ClientAddress.of(request), request.getHeaders().getFirst(HttpHeaders.USER_AGENT),
                        ConnectionThread.of(request))
                .map(granted -> redirect(presigner.presignedUrl(granted.bucket(), granted.objectKey(),
                        granted.filename())))
                .switchIfEmpty(Mono.defer(() -> miss(key, request)));
    }

    /**
     * HEAD tells whether the link would redeem, without consuming a download and without a URL: mail scanners
     * and link previews probe links, and must not use up a recipient's downloads.
     */
    @RequestMapping(path = "/api/v2/shareable_links/{key}", method = RequestMethod.HEAD)
    Mono<ResponseEntity<Void>> probe(@PathVariable String key, ServerHttpRequest request) {
        Mono<Boolean> live = plausible(key) ? redemptions.isLive(key) : Mono.just(false);
        return live.flatMap(redeemable -> redeemable
                ? Mono.just(RedeemResponses.status(HttpStatus.OK))
                : miss(key, request).map(RedeemResponses::withoutBody));
    }

    /** 404, or 429 once this client has asked for too many keys that never existed. */
    private Mono<ResponseEntity<String>> miss(String key, ServerHttpRequest request) {
        Mono<Boolean> known = plausible(key) ? redemptions.isKnown(key) : Mono.just(false);
        return misses.judge(known, ClientAddress.of(request), MissLimiter.Route.LINK).map(wait -> wait
                .map(seconds -> RedeemResponses.retryLater(HttpStatus.TOO_MANY_REQUESTS, seconds, TOO_MANY_BODY))
                .orElseGet(() -> RedeemResponses.json(HttpStatus.NOT_FOUND, NOT_FOUND_BODY)));
    }

    private static boolean plausible(String key) {
        return PLAUSIBLE_KEY.matcher(key).matches();
    }

    private static ResponseEntity<String> redirect(URI url) {
        // the same small HTML body Rails sends with its 302, for clients that show it
        String body = "<html><body>You are being <a href=\"" + url.toString().replace("&", "&amp;")
                + "\">redirected</a>.</body></html>";
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(url)
                .cacheControl(CacheControl.noStore())
                .contentType(MediaType.TEXT_HTML)
                .body(body);
    }
}
