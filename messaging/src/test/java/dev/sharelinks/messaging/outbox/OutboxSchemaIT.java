package dev.sharelinks.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SharedServers;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * The outbox's own Flyway history, on a real PostgreSQL: a new schema, a schema whose service kept the outbox's
 * migrations in its own history (as every service did before), and the commit-notification trigger following the
 * setting.
 */
class OutboxSchemaIT {

    private static final PostgresServer POSTGRES = SharedServers.postgres();
    private static final String DATABASE = "outbox_schema_test";
    private static final AtomicInteger SCHEMAS = new AtomicInteger();

    static {
        POSTGRES.createDatabase(DATABASE);
    }

    @Test
    void aNewSchemaGetsTheServicesMigrationsAndTheOutboxsInTwoHistories() {
        String schema = newSchema();
        new OutboxSchema(true).migrate(service(schema, "classpath:db/service"));

        assertThat(query("SELECT string_agg(version, ',' ORDER BY installed_rank) FROM " + schema
                        + ".flyway_schema_history WHERE success"))
                .isEqualTo("1");
        assertThat(query("SELECT string_agg(version, ',' ORDER BY installed_rank) FROM " + schema
                        + ".outbox_schema_history WHERE success"))
                .isEqualTo("0,1,2,3");
        assertThat(query("SELECT " + schema + ".outbox_append('t', 'E', 'k', '{}') IS NOT NULL"))
                .isEqualTo("t");
        assertThat(trigger(schema)).isEqualTo("1");
    }

    @Test
    void aServiceThatKeptTheOutboxInItsOwnHistoryHandsItOverAndKeepsItsRows() {
        String schema = newSchema();
        service(schema, "classpath:db/before-own-history", "classpath:db/service")
                .migrate();
        query("INSERT INTO " + schema + ".outbox (topic, event_key, event_type, data) VALUES ('t', 'old', 'E', '{}')");

        new OutboxSchema(false).migrate(service(schema, "classpath:db/service"));

        assertThat(query("SELECT string_agg(version, ',' ORDER BY installed_rank) FROM " + schema
                        + ".flyway_schema_history WHERE success"))
                .isEqualTo("1");
        assertThat(query("SELECT string_agg(version, ',' ORDER BY installed_rank) FROM " + schema
                        + ".outbox_schema_history WHERE success"))
                .isEqualTo("0,1,2,3");
        assertThat(query("SELECT event_key FROM " + schema + ".outbox")).isEqualTo("old");
        assertThat(query("SELECT " + schema + ".outbox_append_all('t', 'E', ARRAY['a', 'b'], '[{}, {}]') > 0"))
                .isEqualTo("t");
        assertThat(trigger(schema))
                .as("commit notifications off drop the old trigger")
                .isEqualTo("0");

        // a restart finds everything in place
        new OutboxSchema(true).migrate(service(schema, "classpath:db/service"));
        assertThat(query("SELECT count(*) FROM " + schema + ".outbox_schema_history"))
                .isEqualTo("4");
        assertThat(trigger(schema)).isEqualTo("1");
    }

    @Test
    void anOutboxOlderThanTheLastSharedVersionIsNotTakenOver() {
        String schema = newSchema();
        Flyway old = Flyway.configure()
                .dataSource(POSTGRES.jdbcUrl(DATABASE), PostgresServer.USER, "")
                .schemas(schema)
                .defaultSchema(schema)
                .locations("classpath:db/before-own-history")
                .target("0.3")
                .load();
        old.migrate();

        assertThatThrownBy(() -> new OutboxSchema(true).migrate(service(schema, "classpath:db/service")))
                .hasMessageContaining("outbox version 0.4");
        assertThat(query("SELECT count(*) FROM " + schema + ".flyway_schema_history WHERE version LIKE '0.%'"))
                .as("nothing changed")
                .isEqualTo("3");
    }

    private static Flyway service(String schema, String... locations) {
        return ServiceSchemas.service(POSTGRES, DATABASE, schema, locations);
    }

    private static String trigger(String schema) {
        return query("SELECT count(*) FROM pg_trigger WHERE tgname = 'outbox_notify' AND tgrelid = '" + schema
                + ".outbox'::regclass");
    }

    private static String newSchema() {
        return "service_" + SCHEMAS.incrementAndGet() + "_"
                + ProcessHandle.current().pid();
    }

    private static String query(String sql) {
        return POSTGRES.query(DATABASE, sql);
    }
}
