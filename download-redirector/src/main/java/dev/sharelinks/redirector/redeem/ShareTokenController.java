package dev.sharelinks.redirector.redeem;

import dev.sharelinks.redirector.page.RefusalPages;
import dev.sharelinks.redirector.page.VisitorPages;
import dev.sharelinks.redirector.visitor.PreviewAgents;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;

/**
 * A Keepeek share token's public URL, {@code /share/<tokenValue><suffix>}: 302 to a presigned S3 URL of the file
 * its export definition grants (HD: the original, BD: the low-definition rendition). Public: the unguessable value
 * is the capability.
 *
 * <p>The suffix is appended without separator and may hold a {@code ?} (the seed's example is
 * {@code ?iAmASuffix}), so the public path is the percent-decoded path after {@code /share/}, plus {@code ?} and the
 * decoded query if the request has one. Percent-decoding is exact because token-api refuses {@code %} in suffixes.
 * A GET from a link-preview or scanner agent gets the preview page of an active token and records no download.
 */
@RestController
class ShareTokenController {

    static final String NOT_FOUND_BODY = "{\"status\":404,\"code\":\"share-token-not-found\","
            + "\"message\":\"No active share token answers this URL\"}";
    static final String NOT_GRANTED_BODY = "{\"status\":403,\"code\":\"share-token-download-not-granted\","
            + "\"message\":\"This share token grants no download\"}";
    private static final String PREFIX = "/share/";
    /** A value (at most 128) and a suffix (at most 255), percent-encoded at worst. */
    private static final int MAX_RAW_LENGTH = 3 * (128 + 255) + 1;
    /**
     * Token values and suffixes are printable ASCII. A decoded path with anything else is a miss without asking the
     * database, which could not even hold it (PostgreSQL text has no NUL).
     */
    private static final Pattern PLAUSIBLE_PATH = Pattern.compile("\\p{Graph}+");

    static final String TOO_MANY_BODY = "{\"status\":429,\"code\":\"too-many-requests\","
            + "\"message\":\"Too many requests for share URLs that do not exist\"}";

    private final ShareTokenGrants grants;
    private final DownloadPresigner presigner;
    private final MissLimiter misses;
    private final PreviewAgents previewAgents;
    private final VisitorPages pages;
    private final RefusalPages refusals;
    private final UnspentDownloads unspent;

    ShareTokenController(
            ShareTokenGrants grants,
            DownloadPresigner presigner,
            MissLimiter misses,
            PreviewAgents previewAgents,
            VisitorPages pages,
            RefusalPages refusals,
            UnspentDownloads unspent) {
        this.refusals = refusals;
        this.grants = grants;
        this.presigner = presigner;
        this.misses = misses;
        this.previewAgents = previewAgents;
        this.pages = pages;
        this.unspent = unspent;
    }

    @GetMapping("/share/**")
    Mono<ResponseEntity<String>> download(ServerHttpRequest request) {
        return answer(request)
                .map(answer -> refusals.forVisitor(
                        answer,
                        RefusalPages.Route.SHARE_TOKEN,
                        request.getHeaders().getFirst(HttpHeaders.ACCEPT),
                        request.getHeaders().getFirst(HttpHeaders.ACCEPT_LANGUAGE)));
    }

    private Mono<ResponseEntity<String>> answer(ServerHttpRequest request) {
        String publicPath = publicPath(request);
        if (publicPath == null) {
            return miss(null, request);
        }
        String userAgent = request.getHeaders().getFirst(HttpHeaders.USER_AGENT);
        Optional<String> previewAgent = previewAgents.match(userAgent);
        if (previewAgent.isPresent()) {
            // a link preview of the token's URL: its page, and no ShareTokenDownloaded on the record
            return grants.probe(publicPath)
                    .map(grant -> {
                        if (grant.download() == null) {
                            return notGranted();
                        }
                        unspent.preview(MissLimiter.Route.SHARE_TOKEN, previewAgent.get());
                        return pages.preview(
                                grant.download().filename(),
                                false,
                                VisitorPages.locale(request.getHeaders().getFirst(HttpHeaders.ACCEPT_LANGUAGE), null));
                    })
                    .switchIfEmpty(Mono.defer(() -> miss(publicPath, request)));
        }
        return grants.grant(publicPath, ClientAddress.of(request), userAgent)
                .map(grant -> grant.download() == null ? notGranted() : redirect(grant.download()))
                .switchIfEmpty(Mono.defer(() -> miss(publicPath, request)));
    }

    /** Whether a GET would redirect (200), refuse (403), not find (404) or throttle (429); records nothing. */
    @RequestMapping(path = "/share/**", method = RequestMethod.HEAD)
    Mono<ResponseEntity<Void>> probe(ServerHttpRequest request) {
        String publicPath = publicPath(request);
        Mono<ResponseEntity<Void>> refused =
                Mono.defer(() -> miss(publicPath, request).map(RedeemResponses::withoutBody));
        if (publicPath == null) {
            return refused;
        }
        return grants.probe(publicPath)
                .map(grant -> RedeemResponses.status(grant.download() == null ? HttpStatus.FORBIDDEN : HttpStatus.OK))
                .switchIfEmpty(refused);
    }

    /** What a token's public URL answers to. */
    @RequestMapping(path = "/share/**", method = RequestMethod.OPTIONS)
    ResponseEntity<Void> options() {
        return RedeemResponses.allow(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    }

    /**
     * 404, or 429 once this client has asked for too many paths that no token ever answered (an inactive or
     * not-granted token's path is known: its visitor is not a guesser).
     */
    private Mono<ResponseEntity<String>> miss(@Nullable String publicPath, ServerHttpRequest request) {
        Mono<Boolean> known = publicPath == null ? Mono.just(false) : grants.isKnown(publicPath);
        return misses.judge(known, ClientAddress.of(request), MissLimiter.Route.SHARE_TOKEN)
                .map(wait -> wait.map(seconds ->
                                RedeemResponses.retryLater(HttpStatus.TOO_MANY_REQUESTS, seconds, TOO_MANY_BODY))
                        .orElseGet(() -> RedeemResponses.json(HttpStatus.NOT_FOUND, NOT_FOUND_BODY)));
    }

    private static @Nullable String publicPath(ServerHttpRequest request) {
        String rawPath = request.getPath().pathWithinApplication().value();
        String rawQuery = request.getURI().getRawQuery();
        int length = rawPath.length() + (rawQuery == null ? 0 : rawQuery.length() + 1);
        if (!rawPath.startsWith(PREFIX) || rawPath.length() == PREFIX.length() || length > MAX_RAW_LENGTH) {
            return null;
        }
        try {
            String path = UriUtils.decode(rawPath.substring(PREFIX.length()), StandardCharsets.UTF_8);
            String publicPath =
                    rawQuery == null ? path : path + "?" + UriUtils.decode(rawQuery, StandardCharsets.UTF_8);
            return PLAUSIBLE_PATH.matcher(publicPath).matches() ? publicPath : null;
        } catch (IllegalArgumentException malformedEscape) {
            return null;
        }
    }

    private ResponseEntity<String> notGranted() {
        misses.refused(MissLimiter.Route.SHARE_TOKEN, "not-granted");
        return RedeemResponses.json(HttpStatus.FORBIDDEN, NOT_GRANTED_BODY);
    }

    private ResponseEntity<String> redirect(Redemptions.GrantedDownload download) {
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(presigner.presignedUrl(download.bucket(), download.objectKey(), download.filename()))
                .cacheControl(CacheControl.noStore())
                .build();
    }
}
