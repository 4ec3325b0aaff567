package dev.sharelinks.tokenapi.admin;

import dev.sharelinks.operator.InputProblems;
import dev.sharelinks.operator.StorableText;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Operators register DAM users, their rights on medias, and share templates with their domains. Not part of the
 * Keepeek contract: our own endpoints, answering errors as RFC 9457 problem details. Passwords are stored as
 * bcrypt hashes and never shown again. Medias themselves are registered at {@code /admin/medias}.
 */
@RestController
@RequestMapping("/admin")
class AdminController {

    private static final int MIN_PASSWORD_LENGTH = 12;
    /** All bcrypt reads of a password: Spring Security refuses to hash a longer one rather than cut it. */
    private static final int MAX_PASSWORD_BYTES = 72;

    private final DatabaseClient db;
    private final TransactionalOperator transaction;
    private final PasswordEncoder passwords;

    AdminController(DatabaseClient db, TransactionalOperator transaction, PasswordEncoder passwords) {
        this.db = db;
        this.transaction = transaction;
        this.passwords = passwords;
    }

    record NewUser(
            @Nullable String login,
            @Nullable String password,
            @Nullable Boolean administrator) {

        boolean isAdministrator() {
            return Boolean.TRUE.equals(administrator);
        }
    }

    record User(long id, String login, boolean administrator) {}

    record Rights(@Nullable List<String> rights) {}

    record NewTemplateDomain(@Nullable String name) {}

    record TemplateDomain(long id, String name) {}

    record NewTemplate(@Nullable String name) {}

    record Template(long id, long domainId, String name) {}

    @PostMapping("/users")
    Mono<ResponseEntity<User>> createUser(@RequestBody NewUser request) {
        String login = requireText(request.login(), "login");
        String password = request.password();
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw badRequest("password must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw badRequest("password must be at most " + MAX_PASSWORD_BYTES + " bytes in UTF-8");
        }
        return Mono.fromCallable(() -> passwords.encode(password))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(hash -> db.sql("""
                                INSERT INTO users (login, password_hash, administrator)
                                VALUES (:login, :hash, :administrator) RETURNING id""")
                        .bind("login", login)
                        .bind("hash", hash)
                        .bind("administrator", request.isAdministrator())
                        .map(row -> row.get("id", Long.class))
                        .one())
                .map(id -> ResponseEntity.created(URI.create("/admin/users/" + id))
                        .body(new User(id, login, request.isAdministrator())));
    }

    /** A disabled user can no longer authenticate; the tokens it created stay. */
    @DeleteMapping("/users/{userId}")
    Mono<ResponseEntity<Void>> disableUser(@PathVariable long userId) {
        return db.sql("UPDATE users SET disabled_at = coalesce(disabled_at, now()) WHERE id = :id")
                .bind("id", userId)
                .fetch()
                .rowsUpdated()
                .map(updated -> updated == 0
                        ? notFound("no such user")
                        : ResponseEntity.noContent().<Void>build());
    }

    /** Replaces a user's rights on a media; an empty list takes them all away. */
    @PutMapping("/users/{userId}/medias/{mediaId}/rights")
    Mono<Rights> putRights(@PathVariable long userId, @PathVariable long mediaId, @RequestBody Rights request) {
        List<String> rights = request.rights() == null
                ? List.of()
                : request.rights().stream().distinct().toList();
        if (!rights.stream().allMatch("READ"::equals)) {
            throw badRequest("the only right is READ");
        }
        Mono<Rights> replaced = exists("users", userId, "no such user")
                .then(exists("medias", mediaId, "no such media"))
                .then(db.sql("DELETE FROM media_rights WHERE user_id = :user AND media_id = :media")
                        .bind("user", userId)
                        .bind("media", mediaId)
                        .then())
                .thenMany(Flux.fromIterable(rights)
                        .concatMap(right -> db.sql("""
                                INSERT INTO media_rights (user_id, media_id, right_name) VALUES (:user, :media, :right)""")
                                .bind("user", userId)
                                .bind("media", mediaId)
                                .bind("right", right)
                                .then()))
                .then(Mono.just(new Rights(rights)));
        return transaction.transactional(replaced);
    }

    @PostMapping("/share-template-domains")
    Mono<ResponseEntity<TemplateDomain>> createTemplateDomain(@RequestBody NewTemplateDomain request) {
        String name = requireText(request.name(), "name");
        return db.sql("INSERT INTO share_template_domains (name) VALUES (:name) RETURNING id")
                .bind("name", name)
                .map(row -> row.get("id", Long.class))
                .one()
                .map(id -> ResponseEntity.created(URI.create("/admin/share-template-domains/" + id))
                        .body(new TemplateDomain(id, name)));
    }

    @PostMapping("/share-template-domains/{domainId}/templates")
    Mono<ResponseEntity<Template>> createTemplate(@PathVariable long domainId, @RequestBody NewTemplate request) {
        String name = requireText(request.name(), "name");
        return exists("share_template_domains", domainId, "no such template domain")
                .then(db.sql("INSERT INTO share_templates (domain_id, name) VALUES (:domain, :name) RETURNING id")
                        .bind("domain", domainId)
                        .bind("name", name)
                        .map(row -> row.get("id", Long.class))
                        .one())
                .map(id -> ResponseEntity.created(URI.create("/admin/share-templates/" + id))
                        .body(new Template(id, domainId, name)));
    }

    /** Names what could not be read, where Spring's own detail would only say "Failed to read HTTP message". */
    @ExceptionHandler
    ProblemDetail unreadable(ServerWebInputException e) {
        return InputProblems.of(e);
    }

    @ExceptionHandler
    ProblemDetail duplicate(DataIntegrityViolationException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "conflicts with an existing record");
    }

    /** {@code table} is one of this class's constants, never input. */
    private Mono<Void> exists(String table, long id, String problem) {
        return db.sql("SELECT 1 AS found FROM " + table + " WHERE id = :id")
                .bind("id", id)
                .map(row -> true)
                .one()
                .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, problem)))
                .then();
    }

    private static <T> ResponseEntity<T> notFound(String problem) {
        throw new ResponseStatusException(HttpStatus.NOT_FOUND, problem);
    }

    static String requireText(@Nullable String value, String field) {
        if (value == null
                || value.isBlank()
                || value.length() > 255
                || value.chars().anyMatch(Character::isISOControl)
                || !StorableText.isStorable(value)) {
            throw badRequest(field + " must be a non-empty single-line string of at most 255 characters");
        }
        return value.strip();
    }

    private static ResponseStatusException badRequest(String problem) {
        return new ResponseStatusException(HttpStatus.BAD_REQUEST, problem);
    }
}
