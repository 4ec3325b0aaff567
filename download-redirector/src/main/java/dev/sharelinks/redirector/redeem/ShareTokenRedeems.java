package dev.sharelinks.redirector.redeem;

import dev.sharelinks.redirector.page.VisitorPages;
import dev.sharelinks.redirector.visitor.PreviewAgents;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;

/**
 * What a Keepeek share token's public URL, {@code /share/<tokenValue><suffix>}, answers, whichever server code
 * carries it: a GET redirects 302 to a presigned S3 URL of the file its export definition grants (HD: the original,
 * BD: the low-definition rendition; {@link PublicRoutes}), a HEAD probes without recording ({@link PublicProbes}).
 * Public: the unguessable value is the capability.
 *
 * <p>The suffix is appended without separator and may hold a {@code ?} (the seed's example is
 * {@code ?iAmASuffix}), so the public path is the percent-decoded path after {@code /share/}, plus {@code ?} and the
 * decoded query if the request has one. Percent-decoding is exact because token-api refuses {@code %} in suffixes.
 * A GET from a link-preview or scanner agent gets the preview page of an active token and records no download.
 */
@Component
class ShareTokenRedeems {

    static final String PATH = "/share/**";
    static final String PREFIX = "/share/";
    private static final String NOT_GRANTED_BODY = "{\"status\":403,\"code\":\"share-token-download-not-granted\","
            + "\"message\":\"This share token grants no download\"}";
    /** A value (at most 128) and a suffix (at most 255), percent-encoded at worst. */
    private static final int MAX_RAW_LENGTH = 3 * (128 + 255) + 1;
    /**
     * Token values and suffixes are printable ASCII. A decoded path with anything else is a miss without asking the
     * database, which could not even hold it (PostgreSQL text has no NUL).
     */
    private static final Pattern PLAUSIBLE_PATH = Pattern.compile("\\p{Graph}+");

    private final ShareTokenGrants grants;
    private final ShareTokenGrantBatcher batcher;
    private final DownloadPresigner presigner;
    private final MissLimiter misses;
    private final PreviewAgents previewAgents;
    private final VisitorPages pages;
    private final UnspentDownloads unspent;

    ShareTokenRedeems(
            ShareTokenGrants grants,
            ShareTokenGrantBatcher batcher,
            DownloadPresigner presigner,
            MissLimiter misses,
            PreviewAgents previewAgents,
            VisitorPages pages,
            UnspentDownloads unspent) {
        this.grants = grants;
        this.batcher = batcher;
        this.presigner = presigner;
        this.misses = misses;
        this.previewAgents = previewAgents;
        this.pages = pages;
        this.unspent = unspent;
    }

    /**
     * A GET: the download recorded and a 302 to it, signalled on {@code answerOn}; a preview page; or why not.
     */
    Mono<ResponseEntity<String>> redeem(Visit visit, Executor answerOn) {
        String publicPath = visit.publicPath();
        if (publicPath == null) {
            return miss(null, visit.clientAddress());
        }
        Optional<String> previewAgent = previewAgents.match(visit.userAgent());
        if (previewAgent.isPresent()) {
            // a link preview of the token's URL: its page, and no ShareTokenDownloaded on the record
            return grants.probe(publicPath)
                    .map(grant -> {
                        if (grant.download() == null) {
                            return notGranted();
                        }
                        unspent.preview(PublicRoute.SHARE_TOKEN, previewAgent.get());
                        return pages.preview(
                                grant.download().filename(), false, VisitorPages.locale(visit.acceptLanguage(), null));
                    })
                    .switchIfEmpty(Mono.defer(() -> miss(publicPath, visit.clientAddress())));
        }
        return batcher.grant(publicPath, visit.clientAddress(), visit.userAgent(), answerOn)
                .map(grant -> grant.download() == null ? notGranted() : redirect(grant.download()))
                .switchIfEmpty(Mono.defer(() -> miss(publicPath, visit.clientAddress())));
    }

    /** A HEAD: whether a GET would redirect (200), refuse (403), not find (404) or throttle (429); records nothing. */
    Mono<ResponseEntity<Void>> probe(@Nullable String publicPath, @Nullable String clientAddress) {
        Mono<ResponseEntity<Void>> refused =
                Mono.defer(() -> miss(publicPath, clientAddress).map(RedeemResponses::withoutBody));
        if (publicPath == null) {
            return refused;
        }
        return grants.probe(publicPath)
                .map(grant -> RedeemResponses.status(grant.download() == null ? HttpStatus.FORBIDDEN : HttpStatus.OK))
                .switchIfEmpty(refused);
    }

    /**
     * The public path a request names: its raw path after {@code /share/}, percent-decoded, plus {@code ?} and the
     * decoded raw query when it has one. Null for a path that no token can have: none after the prefix, too long,
     * a malformed escape, or anything but printable ASCII.
     *
     * @param rawPath the request's path, not decoded, without its query
     * @param rawQuery the request's query, not decoded, without its {@code ?}; null when the URL has no {@code ?}
     */
    static @Nullable String publicPath(String rawPath, @Nullable String rawQuery) {
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

    /**
     * 404, or 429 once this client has asked for too many paths that no token ever answered (an inactive, deleted
     * or not-granted token's path is known: its visitor is not a guesser).
     */
    private Mono<ResponseEntity<String>> miss(@Nullable String publicPath, @Nullable String clientAddress) {
        Mono<Boolean> known = publicPath == null ? Mono.just(false) : grants.isKnown(publicPath);
        return misses.miss(known, clientAddress, PublicRoute.SHARE_TOKEN);
    }

    private ResponseEntity<String> notGranted() {
        misses.refused(PublicRoute.SHARE_TOKEN, "not-granted");
        return RedeemResponses.json(HttpStatus.FORBIDDEN, NOT_GRANTED_BODY);
    }

    private ResponseEntity<String> redirect(RedeemableLinks.GrantedDownload download) {
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(presigner.presignedUrl(download.bucket(), download.objectKey(), download.filename()))
                .cacheControl(CacheControl.noStore())
                .build();
    }

    /**
     * One GET of a token's URL, as the route read it.
     *
     * @param publicPath the path the URL names ({@link #publicPath}); null when no token can have it
     * @param acceptLanguage the request's {@code Accept-Language}, which a preview page is shown in
     */
    record Visit(
            @Nullable String publicPath,
            @Nullable String clientAddress,
            @Nullable String userAgent,
            @Nullable String acceptLanguage) {}
}
