package dev.sharelinks.linkapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sharelinks.infra.FreePorts;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.TestCertificates;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * link-api against a PostgreSQL reachable over TLS only, as the production cluster is (CloudNativePG's certificates):
 * it verifies the server's certificate against the cluster's CA and host name ({@code DB_SSL_MODE=verify-full},
 * {@code DB_SSL_ROOT_CERT}), logs in as its own role, which owns its schema and cannot read another service's. The
 * roles and schemas are made as the manifests' {@code postInitApplicationSQL} makes them; the certificates by the test.
 */
// its context ends with the class, while the server it uses still runs
@DirtiesContext
class DatabaseTlsIT extends LinkApiIntegrationTest {

    private static final String TLS_DATABASE = "sharelinks_tls";
    private static final String PASSWORD = "link-api-password";
    private static final Path DIR =
            Path.of("target", "database-tls-" + ProcessHandle.current().pid());
    private static final TestCertificates CERTIFICATES = TestCertificates.issue(DIR.resolve("certs"), "cluster");
    private static final PostgresServer TLS_POSTGRES =
            PostgresServer.startTlsOnly(DIR.resolve("data"), FreePorts.next(), CERTIFICATES);

    static {
        TLS_POSTGRES.createDatabase(TLS_DATABASE);
        TLS_POSTGRES.query(TLS_DATABASE, """
                CREATE ROLE link_api LOGIN PASSWORD '%s';
                CREATE SCHEMA link_api AUTHORIZATION link_api;
                CREATE ROLE redirector LOGIN PASSWORD 'redirector-password';
                CREATE SCHEMA redirector AUTHORIZATION redirector;
                CREATE TABLE redirector.redeemable_links (key text);
                ALTER TABLE redirector.redeemable_links OWNER TO redirector;""".formatted(PASSWORD));
        // pg_ctl's server outlives the JVM unless stopped
        Runtime.getRuntime().addShutdownHook(new Thread(TLS_POSTGRES::close));
    }

    @DynamicPropertySource
    static void tlsDatabase(DynamicPropertyRegistry registry) {
        String address = TLS_POSTGRES.host() + ":" + TLS_POSTGRES.port() + "/" + TLS_DATABASE;
        registry.add("spring.r2dbc.url", () -> "r2dbc:postgresql://" + address + "?schema=link_api");
        registry.add("spring.r2dbc.username", () -> "link_api");
        registry.add("spring.r2dbc.password", () -> PASSWORD);
        registry.add("DB_SSL_MODE", () -> "verify-full");
        registry.add(
                "DB_SSL_ROOT_CERT",
                () -> CERTIFICATES.authority().toAbsolutePath().toString());
        registry.add(
                "spring.flyway.url",
                () -> "jdbc:postgresql://" + address + "?sslmode=verify-full&sslrootcert="
                        + CERTIFICATES.authority().toAbsolutePath());
        registry.add("spring.flyway.user", () -> "link_api");
        registry.add("spring.flyway.password", () -> PASSWORD);
    }

    @Test
    void theServiceMigratesAndServesOverVerifiedTlsAsItsOwnRole() {
        // the other tests find their events on the shared topics by link id: this database's ids must not meet theirs
        TLS_POSTGRES.query(TLS_DATABASE, """
                ALTER TABLE link_api.accounts ALTER COLUMN id RESTART WITH 900000000;
                ALTER TABLE link_api.links ALTER COLUMN id RESTART WITH 900000000;""");
        TestAccount account = newAccount("bucket-tls");
        long link = createLink(account, 2);

        assertThat(TLS_POSTGRES.query(TLS_DATABASE, "SELECT count(*) FROM link_api.links WHERE id = " + link))
                .isEqualTo("1");
        assertThat(TLS_POSTGRES.query(
                        TLS_DATABASE, "SELECT tableowner FROM pg_tables WHERE schemaname = 'link_api' LIMIT 1"))
                .isEqualTo("link_api");
        assertThat(TLS_POSTGRES.query(
                        TLS_DATABASE,
                        "SELECT bool_and(s.ssl)::text || ' ' || (count(*) > 0)::text FROM pg_stat_ssl s"
                                + " JOIN pg_stat_activity a USING (pid) WHERE a.usename = 'link_api'"))
                .as("every link-api connection is encrypted")
                .isEqualTo("true true");
    }

    @Test
    void aConnectionWithoutTlsIsRefused() {
        assertThatThrownBy(() -> select(options("disable", null), "SELECT 1"))
                .rootCause()
                .hasMessageContaining("pg_hba.conf rejects connection")
                .hasMessageContaining("no encryption");
    }

    @Test
    void aServerWhoseCertificateTheConfiguredAuthorityDidNotSignIsRefused() {
        TestCertificates another = TestCertificates.issue(DIR.resolve("other"), "another");
        assertThatThrownBy(() -> select(
                        options(
                                "verify-full",
                                another.authority().toAbsolutePath().toString()),
                        "SELECT 1"))
                .hasStackTraceContaining("PKIX path");
    }

    @Test
    void itsRoleCannotReadAnotherServicesSchema() {
        String authority = CERTIFICATES.authority().toAbsolutePath().toString();
        assertThat(select(options("verify-full", authority), "SELECT 1")).isEqualTo(1);
        assertThatThrownBy(() ->
                        select(options("verify-full", authority), "SELECT count(*) FROM redirector.redeemable_links"))
                .hasMessageContaining("permission denied for schema redirector");
    }

    private static ConnectionFactoryOptions options(String sslMode, @Nullable String rootCert) {
        ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.parse(
                        "r2dbc:postgresql://" + TLS_POSTGRES.host() + ":" + TLS_POSTGRES.port() + "/" + TLS_DATABASE)
                .mutate()
                .option(ConnectionFactoryOptions.USER, "link_api")
                .option(ConnectionFactoryOptions.PASSWORD, PASSWORD)
                .option(Option.valueOf("sslMode"), sslMode);
        if (rootCert != null) {
            options.option(Option.valueOf("sslRootCert"), rootCert);
        }
        return options.build();
    }

    private static Number select(ConnectionFactoryOptions options, String sql) {
        return DatabaseClient.create(ConnectionFactories.get(options))
                .sql(sql)
                .map(row -> row.get(0, Number.class))
                .one()
                .block(Duration.ofSeconds(30));
    }
}
