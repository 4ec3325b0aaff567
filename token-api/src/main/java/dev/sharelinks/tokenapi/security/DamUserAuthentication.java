package dev.sharelinks.tokenapi.security;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.crypto.password.PasswordEncoder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Checks HTTP Basic credentials against the stored bcrypt hashes. An unknown or disabled login is checked against a
 * dummy hash all the same, so the answer takes as long whether the login exists or not (no user enumeration by
 * timing). Hashing runs off the event loop: bcrypt takes tens of milliseconds by design. A password that passed
 * lately against the same stored hash passes again without bcrypt ({@link VerifiedPasswords}); the user's row is read
 * on every request all the same, so a disabled user or a new password takes effect at once.
 */
final class DamUserAuthentication implements ReactiveAuthenticationManager {

    private final DatabaseClient db;
    private final PasswordEncoder passwords;
    private final VerifiedPasswords verified;
    private final String dummyHash;

    DamUserAuthentication(DatabaseClient db, PasswordEncoder passwords, VerifiedPasswords verified) {
        this.db = db;
        this.passwords = passwords;
        this.verified = verified;
        byte[] unguessable = new byte[32];
        new SecureRandom().nextBytes(unguessable);
        // PasswordEncoder answers null only for a null password
        this.dummyHash = Objects.requireNonNull(passwords.encode(HexFormat.of().formatHex(unguessable)), "hash");
    }

    @Override
    public Mono<Authentication> authenticate(Authentication presented) {
        String login = presented.getName();
        String password = String.valueOf(presented.getCredentials());
        return db.sql("SELECT id, login, administrator, password_hash FROM users WHERE login = :login "
                        + "AND disabled_at IS NULL")
                .bind("login", login)
                .map(row -> new StoredUser(
                        new DamUser(
                                row.get("id", Long.class),
                                row.get("login", String.class),
                                row.get("administrator", Boolean.class)),
                        row.get("password_hash", String.class)))
                .one()
                .defaultIfEmpty(new StoredUser(null, dummyHash))
                .flatMap(stored -> {
                    DamUser user = stored.user();
                    if (user != null && verified.passed(login, password, stored.passwordHash())) {
                        return Mono.just(authenticated(user));
                    }
                    return Mono.fromCallable(() -> passwords.matches(password, stored.passwordHash()))
                            .subscribeOn(Schedulers.boundedElastic())
                            .filter(matches -> matches && user != null)
                            .map(matches -> {
                                verified.remember(login, password, stored.passwordHash());
                                return authenticated(Objects.requireNonNull(user));
                            });
                })
                .switchIfEmpty(Mono.error(() -> new BadCredentialsException("wrong login or password")));
    }

    private static Authentication authenticated(DamUser user) {
        return UsernamePasswordAuthenticationToken.authenticated(
                user,
                null,
                AuthorityUtils.createAuthorityList(
                        user.administrator()
                                ? new String[] {"ROLE_USER", "ROLE_ADMINISTRATOR"}
                                : new String[] {"ROLE_USER"}));
    }

    private record StoredUser(
            @org.jspecify.annotations.Nullable DamUser user, String passwordHash) {}
}
