package dev.sharelinks.linkapi.link;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.LinkCreated;
import dev.sharelinks.events.LinkRevoked;
import dev.sharelinks.linkapi.LinkApiProperties;
import dev.sharelinks.linkapi.idempotency.Answered;
import dev.sharelinks.linkapi.idempotency.IdempotentRequest;
import dev.sharelinks.linkapi.idempotency.IdempotentWrites;
import dev.sharelinks.linkapi.idempotency.Written;
import dev.sharelinks.linkapi.security.AccountPrincipal;
import dev.sharelinks.linkapi.security.Secrets;
import dev.sharelinks.linkapi.web.MediaPocketException;
import dev.sharelinks.messaging.outbox.AppendedEvent;
import dev.sharelinks.messaging.outbox.Outbox;
import dev.sharelinks.messaging.outbox.ReadYourWrites;
import dev.sharelinks.sealing.Sealer;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Creates, revokes and describes links; every change commits together with its event in the outbox. */
@Service
class LinkService {

    static final String ASSET_NOT_FOUND = "asset not found";
    /** 24 random bytes: a 32-character key with 192 bits of entropy, unguessable and URL-safe. */
    private static final int KEY_BYTES = 24;

    private final DatabaseClient db;
    private final TransactionalOperator transaction;
    private final Outbox outbox;
    private final Secrets secrets;
    private final Sealer sealer;
    private final LinkApiProperties properties;
    private final PasswordEncoder passwords;
    private final ReadYourWrites readYourWrites;
    private final IdempotentWrites writes;
    private final Clock clock;

    LinkService(
            DatabaseClient db,
            TransactionalOperator transaction,
            Outbox outbox,
            Secrets secrets,
            Sealer sealer,
            LinkApiProperties properties,
            PasswordEncoder passwords,
            ReadYourWrites readYourWrites,
            IdempotentWrites writes,
            Clock clock) {
        this.db = db;
        this.transaction = transaction;
        this.outbox = outbox;
        this.secrets = secrets;
        this.sealer = sealer;
        this.properties = properties;
        this.passwords = passwords;
        this.readYourWrites = readYourWrites;
        this.writes = writes;
        this.clock = clock;
    }

    /** PasswordEncoder answers null only for a null password. */
    private String hash(String password) {
        return Objects.requireNonNull(passwords.encode(password), "the password's hash");
    }

    /**
     * Creates the link, answered once the redirector can redeem it, so the URL works the moment the client has it;
     * with an Idempotency-Key, once per key (a retry answers the first link again).
     */
    Mono<Answered<LinkResponses.Created>> create(
            AccountPrincipal account, CreateLinkRequest request, @Nullable IdempotentRequest idempotency) {
        String key = secrets.randomToken(KEY_BYTES);
        String url = properties.redeemUrl(key);
        String password = request.password();
        Mono<Optional<String>> passwordHash = password == null
                ? Mono.just(Optional.empty())
                // a slow hash on purpose (bcrypt, tens of milliseconds): off the event loop
                : Mono.fromCallable(() -> Optional.of(hash(password))).subscribeOn(Schedulers.boundedElastic());
        Mono<Written<LinkResponses.Created>> created = findAsset(account, request)
                .zipWith(passwordHash)
                .flatMap(assetAndHash -> insert(
                                account,
                                request,
                                key,
                                assetAndHash.getT1(),
                                assetAndHash.getT2().orElse(null))
                        .flatMap(row -> outbox.append(
                                        new LinkCreated(
                                                row.id(),
                                                CapabilityDigests.hex(key),
                                                account.accountId(),
                                                request.mediaId(),
                                                assetAndHash.getT1().assetId(),
                                                account.bucket(),
                                                assetAndHash.getT1().objectKey(),
                                                request.filename(),
                                                request.expiresAt(),
                                                request.limit(),
                                                row.landingPage()
                                                        ? new LinkCreated.LandingPage(assetAndHash
                                                                .getT2()
                                                                .orElse(null))
                                                        : null,
                                                row.locale()),
                                        String.valueOf(row.id()))
                                .map(event -> new Written<>(
                                        new LinkResponses.Created(row.id(), url, request.filename()), event))));
        return writes.run(account, idempotency, LinkResponses.Created.class, created);
    }

    /**
     * The link's row, which keeps the key sealed and its digest; without {@code landing_page} in the request, the
     * account's default decides.
     */
    private Mono<InsertedLink> insert(
            AccountPrincipal account,
            CreateLinkRequest request,
            String key,
            Asset asset,
            @Nullable String passwordHash) {
        return db.sql("""
                        INSERT INTO links (account_id, key_digest, sealed_key, media_id, asset_id, bucket, object_key,
                                           filename, expires_at, download_limit, remaining, landing_page,
                                           password_hash)
                        SELECT :account, :digest, :sealed, :media, :asset, :bucket, :object, :filename, :expires,
                               :limit, :limit,
                               coalesce(CAST(:landing AS boolean), a.landing_page_default), :password
                        FROM accounts a WHERE a.id = :account
                        RETURNING id, landing_page, (SELECT locale FROM accounts WHERE id = :account) AS locale""")
                .bind("account", account.accountId())
                .bind("digest", CapabilityDigests.sha256(key))
                .bind("sealed", sealer.seal(key))
                .bind("media", request.mediaId())
                .bind("asset", asset.assetId())
                .bind("bucket", account.bucket())
                .bind("object", asset.objectKey())
                .bind("filename", request.filename())
                .bind("expires", request.expiresAt().atOffset(ZoneOffset.UTC))
                .bind("limit", request.limit())
                .bind("landing", Parameters.in(R2dbcType.BOOLEAN, request.landingPage()))
                .bind("password", Parameters.in(R2dbcType.VARCHAR, passwordHash))
                .map(row -> new InsertedLink(
                        row.get("id", Long.class),
                        row.get("landing_page", Boolean.class),
                        row.get("locale", String.class)))
                .one();
    }

    /**
     * Revokes a link of this account, answered once the redirector refuses it; revoking it again changes nothing
     * and announces nothing.
     */
    Mono<Void> revoke(AccountPrincipal account, long linkId) {
        Mono<AppendedEvent> revoked = db.sql("""
                        UPDATE links SET revoked_at = now()
                        WHERE id = :id AND account_id = :account AND revoked_at IS NULL
                        RETURNING key_digest""")
                .bind("id", linkId)
                .bind("account", account.accountId())
                .map(row -> row.get("key_digest", byte[].class))
                .one()
                .flatMap(digest -> outbox.append(
                        new LinkRevoked(linkId, HexFormat.of().formatHex(digest), account.accountId()),
                        String.valueOf(linkId)))
                .switchIfEmpty(ownedBy(account, linkId).then(Mono.<AppendedEvent>empty()));
        return transaction.transactional(revoked).flatMap(readYourWrites::awaitApplied);
    }

    Mono<LinkResponses.Info> info(AccountPrincipal account, long linkId) {
        return db.sql("""
                        SELECT id, sealed_key, key, filename, media_id, asset_id, download_limit, remaining,
                               expires_at, created_at, revoked_at, landing_page,
                               password_hash IS NOT NULL AS password_protected
                        FROM links WHERE id = :id AND account_id = :account""")
                .bind("id", linkId)
                .bind("account", account.accountId())
                .map(row -> {
                    Instant expiresAt =
                            row.get("expires_at", OffsetDateTime.class).toInstant();
                    OffsetDateTime revokedAt = row.get("revoked_at", OffsetDateTime.class);
                    int remaining = row.get("remaining", Integer.class);
                    return new LinkResponses.Info(
                            row.get("id", Long.class),
                            properties.redeemUrl(
                                    sealer.open(row.get("sealed_key", String.class), row.get("key", String.class))),
                            row.get("filename", String.class),
                            row.get("media_id", Long.class),
                            row.get("asset_id", String.class),
                            row.get("download_limit", Integer.class),
                            remaining,
                            expiresAt,
                            row.get("created_at", OffsetDateTime.class).toInstant(),
                            revokedAt == null ? null : revokedAt.toInstant(),
                            status(revokedAt != null, remaining, expiresAt),
                            row.get("landing_page", Boolean.class),
                            row.get("password_protected", Boolean.class));
                })
                .one()
                .switchIfEmpty(Mono.error(LinkIds.notFound()));
    }

    private String status(boolean revoked, int remaining, Instant expiresAt) {
        if (revoked) {
            return "revoked";
        }
        if (!expiresAt.isAfter(clock.instant())) {
            return "expired";
        }
        return remaining > 0 ? "active" : "exhausted";
    }

    private Mono<Boolean> ownedBy(AccountPrincipal account, long linkId) {
        return db.sql("SELECT true AS owned FROM links WHERE id = :id AND account_id = :account")
                .bind("id", linkId)
                .bind("account", account.accountId())
                .map(row -> true)
                .one()
                .switchIfEmpty(Mono.error(LinkIds.notFound()));
    }

    /**
     * The asset behind {@code payload[media_id]} in this account; if {@code payload[asset_id]} is sent too it must
     * name the same asset. Anything else, another account's asset included, is "asset not found".
     */
    private Mono<Asset> findAsset(AccountPrincipal account, CreateLinkRequest request) {
        return db.sql("SELECT asset_id, object_key FROM assets WHERE account_id = :account AND media_id = :media")
                .bind("account", account.accountId())
                .bind("media", request.mediaId())
                .map(row -> new Asset(row.get("asset_id", String.class), row.get("object_key", String.class)))
                .one()
                .filter(asset -> request.assetId() == null || asset.assetId().equals(request.assetId()))
                .switchIfEmpty(Mono.error(MediaPocketException.badRequest(ASSET_NOT_FOUND)));
    }

    private record Asset(String assetId, String objectKey) {}

    /** @param locale the account's language, which the link's pages fall back to */
    private record InsertedLink(long id, boolean landingPage, String locale) {}
}
