package dev.sharelinks.messaging.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox's tables and functions ({@code classpath:db/outbox}), in the service's schema but with a Flyway history
 * of their own ({@value #HISTORY_TABLE}), so that no service mixes them into its own versions. Migrated right after
 * the service's own migrations, with the service's Flyway settings (database, schema, credentials).
 *
 * <p>Before this history existed, each service listed the outbox's migrations (versions 0.1 to 0.4) in its own
 * history. Those entries are taken out of the service's history before it is validated; the outbox's first
 * migration then finds its table in place, after a baseline at version 0.
 */
public final class OutboxSchema {

    static final String HISTORY_TABLE = "outbox_schema_history";
    private static final String LOCATION = "classpath:db/outbox";
    private static final String LAST_SHARED_VERSION = "0.4";
    private static final Logger log = LoggerFactory.getLogger(OutboxSchema.class);

    private final boolean commitNotifications;

    /** @param commitNotifications whether the outbox notifies its channel on commit ({@link OutboxNotifications}) */
    public OutboxSchema(boolean commitNotifications) {
        this.commitNotifications = commitNotifications;
    }

    /** Migrates the service's schema with {@code service}, then the outbox's. */
    public void migrate(Flyway service) {
        Configuration settings = service.getConfiguration();
        String schema = schemaOf(settings);
        takeOutOfServiceHistory(settings, schema);
        service.migrate();
        Flyway.configure(settings.getClassLoader())
                .configuration(settings)
                .table(HISTORY_TABLE)
                .locations(LOCATION)
                .callbacks(new Callback[0])
                .outOfOrder(false)
                .createSchemas(false)
                // the service's migrations have run, so the schema is never empty: a missing history means new, or
                // kept by the service until now; the first migration works for both
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .baselineDescription("outbox history starts")
                .load()
                .migrate();
        setCommitNotifications(settings.getDataSource(), schema);
    }

    private static String schemaOf(Configuration settings) {
        if (settings.getDefaultSchema() != null) {
            return settings.getDefaultSchema();
        }
        if (settings.getSchemas().length > 0) {
            return settings.getSchemas()[0];
        }
        throw new IllegalStateException("the outbox needs the service's schema: set spring.flyway.default-schema");
    }

    /**
     * Removes the outbox's old entries (versions 0.x) from the service's history, which would otherwise fail its
     * validation as applied but no longer present. Only from an outbox at 0.4, the layout the new history starts from.
     */
    private static void takeOutOfServiceHistory(Configuration settings, String schema) {
        String history = quoted(schema) + "." + quoted(settings.getTable());
        try (Connection connection = settings.getDataSource().getConnection()) {
            List<String> versions = new ArrayList<>();
            try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                exists.setString(1, history);
                try (ResultSet result = exists.executeQuery()) {
                    if (!result.next() || !result.getBoolean(1)) {
                        return;
                    }
                }
            }
            try (Statement select = connection.createStatement();
                    ResultSet result = select.executeQuery("SELECT version FROM " + history
                            + " WHERE version LIKE '0.%' AND script LIKE 'V0\\_%outbox%' AND success")) {
                while (result.next()) {
                    versions.add(result.getString(1));
                }
            }
            if (versions.isEmpty()) {
                return;
            }
            if (!versions.contains(LAST_SHARED_VERSION)) {
                throw new IllegalStateException("the outbox in " + schema + " is at " + versions
                        + " of the service's history; start a release with outbox version 0.4 once first");
            }
            try (Statement delete = connection.createStatement()) {
                int removed = delete.executeUpdate(
                        "DELETE FROM " + history + " WHERE version LIKE '0.%' AND script LIKE 'V0\\_%outbox%'");
                log.info("outbox: {} entries moved out of {}; the outbox has its own history now", removed, history);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the service's Flyway history " + history, e);
        }
    }

    /** Sets or drops the trigger that notifies the outbox's channel on commit, unless it is already as wanted. */
    private void setCommitNotifications(DataSource database, String schema) {
        String outbox = quoted(schema) + ".outbox";
        try (Connection connection = database.getConnection()) {
            boolean present;
            try (PreparedStatement exists = connection.prepareStatement(
                    "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'outbox_notify' AND tgrelid = ?::regclass)")) {
                exists.setString(1, outbox);
                try (ResultSet result = exists.executeQuery()) {
                    present = result.next() && result.getBoolean(1);
                }
            }
            if (present == commitNotifications) {
                return;
            }
            try (Statement change = connection.createStatement()) {
                change.execute(
                        commitNotifications
                                ? "CREATE OR REPLACE TRIGGER outbox_notify AFTER INSERT ON " + outbox
                                        + " FOR EACH STATEMENT EXECUTE FUNCTION " + quoted(schema) + ".outbox_notify()"
                                : "DROP TRIGGER IF EXISTS outbox_notify ON " + outbox);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not set the outbox's commit notifications in " + schema, e);
        }
    }

    private static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
