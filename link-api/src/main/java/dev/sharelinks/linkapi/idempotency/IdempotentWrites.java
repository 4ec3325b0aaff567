package dev.sharelinks.linkapi.idempotency;

import dev.sharelinks.linkapi.security.AccountPrincipal;
import dev.sharelinks.linkapi.web.MediaPocketException;
import dev.sharelinks.messaging.outbox.AppendedEvent;
import dev.sharelinks.messaging.outbox.ReadYourWrites;
import dev.sharelinks.sealing.Sealer;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a write in its transaction and answers once the redirector applied its event (read-your-writes); with an
 * {@code Idempotency-Key}, at most once per account and key within {@link #KEPT}. The key's row is claimed in the
 * write's own transaction, so two requests with one key serialize on it: the second waits for the first's commit,
 * then answers the first's answer (or, if the first failed and wrote nothing, runs itself). The same key with
 * another request is refused with 422. The answer is kept sealed: a create's holds the link's URL.
 */
@Component
public class IdempotentWrites {

    /** How long a key's answer is replayed: the IETF draft's and Stripe's 24 hours. */
    static final String KEPT = "24 hours";

    static final String OTHER_REQUEST = IdempotentRequest.HEADER + " was already used for a different request";

    private final DatabaseClient db;
    private final TransactionalOperator transaction;
    private final ReadYourWrites readYourWrites;
    private final JsonMapper json;
    private final Sealer sealer;

    IdempotentWrites(
            DatabaseClient db,
            TransactionalOperator transaction,
            ReadYourWrites readYourWrites,
            JsonMapper json,
            Sealer sealer) {
        this.db = db;
        this.transaction = transaction;
        this.readYourWrites = readYourWrites;
        this.json = json;
        this.sealer = sealer;
    }

    /**
     * The write's answer: {@code write} run in one transaction (with the key's claim when {@code request} has one),
     * or the stored answer of the key's first request.
     */
    public <T> Mono<Answered<T>> run(
            AccountPrincipal account,
            @Nullable IdempotentRequest request,
            Class<T> answerType,
            Mono<Written<T>> write) {
        Mono<Answered<Written<T>>> work = request == null
                ? write.map(written -> new Answered<>(written, false))
                : claim(account, request)
                        .flatMap(fresh -> fresh
                                ? write.flatMap(written -> store(account, request, written))
                                        .map(written -> new Answered<>(written, false))
                                : replay(account, request, answerType).map(written -> new Answered<>(written, true)));
        return transaction.transactional(work).flatMap(done -> {
            AppendedEvent awaited = done.answer().awaited();
            return (awaited == null ? Mono.<Void>empty() : readYourWrites.awaitApplied(awaited))
                    .thenReturn(new Answered<>(done.answer().answer(), done.replayed()));
        });
    }

    /** True when this request holds the key now: it was new, or its last use is older than {@link #KEPT}. */
    private Mono<Boolean> claim(AccountPrincipal account, IdempotentRequest request) {
        return db.sql("""
                        INSERT INTO idempotency_keys (account_id, idem_key, fingerprint) VALUES (:account, :key, :print)
                        ON CONFLICT (account_id, idem_key) DO UPDATE
                            SET fingerprint = EXCLUDED.fingerprint, created_at = now(), answer = NULL,
                                sealed_answer = NULL, event_seq = NULL, event_topic = NULL, event_key = NULL
                            WHERE idempotency_keys.created_at <= now() - CAST(:kept AS interval)
                        RETURNING true AS fresh""")
                .bind("account", account.accountId())
                .bind("key", request.key())
                .bind("print", request.fingerprint())
                .bind("kept", KEPT)
                .map(row -> true)
                .one()
                .defaultIfEmpty(false);
    }

    private <T> Mono<Written<T>> store(AccountPrincipal account, IdempotentRequest request, Written<T> written) {
        AppendedEvent awaited = written.awaited();
        return db.sql("""
                        UPDATE idempotency_keys
                        SET sealed_answer = :answer, event_seq = :seq, event_topic = :topic,
                            event_key = :eventKey
                        WHERE account_id = :account AND idem_key = :key""")
                .bind("answer", sealer.seal(json.writeValueAsString(written.answer())))
                .bind("seq", Parameters.in(R2dbcType.BIGINT, awaited == null ? null : awaited.seq()))
                .bind("topic", Parameters.in(R2dbcType.VARCHAR, awaited == null ? null : awaited.topic()))
                .bind("eventKey", Parameters.in(R2dbcType.VARCHAR, awaited == null ? null : awaited.key()))
                .bind("account", account.accountId())
                .bind("key", request.key())
                .then()
                .thenReturn(written);
    }

    /** The first request's answer, and its event to wait for again; 422 when that request was another one. */
    private <T> Mono<Written<T>> replay(AccountPrincipal account, IdempotentRequest request, Class<T> answerType) {
        return db.sql("""
                        SELECT fingerprint, sealed_answer, CAST(answer AS text) AS answer, event_seq, event_topic,
                               event_key
                        FROM idempotency_keys WHERE account_id = :account AND idem_key = :key""")
                .bind("account", account.accountId())
                .bind("key", request.key())
                .map(row -> {
                    if (!MessageDigest.isEqual(row.get("fingerprint", byte[].class), request.fingerprint())) {
                        throw MediaPocketException.unprocessable(OTHER_REQUEST);
                    }
                    Long seq = row.get("event_seq", Long.class);
                    return new Written<>(
                            json.readValue(
                                    sealer.open(
                                            row.get("sealed_answer", String.class), row.get("answer", String.class)),
                                    answerType),
                            seq == null
                                    ? null
                                    : new AppendedEvent(
                                            seq,
                                            row.get("event_topic", String.class),
                                            row.get("event_key", String.class)));
                })
                .one()
                // the row was there a statement ago: only the hourly purge could have taken it since
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("idempotency key vanished")));
    }

    /** Forgets the keys past {@link #KEPT}: a claim would take them over anyway; this keeps the table small. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
    void forgetOldKeys() {
        db.sql("DELETE FROM idempotency_keys WHERE created_at < now() - CAST(:kept AS interval)")
                .bind("kept", KEPT)
                .then()
                .block();
    }
}
