package dev.sharelinks.tokenapi.token;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.ExportDefinition;
import dev.sharelinks.events.ShareTokenCreated;
import dev.sharelinks.events.ShareTokenDeleted;
import dev.sharelinks.events.ShareTokenState;
import dev.sharelinks.events.ShareTokenUpdated;
import dev.sharelinks.messaging.outbox.AppendedEvent;
import dev.sharelinks.messaging.outbox.Outbox;
import dev.sharelinks.messaging.outbox.ReadYourWrites;
import dev.sharelinks.sealing.Sealer;
import dev.sharelinks.tokenapi.TokenApiProperties;
import dev.sharelinks.tokenapi.security.DamUser;
import dev.sharelinks.tokenapi.web.KeepeekException;
import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Lists, reads, creates, replaces and deletes share tokens; every change commits together with its event in the
 * outbox. Checks run in the contract's order: the media (404), the caller's right (403), the token (404), then the
 * body (400), so a refused request writes nothing.
 */
@Service
class ShareTokenService {

    /** 24 random bytes: a 32-character URL-safe value with 192 bits of entropy, so public URLs are unguessable. */
    private static final int TOKEN_BYTES = 24;

    private static final String SELECT =
            "SELECT " + StoredToken.COLUMNS + " FROM share_tokens t JOIN share_templates st ON st.id = t.template_id ";

    private final DatabaseClient db;
    private final TransactionalOperator transaction;
    private final Outbox outbox;
    private final MediaAccess access;
    private final TokenApiProperties properties;
    private final ReadYourWrites readYourWrites;
    private final Sealer sealer;
    private final SecureRandom random = new SecureRandom();

    ShareTokenService(
            DatabaseClient db,
            TransactionalOperator transaction,
            Outbox outbox,
            MediaAccess access,
            TokenApiProperties properties,
            ReadYourWrites readYourWrites,
            Sealer sealer) {
        this.db = db;
        this.transaction = transaction;
        this.outbox = outbox;
        this.access = access;
        this.properties = properties;
        this.readYourWrites = readYourWrites;
        this.sealer = sealer;
    }

    /** One page of a media's tokens in creation order (stable across pages), and how many there are in all. */
    Mono<Listing> list(DamUser user, long mediaId, int page, int size) {
        Mono<Long> total = db.sql("SELECT count(*) AS total FROM share_tokens WHERE media_id = :media")
                .bind("media", mediaId)
                .map(row -> row.get("total", Long.class))
                .one();
        Mono<List<StoredToken>> tokens = db.sql(
                        SELECT + "WHERE t.media_id = :media ORDER BY t.id LIMIT :size OFFSET :offset")
                .bind("media", mediaId)
                .bind("size", size)
                .bind("offset", (long) (page - 1) * size)
                .map(row -> StoredToken.of(row, sealer))
                .all()
                .collectList();
        return access.readable(user, mediaId)
                .then(Mono.zip(total, tokens, (count, items) -> new Listing(items, count)));
    }

    Mono<StoredToken> get(DamUser user, long mediaId, String reference) {
        return access.readable(user, mediaId).then(find(mediaId, reference));
    }

    /** Answered once the redirector serves the token's public URL (or after the wait's bound). */
    Mono<StoredToken> create(DamUser user, long mediaId, @Nullable JsonNode body) {
        Mono<Written> created = access.readable(user, mediaId).flatMap(media -> {
            TokenRequest request = TokenRequest.forCreate(body);
            // forCreate refused a body without them
            long templateId = Objects.requireNonNull(request.templateId(), "templateId");
            long templateDomainId = Objects.requireNonNull(request.templateDomainId(), "templateDomainId");
            String tokenValue = request.tokenValue() != null ? request.tokenValue() : newTokenValue();
            String publicPath = ShareTokenState.publicPath(tokenValue, request.suffix());
            GenericExecuteSpec insert = db.sql("""
                            INSERT INTO share_tokens (media_id, sealed_value, value_digest, path_digest, suffix, title,
                                export_definition, manual_activate, activation_date, deactivation_date, template_id,
                                create_user)
                            VALUES (:media, :sealed, :valueDigest, :pathDigest, :suffix, :title, :definition, :manual,
                                :activation, :deactivation, :template, :user)
                            RETURNING id, create_date""")
                    .bind("media", mediaId)
                    .bind("sealed", sealer.seal(tokenValue))
                    .bind("valueDigest", CapabilityDigests.sha256(tokenValue))
                    .bind("pathDigest", CapabilityDigests.sha256(publicPath))
                    .bind("template", templateId)
                    .bind("user", user.id());
            return checkTemplate(templateId, templateDomainId)
                    .then(checkRendition(media, request.exportDefinition()))
                    .then(checkUnclaimed(tokenValue, publicPath, -1))
                    .then(bindAttributes(insert, request)
                            .map(row -> new StoredToken(
                                    row.get("id", Long.class),
                                    mediaId,
                                    tokenValue,
                                    request.suffix(),
                                    request.title(),
                                    request.exportDefinition(),
                                    request.manualActivate(),
                                    request.activationDate(),
                                    request.deactivationDate(),
                                    templateId,
                                    templateDomainId,
                                    user.id(),
                                    row.get("create_date", OffsetDateTime.class).toInstant(),
                                    null))
                            .one())
                    .flatMap(token -> outbox.append(
                                    new ShareTokenCreated(token.id(), state(token, media), user.id()),
                                    String.valueOf(token.id()))
                            .map(event -> new Written(token, event)));
        });
        return transaction
                .transactional(created)
                .flatMap(written -> readYourWrites.awaitApplied(written.event()).thenReturn(written.token()));
    }

    /**
     * PUT: the body is the token's whole new state; what it leaves out is erased. The value is the token's identity
     * and cannot change; the template is kept unless the body names one. Answered once the redirector serves the
     * new state.
     */
    Mono<Void> replace(DamUser user, long mediaId, String reference, @Nullable JsonNode body) {
        Mono<AppendedEvent> replaced = access.readable(user, mediaId)
                .flatMap(media -> find(mediaId, reference).flatMap(current -> {
                    TokenRequest request = TokenRequest.forReplace(body);
                    long templateId = request.templateId() != null ? request.templateId() : current.templateId();
                    Long domainId = request.templateId() != null
                            ? request.templateDomainId()
                            : Long.valueOf(current.templateDomainId());
                    // a suffix changed leaves its former public URL behind, retired like a deleted token's
                    GenericExecuteSpec update = db.sql("""
                                    WITH before AS (SELECT path_digest, value_digest FROM share_tokens WHERE id = :id),
                                    updated AS (
                                        UPDATE share_tokens SET title = :title, suffix = :suffix,
                                            path_digest = :pathDigest, export_definition = :definition,
                                            manual_activate = :manual, activation_date = :activation,
                                            deactivation_date = :deactivation, template_id = :template,
                                            update_date = now()
                                        WHERE id = :id
                                        RETURNING update_date, path_digest
                                    ), retired AS (
                                        INSERT INTO retired_share_urls (path_digest, value_digest)
                                        SELECT b.path_digest, b.value_digest FROM before b, updated u
                                        WHERE b.path_digest <> u.path_digest
                                        ON CONFLICT (path_digest) DO NOTHING
                                    )
                                    SELECT update_date FROM updated""")
                            .bind("template", templateId)
                            .bind("id", current.id())
                            .bind(
                                    "pathDigest",
                                    CapabilityDigests.sha256(
                                            ShareTokenState.publicPath(current.tokenValue(), request.suffix())));
                    return checkSameValue(current, request.tokenValue())
                            .then(checkTemplate(templateId, domainId))
                            .then(checkRendition(media, request.exportDefinition()))
                            .then(checkUnclaimed(
                                    current.tokenValue(),
                                    ShareTokenState.publicPath(current.tokenValue(), request.suffix()),
                                    current.id()))
                            .then(bindAttributes(update, request)
                                    .map(row -> row.get("update_date", OffsetDateTime.class)
                                            .toInstant())
                                    .one())
                            .map(updatedAt -> new StoredToken(
                                    current.id(),
                                    mediaId,
                                    current.tokenValue(),
                                    request.suffix(),
                                    request.title(),
                                    request.exportDefinition(),
                                    request.manualActivate(),
                                    request.activationDate(),
                                    request.deactivationDate(),
                                    // checkTemplate refused a templateId without its domain
                                    templateId,
                                    Objects.requireNonNull(domainId, "templateDomainId"),
                                    current.createUser(),
                                    current.createDate(),
                                    updatedAt))
                            .flatMap(token -> outbox.append(
                                    new ShareTokenUpdated(token.id(), state(token, media), user.id()),
                                    String.valueOf(token.id())));
                }));
        return transaction.transactional(replaced).flatMap(readYourWrites::awaitApplied);
    }

    /** Deleting needs an administrator; answered once the token's public URL has stopped working. */
    Mono<Void> delete(DamUser user, long mediaId, String reference) {
        Mono<AppendedEvent> deleted = access.deletable(user, mediaId)
                .then(find(mediaId, reference))
                .flatMap(token -> db.sql("""
                                WITH gone AS (
                                    DELETE FROM share_tokens WHERE id = :id RETURNING value_digest, path_digest)
                                INSERT INTO retired_share_urls (path_digest, value_digest)
                                SELECT path_digest, value_digest FROM gone
                                ON CONFLICT (path_digest) DO NOTHING""")
                        .bind("id", token.id())
                        .then()
                        .then(outbox.append(
                                new ShareTokenDeleted(token.id(), mediaId, user.id()), String.valueOf(token.id()))));
        return transaction.transactional(deleted).flatMap(readYourWrites::awaitApplied);
    }

    /** A created token, and its event to wait for. */
    private record Written(StoredToken token, AppendedEvent event) {}

    String publicUrl(StoredToken token) {
        return properties.publicUrl(token.publicPath());
    }

    /**
     * The token of this media named by {@code reference}: its value (as PUT and DELETE name it) or its id (as GET
     * and the {@code Location} of a create name it). A value match wins over an id match.
     */
    private Mono<StoredToken> find(long mediaId, String reference) {
        long id = reference.matches("\\d{1,18}") ? Long.parseLong(reference) : -1;
        return db.sql(SELECT + """
                        WHERE t.media_id = :media AND (t.value_digest = :reference OR t.id = :id)
                        ORDER BY (t.value_digest = :reference) DESC LIMIT 1""")
                .bind("media", mediaId)
                .bind("reference", CapabilityDigests.sha256(reference))
                .bind("id", id)
                .map(row -> StoredToken.of(row, sealer))
                .one()
                .switchIfEmpty(Mono.error(() -> KeepeekException.tokenNotFound(mediaId, reference)));
    }

    private Mono<Void> checkTemplate(long templateId, @Nullable Long domainId) {
        if (domainId == null) {
            return Mono.error(KeepeekException.invalid("templateDomainId is required with templateId"));
        }
        return db.sql("SELECT 1 AS found FROM share_templates WHERE id = :template AND domain_id = :domain")
                .bind("template", templateId)
                .bind("domain", domainId)
                .map(row -> true)
                .one()
                .switchIfEmpty(Mono.error(() -> KeepeekException.templateNotFound(
                        "There is no share template " + templateId + " in template domain " + domainId)))
                .then();
    }

    private static Mono<Void> checkRendition(Media media, ExportDefinition definition) {
        if (definition == ExportDefinition.BD && media.lowDefinition() == null) {
            return Mono.error(KeepeekException.invalid(
                    "exportDefinition BD needs a low-definition rendition, and media " + media.id() + " has none"));
        }
        return Mono.empty();
    }

    /** No other token may hold this value, nor answer the same public URL. */
    /**
     * Refuses a value or public path another token holds, or that a deleted token (or a token's former suffix) left
     * behind: its URL went out with a share, and must not come back to life as someone else's.
     */
    private Mono<Void> checkUnclaimed(String tokenValue, String publicPath, long exceptTokenId) {
        return db.sql("""
                        SELECT 1 AS taken FROM share_tokens
                        WHERE (value_digest = :value OR path_digest = :path) AND id <> :except
                        UNION ALL
                        SELECT 1 FROM retired_share_urls
                        WHERE (value_digest = :value OR path_digest = :path)
                          AND NOT EXISTS (SELECT 1 FROM share_tokens WHERE id = :except AND value_digest = :value)
                        LIMIT 1""")
                .bind("value", CapabilityDigests.sha256(tokenValue))
                .bind("path", CapabilityDigests.sha256(publicPath))
                .bind("except", exceptTokenId)
                .map(row -> true)
                .one()
                .flatMap(taken -> Mono.<Void>error(KeepeekException.alreadyExists(
                        "A share token with value " + tokenValue + " and this suffix already exists")));
    }

    private Mono<Void> checkSameValue(StoredToken current, @Nullable String requested) {
        if (requested == null || requested.equals(current.tokenValue())) {
            return Mono.empty();
        }
        return checkUnclaimed(requested, requested, current.id())
                .then(Mono.error(KeepeekException.invalid("tokenValue identifies the token and cannot be changed")));
    }

    private static GenericExecuteSpec bindAttributes(GenericExecuteSpec statement, TokenRequest request) {
        return statement
                .bind("title", request.title())
                .bind("definition", request.exportDefinition().name())
                .bind("manual", request.manualActivate())
                .bind("suffix", Parameters.in(R2dbcType.VARCHAR, request.suffix()))
                .bind("activation", timestamp(request.activationDate()))
                .bind("deactivation", timestamp(request.deactivationDate()));
    }

    private static Parameter timestamp(@Nullable Instant value) {
        return Parameters.in(R2dbcType.TIMESTAMP_WITH_TIME_ZONE, value == null ? null : value.atOffset(ZoneOffset.UTC));
    }

    private ShareTokenState state(StoredToken token, Media media) {
        return token.state(media);
    }

    private String newTokenValue() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** One page of tokens and the media's total. */
    record Listing(List<StoredToken> tokens, long total) {}
}
