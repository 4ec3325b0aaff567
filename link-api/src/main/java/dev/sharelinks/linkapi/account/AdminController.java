package dev.sharelinks.linkapi.account;

import dev.sharelinks.events.CapabilityDigests;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.linkapi.security.Secrets;
import dev.sharelinks.linkapi.share.ShareLocales;
import dev.sharelinks.operator.InputProblems;
import dev.sharelinks.operator.ObjectKeys;
import dev.sharelinks.operator.StorableText;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;

/**
 * Registers accounts, their API keys and their assets. Not part of the MediaPocket contract: our own endpoints,
 * answering errors as RFC 9457 problem details. The API key is shown once, at creation; only its digest is kept.
 */
@RestController
@RequestMapping("/admin/accounts")
class AdminController {

    private final DatabaseClient db;
    private final TransactionalOperator transaction;
    private final Secrets secrets;

    AdminController(DatabaseClient db, TransactionalOperator transaction, Secrets secrets) {
        this.db = db;
        this.transaction = transaction;
        this.secrets = secrets;
    }

    /**
     * @param name the account's display name, which its share mails show as who shared
     * @param landingPage the account's default for links whose create does not say; false when absent
     * @param locale the language of its share mails when a share names none, and of its links' pages for a browser
     *     that names none of theirs; {@code en} when absent
     * @param logoUrl its share mails' logo, an https URL ({@link AccountBranding}); none when absent
     * @param accentColor its share mails' button colour, {@code #rrggbb}; Sharelinks' blue when absent
     * @param footerText a line its share mails' footer adds; none when absent
     */
    record NewAccount(
            String name,
            String bucket,
            @Nullable Boolean landingPage,
            @Nullable String locale,
            @Nullable String logoUrl,
            @Nullable String accentColor,
            @Nullable String footerText) {}

    record CreatedAccount(
            long id,
            String name,
            String bucket,
            boolean landingPage,
            String locale,
            @Nullable String logoUrl,
            @Nullable String accentColor,
            @Nullable String footerText,
            long apiKeyId,
            String apiKey) {}

    /**
     * An account's settings; a field left out of a PATCH keeps its value, and {@code ""} clears a branding field
     * (the mails take Sharelinks' own look for it again).
     */
    record AccountSettings(
            @Nullable String name,
            @Nullable Boolean landingPage,
            @Nullable String locale,
            @Nullable String logoUrl,
            @Nullable String accentColor,
            @Nullable String footerText) {}

    record Account(
            long id,
            String name,
            String bucket,
            boolean landingPage,
            String locale,
            @Nullable String logoUrl,
            @Nullable String accentColor,
            @Nullable String footerText) {}

    record CreatedApiKey(long id, String apiKey) {}

    /**
     * One of an account's API keys, never the key itself (only its digest is kept).
     *
     * @param lastUsedAt when a request last authenticated with it, to the minute; null if none ever did
     * @param revokedAt null while it works
     */
    record ApiKey(
            long id,
            Instant createdAt,
            @Nullable Instant lastUsedAt,
            @Nullable Instant revokedAt) {}

    record AssetRegistration(String assetId, String objectKey) {}

    record Asset(long mediaId, String assetId, String objectKey) {}

    @PostMapping
    Mono<ResponseEntity<CreatedAccount>> createAccount(@RequestBody NewAccount request) {
        requireText(request.name(), "name");
        requireBucketName(request.bucket());
        String apiKey = secrets.newApiKey();
        boolean landingPage = Boolean.TRUE.equals(request.landingPage());
        String locale = request.locale() == null ? ShareRequested.LOCALES.get(0) : requireLocale(request.locale());
        String logoUrl = emptyAsNull(AccountBranding.logoUrl(request.logoUrl()));
        String accentColor = emptyAsNull(AccountBranding.accentColor(request.accentColor()));
        String footerText = emptyAsNull(AccountBranding.footerText(request.footerText()));
        Mono<CreatedAccount> created = db.sql("""
                        INSERT INTO accounts (name, bucket, landing_page_default, locale, logo_url, accent_color,
                                              footer_text)
                        VALUES (:name, :bucket, :landing, :locale, :logo, :accent, :footer)
                        RETURNING id""")
                .bind("name", request.name().strip())
                .bind("bucket", request.bucket())
                .bind("landing", landingPage)
                .bind("locale", locale)
                .bind("logo", Parameters.in(R2dbcType.VARCHAR, logoUrl))
                .bind("accent", Parameters.in(R2dbcType.VARCHAR, accentColor))
                .bind("footer", Parameters.in(R2dbcType.VARCHAR, footerText))
                .map(row -> row.get("id", Long.class))
                .one()
                .flatMap(accountId -> insertKey(accountId, apiKey)
                        .map(keyId -> new CreatedAccount(
                                accountId,
                                request.name().strip(),
                                request.bucket(),
                                landingPage,
                                locale,
                                logoUrl,
                                accentColor,
                                footerText,
                                keyId,
                                apiKey)));
        return transaction
                .transactional(created)
                .map(account -> ResponseEntity.created(URI.create("/admin/accounts/" + account.id()))
                        .body(account));
    }

    @GetMapping("/{accountId}")
    Mono<Account> account(@PathVariable long accountId) {
        return db.sql("""
                        SELECT id, name, bucket, landing_page_default, locale, logo_url, accent_color, footer_text
                        FROM accounts WHERE id = :id""")
                .bind("id", accountId)
                .map(row -> new Account(
                        row.get("id", Long.class),
                        row.get("name", String.class),
                        row.get("bucket", String.class),
                        row.get("landing_page_default", Boolean.class),
                        row.get("locale", String.class),
                        row.get("logo_url", String.class),
                        row.get("accent_color", String.class),
                        row.get("footer_text", String.class)))
                .one()
                .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such account")));
    }

    /**
     * Changes the account's settings: {@code landingPage} is the default for links created from now on, {@code locale}
     * the language of share mails that name none (and of links created from now on), the name and branding those of
     * share mails sent from now on.
     */
    @PatchMapping("/{accountId}")
    Mono<Account> updateAccount(@PathVariable long accountId, @RequestBody AccountSettings settings) {
        if (settings.equals(new AccountSettings(null, null, null, null, null, null))) {
            return account(accountId);
        }
        if (settings.name() != null) {
            requireText(settings.name(), "name");
        }
        String locale = settings.locale() == null ? null : requireLocale(settings.locale());
        // null keeps a branding field, "" clears it
        return db.sql("""
                        UPDATE accounts SET name = coalesce(:name, name),
                                            landing_page_default = coalesce(:landing, landing_page_default),
                                            locale = coalesce(:locale, locale),
                                            logo_url = CASE WHEN CAST(:logo AS text) IS NULL THEN logo_url
                                                            ELSE nullif(:logo, '') END,
                                            accent_color = CASE WHEN CAST(:accent AS text) IS NULL THEN accent_color
                                                                ELSE nullif(:accent, '') END,
                                            footer_text = CASE WHEN CAST(:footer AS text) IS NULL THEN footer_text
                                                               ELSE nullif(:footer, '') END
                        WHERE id = :id""")
                .bind(
                        "name",
                        Parameters.in(
                                R2dbcType.VARCHAR,
                                settings.name() == null ? null : settings.name().strip()))
                .bind("landing", Parameters.in(R2dbcType.BOOLEAN, settings.landingPage()))
                .bind("locale", Parameters.in(R2dbcType.VARCHAR, locale))
                .bind("logo", Parameters.in(R2dbcType.VARCHAR, AccountBranding.logoUrl(settings.logoUrl())))
                .bind("accent", Parameters.in(R2dbcType.VARCHAR, AccountBranding.accentColor(settings.accentColor())))
                .bind("footer", Parameters.in(R2dbcType.VARCHAR, AccountBranding.footerText(settings.footerText())))
                .bind("id", accountId)
                .fetch()
                .rowsUpdated()
                .then(account(accountId));
    }

    /** Issues another key; the old ones keep working until revoked, so clients can rotate without downtime. */
    @PostMapping("/{accountId}/api-keys")
    Mono<ResponseEntity<CreatedApiKey>> createApiKey(@PathVariable long accountId) {
        String apiKey = secrets.newApiKey();
        return accountExists(accountId)
                .then(insertKey(accountId, apiKey))
                .map(keyId -> ResponseEntity.status(HttpStatus.CREATED).body(new CreatedApiKey(keyId, apiKey)));
    }

    /** The account's keys, oldest first, so that a rotation can see which old key is still in use before revoking it. */
    @GetMapping("/{accountId}/api-keys")
    Mono<List<ApiKey>> apiKeys(@PathVariable long accountId) {
        return accountExists(accountId)
                .thenMany(db.sql("""
                                SELECT id, created_at, last_used_at, revoked_at FROM api_keys
                                WHERE account_id = :accountId ORDER BY id""")
                        .bind("accountId", accountId)
                        .map(row -> new ApiKey(
                                row.get("id", Long.class),
                                row.get("created_at", Instant.class),
                                row.get("last_used_at", Instant.class),
                                row.get("revoked_at", Instant.class)))
                        .all())
                .collectList();
    }

    @DeleteMapping("/{accountId}/api-keys/{keyId}")
    Mono<ResponseEntity<Void>> revokeApiKey(@PathVariable long accountId, @PathVariable long keyId) {
        return db.sql("""
                        UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
                        WHERE id = :keyId AND account_id = :accountId""")
                .bind("keyId", keyId)
                .bind("accountId", accountId)
                .fetch()
                .rowsUpdated()
                .flatMap(updated -> updated == 0
                        ? Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND, "no such API key"))
                        : Mono.just(ResponseEntity.noContent().<Void>build()));
    }

    /** Registers (or re-points) the asset behind a media id: the object key in the account's bucket. */
    @PutMapping("/{accountId}/assets/{mediaId}")
    Mono<Asset> putAsset(
            @PathVariable long accountId, @PathVariable long mediaId, @RequestBody AssetRegistration request) {
        requireText(request.assetId(), "assetId");
        requireText(request.objectKey(), "objectKey");
        ObjectKeys.problem(request.objectKey()).ifPresent(problem -> {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "objectKey " + problem);
        });
        return accountExists(accountId)
                .then(db.sql("""
                                INSERT INTO assets (account_id, media_id, asset_id, object_key)
                                VALUES (:accountId, :mediaId, :assetId, :objectKey)
                                ON CONFLICT (account_id, media_id)
                                DO UPDATE SET asset_id = excluded.asset_id, object_key = excluded.object_key""")
                        .bind("accountId", accountId)
                        .bind("mediaId", mediaId)
                        .bind("assetId", request.assetId())
                        .bind("objectKey", request.objectKey())
                        .then())
                .thenReturn(new Asset(mediaId, request.assetId(), request.objectKey()));
    }

    /** Names what could not be read, where Spring's own detail would only say "Failed to read HTTP message". */
    @ExceptionHandler
    ProblemDetail unreadable(ServerWebInputException e) {
        return InputProblems.of(e);
    }

    @ExceptionHandler
    ProblemDetail duplicate(org.springframework.dao.DataIntegrityViolationException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "conflicts with an existing record");
    }

    private Mono<Long> insertKey(long accountId, String apiKey) {
        return db.sql("INSERT INTO api_keys (account_id, key_hash) VALUES (:accountId, :hash) RETURNING id")
                .bind("accountId", accountId)
                .bind("hash", CapabilityDigests.sha256(apiKey))
                .map(row -> row.get("id", Long.class))
                .one();
    }

    private Mono<Void> accountExists(long accountId) {
        return db.sql("SELECT 1 FROM accounts WHERE id = :id")
                .bind("id", accountId)
                .map(row -> 1)
                .one()
                .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such account")))
                .then();
    }

    private static void requireText(String value, String field) {
        if (value == null
                || value.isBlank()
                || value.length() > 1024
                || value.chars().anyMatch(Character::isISOControl)
                || !StorableText.isStorable(value)) {
            throw new ResponseStatusException(
                    HttpStatus.BAD_REQUEST, field + " must be a non-empty single-line string");
        }
    }

    private static @Nullable String emptyAsNull(@Nullable String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String requireLocale(String locale) {
        return ShareLocales.supported(locale)
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.BAD_REQUEST, "locale must be one of " + String.join(", ", ShareRequested.LOCALES)));
    }

    /** S3's bucket naming rules, so a typo fails here rather than at the first download. */
    private static void requireBucketName(String bucket) {
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "bucket must be a valid S3 bucket name");
        }
    }
}
