package dev.sharelinks.messaging.outbox;

import dev.sharelinks.infra.PostgresServer;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import org.flywaydb.core.Flyway;

/** A test service's schema in a database of the shared PostgreSQL, migrated as a service's Flyway would do it. */
final class ServiceSchemas {

    private ServiceSchemas() {}

    /**
     * Flyway for the service's own migrations at {@code locations}, in {@code schema}; out of order only when a test
     * adds an older history's location to the service's.
     */
    static Flyway service(PostgresServer postgres, String database, String schema, String... locations) {
        return Flyway.configure()
                .dataSource(postgres.jdbcUrl(database), PostgresServer.USER, "")
                .schemas(schema)
                .defaultSchema(schema)
                .locations(locations)
                .outOfOrder(locations.length > 1)
                .load();
    }

    /** The test service's own migration, then the outbox's, without commit notifications. */
    static void withOutbox(PostgresServer postgres, String database, String schema) {
        new OutboxSchema(false).migrate(service(postgres, database, schema, "classpath:db/service"));
    }

    /** A pool-less R2DBC connection factory on {@code schema}, as one replica of the service would have. */
    static ConnectionFactory connections(PostgresServer postgres, String database, String schema) {
        return ConnectionFactories.get(
                postgres.r2dbcUrl(database).replace("//", "//" + PostgresServer.USER + "@") + "?schema=" + schema);
    }
}
