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
 * kept apart, as a JVM profiler does not see it. A thread that ends between the snapshots is not counted (its ticks
 * go with it), and one that starts counts from its start.
 */
final class ThreadCpu {

    private ThreadCpu() {}

    /** CPU ticks so far of these processes' threads, by thread id (unique on the machine, as a process id is). */
    static Map<Long, Sample> ticks(List<Long> pids) {
        Map<Long, Sample> byThread = new HashMap<>();
        for (long pid : pids) {
            try (Stream<Path> threads = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
                for (Path thread : threads.toList()) {
                    // empty when the thread ended between the listing and the read
                    ProcessSampler.stat(thread.resolve("stat"))
                            .ifPresent(fields -> byThread.put(
                                    Long.valueOf(thread.getFileName().toString()),
                                    Sample.of(fields[1].replaceFirst("[-#]?\\d+$", ""), fields)));
                }
            } catch (IOException gone) {
                // the process ended
            }
        }
        return byThread;
    }

    /**
     * Cores used by each kind of thread (or process) between two snapshots {@code seconds} apart: what each one still
     * there used since the first, or since its start, summed by kind.
     */
    static Map<String, Cores> cores(Map<Long, Sample> before, Map<Long, Sample> after, double seconds) {
        Map<String, Cores> cores = new HashMap<>();
        double perCore = ProcessSampler.TICKS_PER_SECOND * seconds;
        after.forEach((id, now) -> {
            Sample then = before.get(id);
            Ticks since = then != null && now.continues(then) ? then.ticks() : new Ticks(0, 0);
            long user = now.ticks().user() - since.user();
            long kernel = now.ticks().kernel() - since.kernel();
            cores.merge(now.kind(), new Cores((user + kernel) / perCore, kernel / perCore), Cores::plus);
        });
        return cores;
    }

    /** A thread's or process's kind and its ticks so far. */
    record Sample(String kind, Ticks ticks) {

        /** From the fields of its {@code /proc} {@code stat} line: user time is the 14th, kernel time the 15th. */
        static Sample of(String kind, String[] stat) {
            return new Sample(kind, new Ticks(Long.parseLong(stat[13]), Long.parseLong(stat[14])));
        }

        /**
         * Whether this is the same thread as {@code earlier}, of the same id: not one the kernel gave the id again
         * after the first ended, which is another kind or has used less.
         */
        boolean continues(Sample earlier) {
            return kind.equals(earlier.kind)
                    && ticks.user() >= earlier.ticks.user()
                    && ticks.kernel() >= earlier.ticks.kernel();
        }
    }

    /** Clock ticks in user mode and in the kernel. */
    record Ticks(long user, long kernel) {}

    /** Cores used in all, and of them in the kernel. */
    record Cores(double total, double kernel) {

        Cores plus(Cores other) {
            return new Cores(total + other.total, kernel + other.kernel);
        }
    }
}
