package dev.sharelinks.redirector.redeem;

import dev.sharelinks.redirector.page.VisitorPages;
import dev.sharelinks.redirector.redeem.RedeemableLinks.GrantedDownload;
import dev.sharelinks.redirector.redeem.RedeemableLinks.LinkState;
import dev.sharelinks.redirector.visitor.DownloadReceipts;
import dev.sharelinks.redirector.visitor.FormNonces;
import dev.sharelinks.redirector.visitor.PreviewAgents;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What {@code /api/v2/shareable_links/:key} answers, as MediaPocket does, whichever server code carries it: a GET
 * redeems (302 to a presigned S3 URL, {@link PublicRoutes}), a HEAD probes without consuming ({@link PublicProbes});
 * a key that cannot be redeemed gets 404, or 429 once its client has asked for too many keys that never existed.
 * Public: the unguessable key is the capability, so recipients need no API key (an {@code X-API-KEY} sent is ignored).
 * <p>
 * A download is a person's: a GET from a link-preview or scanner agent gets a preview page and spends nothing; a
 * GET carrying the receipt of this link's download a few minutes ago gets the file again and spends nothing; a
 * link with a landing page shows it to every GET, and only its form ({@link LandingForms}) spends. A plain GET
 * from a browser or API client is still exactly MediaPocket's redeem, plus the receipt cookie.
 */
@Component
class LinkRedeems {

    static final String PATH = "/api/v2/shareable_links/{key}";
    /** What {@link #PATH} is under: the key is the raw path's one segment after it. */
    static final String PREFIX = "/api/v2/shareable_links/";

    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);
    /**
     * Link keys are short printable ASCII. Anything else is a miss without asking the database, which could not
     * even hold it (PostgreSQL text has no NUL).
     */
    private static final Pattern PLAUSIBLE_KEY = Pattern.compile("\\p{Graph}{1,128}");

    private final RedeemableLinks links;
    private final LinkGrantBatcher grants;
    private final DownloadPresigner presigner;
    private final MissLimiter misses;
    private final PreviewAgents previewAgents;
    private final DownloadReceipts receipts;
    private final FormNonces nonces;
    private final VisitorPages pages;
    private final UnspentDownloads unspent;

    LinkRedeems(
            RedeemableLinks links,
            LinkGrantBatcher grants,
            DownloadPresigner presigner,
            MissLimiter misses,
            PreviewAgents previewAgents,
            DownloadReceipts receipts,
            FormNonces nonces,
            VisitorPages pages,
            UnspentDownloads unspent) {
        this.links = links;
        this.grants = grants;
        this.presigner = presigner;
        this.misses = misses;
        this.previewAgents = previewAgents;
        this.receipts = receipts;
        this.nonces = nonces;
        this.pages = pages;
        this.unspent = unspent;
    }

    /**
     * A GET: one download granted and a 302 to it, signalled on {@code answerOn}; a preview page, a repeat, the
     * landing page; or why not.
     */
    Mono<ResponseEntity<String>> redeem(Visit visit, Executor answerOn) {
        String key = visit.key();
        if (!plausible(key)) {
            return miss(key, visit.clientAddress());
        }
        Optional<String> previewAgent = previewAgents.match(visit.userAgent());
        if (previewAgent.isPresent()) {
            return preview(visit, previewAgent.get());
        }
        if (receipts.holdsReceipt(key, visit.cookies())) {
            return repeat(visit);
        }
        return grants.grant(key, visit.clientAddress(), visit.userAgent(), visit.recipientRef(), answerOn)
                .map(granted -> redirect(presign(granted), receipts.issue(key)))
                .switchIfEmpty(Mono.defer(() -> notGranted(visit, false)));
    }

    /**
     * A HEAD: whether the link would redeem, without consuming a download and without a URL. Mail scanners and link
     * previews probe links, and must not use up a recipient's downloads.
     */
    Mono<ResponseEntity<Void>> probe(String key, @Nullable String clientAddress) {
        Mono<Boolean> live = plausible(key) ? links.isLive(key) : Mono.just(false);
        return live.flatMap(redeemable -> redeemable
                ? Mono.just(RedeemResponses.status(HttpStatus.OK))
                : miss(key, clientAddress).map(RedeemResponses::withoutBody));
    }

    /**
     * The landing page of a live link, with a fresh form; {@code message} above its details, if any; in the
     * visitor's language, else the link's.
     */
    ResponseEntity<String> landingPage(
            HttpStatus status,
            String key,
            LinkState link,
            @Nullable String acceptLanguage,
            VisitorPages.@Nullable Message message) {
        return pages.landing(
                status,
                new VisitorPages.Landing(
                        link.filename(),
                        link.passwordProtected(),
                        link.expiresAt(),
                        link.remaining(),
                        link.live() ? nonces.issue(key) : null,
                        message),
                VisitorPages.locale(acceptLanguage, link.language()));
    }

    URI presign(GrantedDownload download) {
        return presigner.presignedUrl(download.bucket(), download.objectKey(), download.filename());
    }

    static boolean plausible(String key) {
        return PLAUSIBLE_KEY.matcher(key).matches();
    }

    /** 404, or 429 once this client has asked for too many keys that never existed. */
    Mono<ResponseEntity<String>> miss(String key, @Nullable String clientAddress) {
        Mono<Boolean> known = plausible(key) ? links.isKnown(key) : Mono.just(false);
        return judged(known, clientAddress);
    }

    /** A preview agent's GET: the preview page of a live link, spending nothing; a dead link's usual 404. */
    private Mono<ResponseEntity<String>> preview(Visit visit, String agent) {
        return links.state(visit.key())
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(state -> {
                    if (state.isPresent() && state.get().live()) {
                        unspent.preview(PublicRoute.LINK, agent);
                        return Mono.just(pages.preview(
                                state.get().filename(),
                                state.get().passwordProtected(),
                                VisitorPages.locale(
                                        visit.acceptLanguage(), state.get().language())));
                    }
                    return judged(Mono.just(state.isPresent()), visit.clientAddress());
                });
    }

    /** A GET with this link's receipt: the file again, recorded as a repeat; a landing-page link shows its page. */
    private Mono<ResponseEntity<String>> repeat(Visit visit) {
        return links.repeat(visit.key(), visit.clientAddress(), visit.userAgent())
                .flatMap(repeat -> {
                    if (repeat.landingPage()) {
                        return notGranted(visit, true);
                    }
                    unspent.count(PublicRoute.LINK, "repeat");
                    return Mono.just(redirect(presign(repeat.download()), null));
                })
                .switchIfEmpty(Mono.defer(() -> miss(visit.key(), visit.clientAddress())));
    }

    /** Nothing granted: the landing page of a live link that has one, else 404 (or 429 for a guesser). */
    private Mono<ResponseEntity<String>> notGranted(Visit visit, boolean holdsReceipt) {
        return links.state(visit.key())
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(state -> {
                    if (state.isPresent() && state.get().live() && state.get().landingPage()) {
                        unspent.count(PublicRoute.LINK, "landing-page");
                        return Mono.just(landingPage(
                                HttpStatus.OK,
                                visit.key(),
                                state.get(),
                                visit.acceptLanguage(),
                                holdsReceipt ? VisitorPages.Message.note("landing.repeat") : null));
                    }
                    return judged(Mono.just(state.isPresent()), visit.clientAddress());
                });
    }

    private Mono<ResponseEntity<String>> judged(Mono<Boolean> known, @Nullable String clientAddress) {
        return misses.miss(known, clientAddress, PublicRoute.LINK);
    }

    private static ResponseEntity<String> redirect(URI url, @Nullable String receipt) {
        // the same small HTML body Rails sends with its 302, for clients that show it
        String body = "<html><body>You are being <a href=\"" + url.toString().replace("&", "&amp;")
                + "\">redirected</a>.</body></html>";
        ResponseEntity.BodyBuilder found = ResponseEntity.status(HttpStatus.FOUND)
                .location(url)
                .cacheControl(CacheControl.noStore())
                .contentType(HTML);
        if (receipt != null) {
            found.header(HttpHeaders.SET_COOKIE, receipt);
        }
        return found.body(body);
    }

    /**
     * One GET of a link, as the route read it.
     *
     * @param key the path's key, percent-decoded
     * @param cookies the request's {@code Cookie} header, where a download receipt would be
     * @param recipientRef the recipient reference of the URL ({@link RecipientRefs}), null for the plain URL
     * @param acceptLanguage the request's {@code Accept-Language}, which its pages are shown in
     */
    record Visit(
            String key,
            @Nullable String clientAddress,
            @Nullable String userAgent,
            @Nullable String cookies,
            @Nullable String recipientRef,
            @Nullable String acceptLanguage) {}
}
