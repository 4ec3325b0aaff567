package dev.sharelinks.redirector.redeem;

import dev.sharelinks.events.CapabilityDigests;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Checks a link's password against its hash, off the event loops on a few threads of its own, and counts the
 * attempts per link and client address in the database (so every replica counts the same). An attempt is counted
 * before its check: parallel guesses cannot slip past the limit. A right password clears that client's count;
 * other clients of the link are never held back by someone else's attempts.
 */
@Component
class PasswordChecks implements AutoCloseable {

    private static final String COUNT = """
            INSERT INTO password_attempts (key_digest, client, attempts, window_ends)
            VALUES (:keyDigest, :client, 1, now() + CAST(:seconds AS integer) * interval '1 second')
            ON CONFLICT (key_digest, client) DO UPDATE SET
                attempts = CASE WHEN password_attempts.window_ends > now()
                                THEN password_attempts.attempts + 1 ELSE 1 END,
                window_ends = CASE WHEN password_attempts.window_ends > now()
                                   THEN password_attempts.window_ends ELSE excluded.window_ends END
            RETURNING attempts, CAST(ceil(extract(epoch FROM window_ends - now())) AS bigint) AS seconds_left""";

    private final DatabaseClient db;
    private final PasswordProperties properties;
    /** The delegating encoder reads the {id} link-api's hash names (bcrypt today) and checks it accordingly. */
    private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

    private final Scheduler checks;

    PasswordChecks(DatabaseClient db, PasswordProperties properties) {
        this.db = db;
        this.properties = properties;
        this.checks =
                Schedulers.newBoundedElastic(properties.checkThreads(), properties.checkQueue(), "password-check");
    }

    /**
     * Counts an attempt of {@code client} on the link; the wait before the next one is allowed, when this one is
     * over the limit, else empty.
     */
    Mono<Duration> countAttempt(String key, @Nullable String client) {
        return UncancellableCall.of(db.sql(COUNT)
                .bind("keyDigest", CapabilityDigests.sha256(key))
                .bind("client", clientKey(client))
                .bind("seconds", Math.toIntExact(properties.window().toSeconds()))
                .map(row -> row.get("attempts", Integer.class) > properties.attempts()
                        ? Duration.ofSeconds(Math.max(1, row.get("seconds_left", Long.class)))
                        : Duration.ZERO)
                .one()
                .filter(wait -> !wait.isZero()));
    }

    /** Forgets {@code client}'s attempts on the link, after a right password. */
    Mono<Void> clear(String key, @Nullable String client) {
        return UncancellableCall.of(
                db.sql("DELETE FROM password_attempts WHERE key_digest = :keyDigest AND client = :client")
                        .bind("keyDigest", CapabilityDigests.sha256(key))
                        .bind("client", clientKey(client))
                        .then());
    }

    /** Attempts of clients whose address is not known share one count. */
    private static String clientKey(@Nullable String client) {
        return client == null ? "unknown" : client;
    }

    /** Whether {@code password} is the one {@code hash} was made from. */
    Mono<Boolean> matches(String password, String hash) {
        return Mono.fromCallable(() -> encoder.matches(password, hash)).subscribeOn(checks);
    }

    @Override
    public void close() {
        checks.dispose();
    }
}
