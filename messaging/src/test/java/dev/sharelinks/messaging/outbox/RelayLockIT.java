package dev.sharelinks.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SharedServers;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The relay's lock is one per outbox: the replicas of one service take turns, while services whose schemas share a
 * database publish side by side.
 */
class RelayLockIT {

    private static final PostgresServer POSTGRES = SharedServers.postgres();
    private static final String DATABASE = "relay_lock_test";

    static {
        POSTGRES.createDatabase(DATABASE);
        for (String schema : List.of("first_service", "second_service")) {
            ServiceSchemas.withOutbox(POSTGRES, DATABASE, schema);
        }
    }

    @Test
    void anotherReplicaOfTheSameServiceWaitsWhileAnotherServicesRelayPublishes() {
        Relay first = new Relay("first_service");
        Relay firstReplica = new Relay("first_service");
        Relay second = new Relay("second_service");

        // both other answers are taken while the first relay's transaction holds its lock
        List<Boolean> whileHeld = first.inTransaction(first.rows
                        .lockForThisTransaction()
                        .flatMap(locked -> Mono.zip(
                                        Mono.just(locked),
                                        firstReplica.inTransaction(firstReplica.rows.lockForThisTransaction()),
                                        second.inTransaction(second.rows.lockForThisTransaction()))
                                .map(answers -> List.of(answers.getT1(), answers.getT2(), answers.getT3()))))
                .block(Duration.ofSeconds(30));

        assertThat(whileHeld)
                .as("first relay, another replica of its service, another service's relay")
                .containsExactly(true, false, true);
        assertThat(firstReplica
                        .inTransaction(firstReplica.rows.lockForThisTransaction())
                        .block(Duration.ofSeconds(30)))
                .as("the lock ends with its transaction")
                .isTrue();
    }

    /** One replica's relay connection: its own pool-less connection factory on the service's schema. */
    private static final class Relay {
        final OutboxRows rows;
        final TransactionalOperator transactions;

        Relay(String schema) {
            ConnectionFactory connections = ServiceSchemas.connections(POSTGRES, DATABASE, schema);
            this.rows = new OutboxRows(DatabaseClient.create(connections));
            this.transactions = TransactionalOperator.create(new R2dbcTransactionManager(connections));
        }

        /** In a transaction of its own: subscribed apart, so not joined to a transaction of the caller's. */
        <T> Mono<T> inTransaction(Mono<T> work) {
            return Mono.fromFuture(() -> transactions.transactional(work).toFuture());
        }
    }
}
