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
 * to the load, where a profiler's sampling changes it. The kernel's share (system time: sockets, epoll, wake-ups) is
 * kept apart, as a JVM profiler does not see it.
 */
final class ThreadCpu {

    private ThreadCpu() {}

    /** CPU ticks so far of these processes' threads, summed by kind. */
    static Map<String, Ticks> ticks(List<Long> pids) {
        Map<String, Ticks> byKind = new HashMap<>();
        for (long pid : pids) {
            try (Stream<Path> threads = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
                for (Path thread : threads.toList()) {
                    // empty when the thread ended between the listing and the read
                    ProcessSampler.stat(thread.resolve("stat"))
                            .ifPresent(fields -> byKind.merge(
                                    fields[1].replaceFirst("[-#]?\\d+$", ""),
                                    new Ticks(Long.parseLong(fields[13]), Long.parseLong(fields[14])),
                                    Ticks::plus));
                }
            } catch (IOException gone) {
                // the process ended
            }
        }
        return byKind;
    }

    /** Cores used by each kind of thread between two snapshots {@code seconds} apart. */
    static Map<String, Cores> cores(Map<String, Ticks> before, Map<String, Ticks> after, double seconds) {
        Map<String, Cores> cores = new HashMap<>();
        double perCore = ProcessSampler.TICKS_PER_SECOND * seconds;
        after.forEach((kind, ticks) -> {
            Ticks since = before.getOrDefault(kind, new Ticks(0, 0));
            cores.put(
                    kind,
                    new Cores(
                            (ticks.user() + ticks.kernel() - since.user() - since.kernel()) / perCore,
                            (ticks.kernel() - since.kernel()) / perCore));
        });
        return cores;
    }

    /** Clock ticks in user mode and in the kernel. */
    record Ticks(long user, long kernel) {

        Ticks plus(Ticks other) {
            return new Ticks(user + other.user, kernel + other.kernel);
        }
    }

    /** Cores used in all, and of them in the kernel. */
    record Cores(double total, double kernel) {

        Cores plus(Cores other) {
            return new Cores(total + other.total, kernel + other.kernel);
        }
    }
}
