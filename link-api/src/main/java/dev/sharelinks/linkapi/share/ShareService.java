package dev.sharelinks.linkapi.share;

import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.linkapi.LinkApiProperties;
import dev.sharelinks.linkapi.idempotency.Answered;
import dev.sharelinks.linkapi.idempotency.IdempotentRequest;
import dev.sharelinks.linkapi.idempotency.IdempotentWrites;
import dev.sharelinks.linkapi.idempotency.Written;
import dev.sharelinks.linkapi.security.AccountPrincipal;
import dev.sharelinks.linkapi.security.Secrets;
import dev.sharelinks.linkapi.web.MediaPocketException;
import dev.sharelinks.messaging.outbox.Outbox;
import dev.sharelinks.sealing.Sealer;
import java.time.OffsetDateTime;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

@Service
class ShareService {

    static final String NO_LINKS = "No shareable links found";
    /** A recipient reference's random bytes: 128 bits, 22 base64url characters, as the redirector expects. */
    private static final int RECIPIENT_REF_BYTES = 16;

    private final DatabaseClient db;
    private final IdempotentWrites writes;
    private final Outbox outbox;
    private final LinkApiProperties properties;
    private final Secrets secrets;
    private final Sealer sealer;

    ShareService(
            DatabaseClient db,
            IdempotentWrites writes,
            Outbox outbox,
            LinkApiProperties properties,
            Secrets secrets,
            Sealer sealer) {
        this.db = db;
        this.writes = writes;
        this.outbox = outbox;
        this.properties = properties;
        this.secrets = secrets;
        this.sealer = sealer;
    }

    /**
     * Records the share and its ShareRequested event in one transaction, for the links that can still be redeemed.
     * Every id must name a link of this account, or nothing is recorded and the answer is "No shareable links
     * found" (which never tells whether another account's link exists). Of those, the revoked, expired and used-up
     * ones are left out of the mails; if none is left, the same answer and nothing recorded. Each recipient gets its
     * own random reference, which its mail adds to the links' URLs, so its downloads are attributed to it. The event
     * carries each URL sealed, for the mailer only. With an Idempotency-Key, once per key: a retry answers the first
     * share's answer and mails nobody again.
     */
    Mono<Answered<Long>> share(
            AccountPrincipal account, ShareRequest request, @Nullable IdempotentRequest idempotency) {
        if (request.linkIds().isEmpty() || !request.allIdsWellFormed()) {
            return Mono.error(MediaPocketException.badRequest(NO_LINKS));
        }
        Mono<Written<Long>> shared = db.sql("""
                        SELECT l.id, l.sealed_key, l.key, l.filename, l.expires_at, l.remaining,
                               l.revoked_at IS NULL AND l.expires_at > now() AND l.remaining > 0 AS live,
                               a.name AS account_name, a.locale AS account_locale, a.logo_url, a.accent_color,
                               a.footer_text
                        FROM links l JOIN accounts a ON a.id = l.account_id
                        WHERE l.account_id = :account AND l.id = ANY(:ids)
                        ORDER BY array_position(:ids, l.id)""")
                .bind("account", account.accountId())
                .bind("ids", request.linkIds().toArray(Long[]::new))
                .map(row -> new OwnLink(
                        ShareRequested.SharedLink.sealed(
                                row.get("id", Long.class),
                                sealer.seal(properties.redeemUrl(sealer.open(
                                        row.get("sealed_key", String.class), row.get("key", String.class)))),
                                row.get("filename", String.class),
                                row.get("expires_at", OffsetDateTime.class).toInstant(),
                                row.get("remaining", Integer.class)),
                        row.get("live", Boolean.class),
                        row.get("account_name", String.class),
                        row.get("account_locale", String.class),
                        branding(
                                row.get("logo_url", String.class),
                                row.get("accent_color", String.class),
                                row.get("footer_text", String.class))))
                .all()
                .collectList()
                .filter(links -> links.size() == request.linkIds().size())
                .filter(links -> links.stream().anyMatch(OwnLink::live))
                .switchIfEmpty(Mono.error(MediaPocketException.badRequest(NO_LINKS)))
                .flatMap(links -> record(
                        account,
                        request,
                        links.stream().filter(OwnLink::live).map(OwnLink::link).toList(),
                        new ShareRequested.Sender(links.get(0).accountName(), request.senderName(), request.replyTo()),
                        request.locale() != null
                                ? request.locale()
                                : links.get(0).accountLocale(),
                        links.get(0).branding()))
                // the redirector serves nothing of a share: no event to wait for
                .map(shareId -> new Written<>(shareId, null));
        return writes.run(account, idempotency, Long.class, shared);
    }

    /** A link of the account named by the share, whether it can still be redeemed, and the account's mail settings. */
    private record OwnLink(
            ShareRequested.SharedLink link,
            boolean live,
            String accountName,
            String accountLocale,
            ShareRequested.@Nullable Branding branding) {}

    /** The account's branding; null for one that set none, whose mails keep Sharelinks' own look. */
    private static ShareRequested.@Nullable Branding branding(
            @Nullable String logoUrl, @Nullable String accentColor, @Nullable String footerText) {
        return logoUrl == null && accentColor == null && footerText == null
                ? null
                : new ShareRequested.Branding(logoUrl, accentColor, footerText);
    }

    private Mono<Long> record(
            AccountPrincipal account,
            ShareRequest request,
            List<ShareRequested.SharedLink> links,
            ShareRequested.Sender sender,
            String locale,
            ShareRequested.@Nullable Branding branding) {
        var insert = db.sql("""
                        INSERT INTO shares (account_id, recipients, message, link_ids)
                        VALUES (:account, :recipients, :message, :links) RETURNING id""")
                .bind("account", account.accountId())
                .bind("recipients", request.recipients().toArray(String[]::new))
                .bind(
                        "links",
                        links.stream().map(ShareRequested.SharedLink::linkId).toArray(Long[]::new));
        insert = request.message() == null
                ? insert.bindNull("message", String.class)
                : insert.bind("message", request.message());
        List<String> refs = request.recipients().stream()
                .map(recipient -> secrets.randomToken(RECIPIENT_REF_BYTES))
                .toList();
        return insert.map(row -> row.get("id", Long.class))
                .one()
                .flatMap(shareId -> db.sql("""
                                INSERT INTO share_recipients (ref, share_id, position, address)
                                SELECT r.ref, :share, r.position, r.address
                                FROM unnest(CAST(:refs AS text[]), CAST(:addresses AS text[]))
                                     WITH ORDINALITY AS r(ref, address, position)""")
                        .bind("share", shareId)
                        .bind("refs", refs.toArray(String[]::new))
                        .bind("addresses", request.recipients().toArray(String[]::new))
                        .then()
                        .then(outbox.append(
                                new ShareRequested(
                                        shareId,
                                        account.accountId(),
                                        request.recipients(),
                                        request.message(),
                                        links,
                                        refs,
                                        sender,
                                        locale,
                                        branding),
                                String.valueOf(shareId)))
                        .thenReturn(shareId));
    }
}
