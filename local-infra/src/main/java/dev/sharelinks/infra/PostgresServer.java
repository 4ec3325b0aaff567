package dev.sharelinks.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster from the machine's binaries (Debian's {@code postgresql-15}). When we run as root it
 * runs as the {@code postgres} user, since {@code initdb} refuses root. Authentication is {@code trust} on loopback
 * only: this is a test and development server.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "sharelinks";
    /**
     * The settings of a cluster that is not durable: a commit does not wait for the disk, and other sessions see it
     * alike; what it wrote is lost only if the machine fails, which no test makes it do.
     */
    public static final Map<String, String> NOT_DURABLE =
            Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "off");

    private static final String OS_USER = "postgres";

    private final Path bin;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private final boolean durable;
    private final Map<String, String> settings;

    private PostgresServer(Path bin, Path dataDir, int port, boolean durable, Map<String, String> settings) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        this.port = port;
        this.durable = durable;
        this.settings = Map.copyOf(settings);
    }

    /**
     * Creates a cluster in {@code dataDir} (unless one is there already) and starts it on {@code port}.
     *
     * @param durable false turns off fsync for speed (tests); true keeps the defaults (local stack, benchmarks)
     */
    public static PostgresServer start(Path dataDir, int port, boolean durable) {
        return start(dataDir, port, durable, Map.of());
    }

    /**
     * As {@link #start(Path, int, boolean)}, with server settings of its own ({@code -c name=value} at every start),
     * such as {@code track_commit_timestamp} for a benchmark.
     */
    public static PostgresServer start(Path dataDir, int port, boolean durable, Map<String, String> settings) {
        PostgresServer server = new PostgresServer(findBinaries(), dataDir.toAbsolutePath(), port, durable, settings);
        server.initIfNeeded();
        server.start();
        return server;
    }

    /**
     * As {@link #start(Path, int, boolean)}, but reachable over TLS only, as a production cluster is: the server
     * presents {@code certificates}' server certificate; {@link #USER} (the administrator) needs no password over TLS,
     * every other role its password (SCRAM); a connection without TLS is refused.
     */
    public static PostgresServer startTlsOnly(Path dataDir, int port, TestCertificates certificates) {
        PostgresServer server = new PostgresServer(
                findBinaries(),
                dataDir.toAbsolutePath(),
                port,
                false,
                Map.of("ssl", "on", "ssl_cert_file", "server.crt", "ssl_key_file", "server.key"));
        server.initIfNeeded();
        try {
            Path data = server.dataDir;
            Files.copy(certificates.certificate(), data.resolve("server.crt"));
            Files.copy(certificates.key(), data.resolve("server.key"));
            // PostgreSQL refuses a key that others can read
            Files.setPosixFilePermissions(data.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
            Files.writeString(data.resolve("pg_hba.conf"), """
                    local     all  all                     trust
                    hostssl   all  %s      127.0.0.1/32  trust
                    hostssl   all  all     127.0.0.1/32  scram-sha-256
                    hostnossl all  all     0.0.0.0/0     reject
                    """.formatted(USER));
            if (Processes.isRoot()) {
                UserPrincipalLookupService users = data.getFileSystem().getUserPrincipalLookupService();
                for (String file : List.of("server.crt", "server.key", "pg_hba.conf")) {
                    Files.setOwner(data.resolve(file), users.lookupPrincipalByName(OS_USER));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up TLS in " + dataDir, e);
        }
        server.start();
        return server;
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** A program of the PostgreSQL installation this cluster runs from ({@code psql}, {@code pgbench}...). */
    public Path binary(String name) {
        return bin.resolve(name);
    }

    /** The postmaster's process id: every server process of the cluster is its child. */
    public long pid() {
        try {
            return Long.parseLong(
                    Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("is the cluster in " + dataDir + " running?", e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    public String r2dbcUrl(String database) {
        return "r2dbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    /** Creates a database owned by {@link #USER}; does nothing if it exists. */
    public void createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        if (query("postgres", "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'")
                .equals("0")) {
            query("postgres", "CREATE DATABASE " + name);
        }
    }

    /** Runs SQL with psql and returns its unaligned, tuples-only output. */
    public String query(String database, String sql) {
        try {
            Path out = Files.createTempFile("psql", ".out");
            try {
                Processes.run(
                        List.of(
                                bin.resolve("psql").toString(),
                                "-h",
                                host(),
                                "-p",
                                String.valueOf(port),
                                "-U",
                                USER,
                                "-d",
                                database,
                                "-v",
                                "ON_ERROR_STOP=1",
                                "-AtqX",
                                "-c",
                                sql,
                                "-o",
                                out.toString()),
                        log,
                        Duration.ofSeconds(30));
                return Files.readString(out).strip();
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void start() {
        List<String> options = new ArrayList<>(List.of(
                "-p",
                String.valueOf(port),
                "-k",
                dataDir.toString(),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "max_connections=300"));
        if (!durable) {
            NOT_DURABLE.forEach((name, value) -> options.addAll(List.of("-c", name + "=" + value)));
        }
        settings.forEach((name, value) -> options.addAll(List.of("-c", name + "=" + value)));
        Processes.run(
                Processes.asUnprivileged(
                        OS_USER,
                        List.of(
                                bin.resolve("pg_ctl").toString(),
                                "-D",
                                dataDir.toString(),
                                "-l",
                                dataDir.resolve("server.log").toString(),
                                "-w",
                                "-t",
                                "60",
                                "-o",
                                String.join(" ", options),
                                "start")),
                log,
                Duration.ofSeconds(90));
    }

    /** Stops the server, leaving its data; {@link #start()} brings it back. */
    public void stop() {
        Processes.run(
                Processes.asUnprivileged(
                        OS_USER,
                        List.of(
                                bin.resolve("pg_ctl").toString(),
                                "-D",
                                dataDir.toString(),
                                "-m",
                                "fast",
                                "-w",
                                "stop")),
                log,
                Duration.ofSeconds(60));
    }

    @Override
    public void close() {
        stop();
    }

    private void initIfNeeded() {
        if (Files.exists(dataDir.resolve("PG_VERSION"))) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            if (Processes.isRoot()) {
                UserPrincipalLookupService users = dataDir.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(dataDir, users.lookupPrincipalByName(OS_USER));
                // the postgres user must be able to reach the data folder through every folder above it
                for (Path folder = dataDir.getParent(); folder != null; folder = folder.getParent()) {
                    Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(folder));
                    if (permissions.add(PosixFilePermission.OTHERS_EXECUTE)) {
                        Files.setPosixFilePermissions(folder, permissions);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dataDir, e);
        }
        Processes.run(
                Processes.asUnprivileged(
                        OS_USER,
                        List.of(
                                bin.resolve("initdb").toString(),
                                "-D",
                                dataDir.toString(),
                                "-U",
                                USER,
                                "--auth=trust",
                                "-E",
                                "UTF8",
                                "--locale=C.UTF-8")),
                log,
                Duration.ofMinutes(2));
    }

    /** {@code PG_BIN} if set, else the newest {@code /usr/lib/postgresql/N/bin} (Debian's layout). */
    static Path findBinaries() {
        String configured = System.getenv("PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path debian = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(debian)) {
            return versions.filter(v -> Files.isExecutable(v.resolve("bin").resolve("initdb")))
                    .max(Comparator.comparingInt(
                            v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL under " + debian));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "PostgreSQL binaries not found: install postgresql-15 or set PG_BIN to the folder of initdb", e);
        }
    }
}
