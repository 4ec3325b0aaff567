package dev.sharelinks.bench;

import dev.sharelinks.infra.PostgresServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * PostgreSQL's CPU time by connection, read from {@code /proc} like {@link ThreadCpu}: each backend under its
 * {@code application_name} (the services name theirs: {@code download-redirector} for its R2DBC pool,
 * {@code download-redirector-grants} for its grant statements), and the server's own processes under their kind
 * (walwriter, autovacuum worker...). Two snapshots around a run say which connections the run's PostgreSQL CPU went
 * to. A backend that ends between the snapshots is not counted, and one that starts counts from its start
 * ({@link ThreadCpu#cores}); the services keep theirs open.
 */
final class PostgresCpu {

    private static final String BACKENDS = """
            SELECT pid, coalesce(nullif(application_name, ''), backend_type) FROM pg_stat_activity
            WHERE pid <> pg_backend_pid()""";

    private PostgresCpu() {}

    /** CPU ticks so far of the cluster's processes, each under its connection's name, by process id. */
    static Map<Long, ThreadCpu.Sample> ticks(PostgresServer postgres) {
        Map<Long, ThreadCpu.Sample> byProcess = new HashMap<>();
        for (String backend : postgres.query("postgres", BACKENDS).lines().toList()) {
            int separator = backend.indexOf('|');
            String pid = backend.substring(0, separator);
            // empty when the backend ended between the query and the read
            ProcessSampler.stat(Path.of("/proc", pid, "stat"))
                    .ifPresent(fields -> byProcess.put(
                            Long.valueOf(pid), ThreadCpu.Sample.of(backend.substring(separator + 1), fields)));
        }
        return byProcess;
    }
}
