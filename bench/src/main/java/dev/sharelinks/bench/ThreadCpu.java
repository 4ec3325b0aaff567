package dev.sharelinks.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU time of JVMs' threads by kind, read from {@code /proc/<pid>/task}: a thread's name less its number
 * ({@code reactor-http-epoll-3} is a {@code reactor-http-epoll}), as Linux keeps it (its first 15 characters). Two
 * snapshots around a run say where the run's CPU went (event loops, the database driver, Kafka, the JIT) at no cost
 * to the load, where a profiler's sampling changes it.
 */
final class ThreadCpu {

    private ThreadCpu() {}

    /** CPU ticks (user + system) so far of these processes' threads, summed by kind. */
    static Map<String, Long> ticks(List<Long> pids) {
        Map<String, Long> byKind = new HashMap<>();
        for (long pid : pids) {
            try (Stream<Path> threads = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
                for (Path thread : threads.toList()) {
                    // empty when the thread ended between the listing and the read
                    ProcessSampler.stat(thread.resolve("stat"))
                            .ifPresent(fields -> byKind.merge(
                                    fields[1].replaceFirst("[-#]?\\d+$", ""),
                                    Long.parseLong(fields[13]) + Long.parseLong(fields[14]),
                                    Long::sum));
                }
            } catch (IOException gone) {
                // the process ended
            }
        }
        return byKind;
    }

    /** Cores used by each kind of thread between two snapshots {@code seconds} apart. */
    static Map<String, Double> cores(Map<String, Long> before, Map<String, Long> after, double seconds) {
        Map<String, Double> cores = new HashMap<>();
        after.forEach((kind, ticks) ->
                cores.put(kind, (ticks - before.getOrDefault(kind, 0L)) / ProcessSampler.TICKS_PER_SECOND / seconds));
        return cores;
    }
}
