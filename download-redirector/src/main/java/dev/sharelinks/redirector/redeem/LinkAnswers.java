package dev.sharelinks.redirector.redeem;

import java.net.URI;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What {@code /api/v2/shareable_links/:key} answers, as MediaPocket does, whichever server code carries it: a GET
 * redeems (302 to a presigned S3 URL, {@link RedeemRoute}), a HEAD probes without consuming ({@link RedeemController});
 * a key that cannot be redeemed gets 404, or 429 once its client has asked for too many keys that never existed.
 * Public: the unguessable key is the capability, so recipients need no API key (an {@code X-API-KEY} sent is ignored).
 */
@Component
class LinkAnswers {

    static final String PATH = "/api/v2/shareable_links/{key}";
    private static final String NOT_FOUND_BODY = "{\"error\":\"Link not found or has expired\"}";
    private static final String TOO_MANY_BODY = "{\"error\":\"Too many requests for links that do not exist\"}";
    /**
     * Link keys are short printable ASCII. Anything else is a miss without asking the database, which could not
     * even hold it (PostgreSQL text has no NUL).
     */
    private static final Pattern PLAUSIBLE_KEY = Pattern.compile("\\p{Graph}{1,128}");

    private final Redemptions redemptions;
    private final GrantBatcher grants;
    private final DownloadPresigner presigner;
    private final MissLimiter misses;

    LinkAnswers(Redemptions redemptions, GrantBatcher grants, DownloadPresigner presigner, MissLimiter misses) {
        this.redemptions = redemptions;
        this.grants = grants;
        this.presigner = presigner;
        this.misses = misses;
    }

    /** A GET: one download granted and a 302 to it, signalled on {@code answerOn}; or why not. */
    Mono<ResponseEntity<String>> redeem(String key, @Nullable String clientAddress, @Nullable String userAgent,
            Executor answerOn) {
        if (!plausible(key)) {
            return miss(key, clientAddress);
        }
        return grants.grant(key, clientAddress, userAgent, answerOn)
                .map(granted -> redirect(presigner.presignedUrl(granted.bucket(), granted.objectKey(),
                        granted.filename())))
                .switchIfEmpty(Mono.defer(() -> miss(key, clientAddress)));
    }

    /**
     * A HEAD: whether the link would redeem, without consuming a download and without a URL. Mail scanners and link
     * previews probe links, and must not use up a recipient's downloads.
     */
    Mono<ResponseEntity<Void>> probe(String key, @Nullable String clientAddress) {
        Mono<Boolean> live = plausible(key) ? redemptions.isLive(key) : Mono.just(false);
        return live.flatMap(redeemable -> redeemable
                ? Mono.just(RedeemResponses.status(HttpStatus.OK))
                : miss(key, clientAddress).map(RedeemResponses::withoutBody));
    }

    /** 404, or 429 once this client has asked for too many keys that never existed. */
    private Mono<ResponseEntity<String>> miss(String key, @Nullable String clientAddress) {
        Mono<Boolean> known = plausible(key) ? redemptions.isKnown(key) : Mono.just(false);
        return misses.judge(known, clientAddress, MissLimiter.Route.LINK).map(wait -> wait
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
