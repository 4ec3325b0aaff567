package dev.sharelinks.redirector.redeem;

import dev.sharelinks.redirector.page.VisitorPages;
import dev.sharelinks.redirector.redeem.RedeemableLinks.LinkState;
import dev.sharelinks.redirector.visitor.DownloadReceipts;
import dev.sharelinks.redirector.visitor.FormNonces;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What a landing page's form POST answers. It spends one download and answers 303 to the file (with a receipt,
 * like a GET's redirect) only for a live landing-page link, a form nonce issued for that link, unexpired and not
 * used before, and the link's password when it has one. Anything else spends nothing and shows the page again with
 * a fresh form and a line saying why: 400 for a missing, forged or stale form, 409 for one already submitted, 401
 * for a wrong password, 429 (with {@code Retry-After}) once a client has tried too many, 404 without a form once
 * the link is gone. A person holding a receipt of the link gets the file again without spending.
 */
@Component
class LandingForms {

    private final RedeemableLinks links;
    private final FormGrants formGrants;
    private final PasswordChecks passwords;
    private final FormNonces nonces;
    private final DownloadReceipts receipts;
    private final LinkRedeems redeems;
    private final UnspentDownloads unspent;

    LandingForms(
            RedeemableLinks links,
            FormGrants formGrants,
            PasswordChecks passwords,
            FormNonces nonces,
            DownloadReceipts receipts,
            LinkRedeems redeems,
            UnspentDownloads unspent) {
        this.links = links;
        this.formGrants = formGrants;
        this.passwords = passwords;
        this.nonces = nonces;
        this.receipts = receipts;
        this.redeems = redeems;
        this.unspent = unspent;
    }

    Mono<ResponseEntity<String>> submit(Submission form) {
        if (!LinkRedeems.plausible(form.key())) {
            return redeems.miss(form.key(), form.clientAddress());
        }
        return links.state(form.key())
                .flatMap(link -> submit(form, link))
                .switchIfEmpty(Mono.defer(() -> redeems.miss(form.key(), form.clientAddress())));
    }

    private Mono<ResponseEntity<String>> submit(Submission form, LinkState link) {
        if (!link.landingPage()) {
            // a plain link has no form: its GET is the download, and this link takes no POST
            return Mono.just(ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED)
                    .allow(HttpMethod.GET, HttpMethod.HEAD)
                    .cacheControl(CacheControl.noStore())
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(PublicRoute.refusalBody(PublicRoute.LINK, HttpStatus.METHOD_NOT_ALLOWED)));
        }
        if (!link.live()) {
            return Mono.just(gone(form, link));
        }
        FormNonces.Check nonce = nonces.check(form.key(), form.nonce());
        if (nonce.verdict() != FormNonces.Verdict.VALID) {
            return Mono.just(refused(
                    HttpStatus.BAD_REQUEST,
                    form,
                    link,
                    nonce.verdict() == FormNonces.Verdict.EXPIRED ? "landing.form.expired" : "landing.form.invalid"));
        }
        Mono<Optional<ResponseEntity<String>>> passwordRefusal = link.passwordHash() == null
                ? Mono.just(Optional.empty())
                : checkPassword(form, link, link.passwordHash());
        return passwordRefusal.flatMap(refusal -> refusal.map(Mono::just).orElseGet(() -> grant(form, link, nonce)));
    }

    /** Empty when the password is right; else the answer that refuses it. */
    private Mono<Optional<ResponseEntity<String>>> checkPassword(Submission form, LinkState link, String hash) {
        String password = form.password();
        if (password == null || password.isEmpty()) {
            return Mono.just(Optional.of(wrongPassword(form, link, "landing.password.missing")));
        }
        return passwords
                .countAttempt(form.key(), form.clientAddress())
                .map(wait -> Optional.of(throttled(form, link, wait)))
                .switchIfEmpty(Mono.defer(() -> passwords
                        .matches(password, hash)
                        .flatMap(right -> right
                                ? passwords
                                        .clear(form.key(), form.clientAddress())
                                        .thenReturn(Optional.<ResponseEntity<String>>empty())
                                : Mono.just(Optional.of(wrongPassword(form, link, "landing.password.wrong"))))))
                .onErrorResume(
                        RejectedExecutionException.class,
                        busy -> Mono.just(Optional.of(RedeemResponses.retryLater(
                                HttpStatus.SERVICE_UNAVAILABLE,
                                Duration.ofSeconds(1),
                                "{\"error\":\"Service temporarily unavailable\"}"))));
    }

    private Mono<ResponseEntity<String>> grant(Submission form, LinkState link, FormNonces.Check nonce) {
        // only a VALID nonce comes here, and its check carries both
        String nonceId = Objects.requireNonNull(nonce.id(), "a valid nonce's id");
        Instant nonceExpiresAt = Objects.requireNonNull(nonce.expiresAt(), "a valid nonce's expiry");
        boolean repeat = receipts.holdsReceipt(form.key(), form.cookies());
        Mono<FormGrants.Outcome> outcome = repeat
                ? formGrants.repeat(form.key(), nonceId, nonceExpiresAt, form.clientAddress(), form.userAgent())
                : formGrants.spend(
                        form.key(),
                        nonceId,
                        nonceExpiresAt,
                        form.clientAddress(),
                        form.userAgent(),
                        form.recipientRef());
        return outcome.map(result -> {
            if (!result.freshNonce()) {
                return refused(HttpStatus.CONFLICT, form, link, "landing.form.used");
            }
            if (result.download() == null) {
                return gone(form, link);
            }
            if (repeat) {
                unspent.count(PublicRoute.LINK, "repeat");
            }
            ResponseEntity.BodyBuilder seeOther = ResponseEntity.status(HttpStatus.SEE_OTHER)
                    .location(redeems.presign(result.download()))
                    .cacheControl(CacheControl.noStore())
                    .header("Referrer-Policy", "no-referrer");
            String receipt = repeat ? null : receipts.issue(form.key());
            if (receipt != null) {
                seeOther.header(HttpHeaders.SET_COOKIE, receipt);
            }
            return seeOther.body(null);
        });
    }

    /** @param why the key of the page's line saying why */
    private ResponseEntity<String> refused(HttpStatus status, Submission form, LinkState link, String why) {
        unspent.count(PublicRoute.LINK, "form-refused");
        return redeems.landingPage(status, form.key(), link, form.acceptLanguage(), VisitorPages.Message.error(why));
    }

    /** @param why the key of the page's line saying why */
    private ResponseEntity<String> wrongPassword(Submission form, LinkState link, String why) {
        unspent.count(PublicRoute.LINK, "wrong-password");
        ResponseEntity<String> page = redeems.landingPage(
                HttpStatus.UNAUTHORIZED, form.key(), link, form.acceptLanguage(), VisitorPages.Message.error(why));
        // a 401 names how to authenticate: here, the page's own form
        return ResponseEntity.status(page.getStatusCode())
                .headers(page.getHeaders())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Form realm=\"download\"")
                .body(page.getBody());
    }

    private ResponseEntity<String> throttled(Submission form, LinkState link, Duration wait) {
        unspent.count(PublicRoute.LINK, "password-throttled");
        long minutes = Math.max(1, (wait.toSeconds() + 59) / 60);
        ResponseEntity<String> page = redeems.landingPage(
                HttpStatus.TOO_MANY_REQUESTS,
                form.key(),
                link,
                form.acceptLanguage(),
                VisitorPages.Message.error("landing.password.throttled", minutes));
        return ResponseEntity.status(page.getStatusCode())
                .headers(page.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, wait.toSeconds())))
                .body(page.getBody());
    }

    /** 404: the link expired, was revoked or has no downloads left since the page was shown. */
    private ResponseEntity<String> gone(Submission form, LinkState link) {
        LinkState dead =
                new LinkState(link.filename(), link.expiresAt(), 0, false, true, link.passwordHash(), link.language());
        return redeems.landingPage(
                HttpStatus.NOT_FOUND,
                form.key(),
                dead,
                form.acceptLanguage(),
                VisitorPages.Message.error("landing.gone"));
    }

    /**
     * A landing page's form as posted.
     *
     * @param nonce the form's {@code nonce} field; null when absent
     * @param password the form's {@code password} field; null when absent
     * @param cookies the request's {@code Cookie} header
     * @param recipientRef the recipient reference of the page's URL ({@link RecipientRefs}), null for the plain URL
     * @param acceptLanguage the request's {@code Accept-Language}, which the page it answers is shown in
     */
    record Submission(
            String key,
            @Nullable String nonce,
            @Nullable String password,
            @Nullable String clientAddress,
            @Nullable String userAgent,
            @Nullable String cookies,
            @Nullable String recipientRef,
            @Nullable String acceptLanguage) {}
}
