package dev.sharelinks.linkapi.share;

import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.linkapi.LinkApiProperties;
import dev.sharelinks.linkapi.security.AccountPrincipal;
import dev.sharelinks.linkapi.web.MediaPocketException;
import dev.sharelinks.messaging.outbox.Outbox;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

@Service
class ShareService {

    static final String NO_LINKS = "No shareable links found";

    private final DatabaseClient db;
    private final TransactionalOperator transaction;
    private final Outbox outbox;
    private final LinkApiProperties properties;

    ShareService(DatabaseClient db, TransactionalOperator transaction, Outbox outbox, LinkApiProperties properties) {
        this.db = db;
        this.transaction = transaction;
        this.outbox = outbox;
        this.properties = properties;
    }

    /**
     * Records the share and its ShareRequested event in one transaction. Every id must be a live link of this
     * account (not revoked, not expired); otherwise nothing is recorded and the answer is "No shareable links
     * found", which also never tells whether another account's link exists.
     */
    Mono<Long> share(AccountPrincipal account, ShareRequest request) {
        if (request.linkIds().isEmpty() || !request.allIdsWellFormed()) {
            return Mono.error(MediaPocketException.badRequest(NO_LINKS));
        }
        Mono<Long> shared = db.sql("""
                        SELECT id, key, filename, expires_at FROM links
                        WHERE account_id = :account AND id = ANY(:ids) AND revoked_at IS NULL AND expires_at > now()
                        ORDER BY array_position(:ids, id)""")
                .bind("account", account.accountId())
                .bind("ids", request.linkIds().toArray(Long[]::new))
                .map(row -> new ShareRequested.SharedLink(row.get("id", Long.class),
                        properties.redeemUrl(row.get("key", String.class)), row.get("filename", String.class),
                        row.get("expires_at", OffsetDateTime.class).toInstant()))
                .all()
                .collectList()
                .filter(links -> links.size() == request.linkIds().size())
                .switchIfEmpty(Mono.error(MediaPocketException.badRequest(NO_LINKS)))
                .flatMap(links -> record(account, request, links));
        return transaction.transactional(shared);
    }

    private Mono<Long> record(AccountPrincipal account, ShareRequest request, List<ShareRequested.SharedLink> links) {
        var insert = db.sql("""
                        INSERT INTO shares (account_id, recipients, message, link_ids)
                        VALUES (:account, :recipients, :message, :links) RETURNING id""")
                .bind("account", account.accountId())
                .bind("recipients", request.recipients().toArray(String[]::new))
                .bind("links", request.linkIds().toArray(Long[]::new));
        insert = request.message() == null ? insert.bindNull("message", String.class)
                : insert.bind("message", request.message());
        return insert.map(row -> row.get("id", Long.class))
                .one()
                .flatMap(shareId -> outbox.append(new ShareRequested(shareId, account.accountId(),
                                request.recipients(), request.message(), links), String.valueOf(shareId))
                        .thenReturn(shareId));
    }
}
