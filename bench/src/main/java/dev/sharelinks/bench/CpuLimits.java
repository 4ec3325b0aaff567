package dev.sharelinks.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU limits as Kubernetes sets them on a container: the kernel's CFS quota on a cgroup of the process's own, so that a
 * JVM limited to 0.1 CPU runs at most 10 ms of every 100 ms period, all its threads together, whatever the machine's
 * cores. Needs root and the cgroup v1 {@code cpu} controller, as this project's machines mount it. The groups are
 * removed on {@link #close}, their processes moved back to the root group first if they still run.
 */
final class CpuLimits implements AutoCloseable {

    private static final Path CPU_CONTROLLER = Path.of("/sys/fs/cgroup/cpu");
    /** The CFS period the kubelet sets, in which a limit of L CPUs runs L times its length. */
    static final Duration PERIOD = Duration.ofMillis(100);

    private static final long PERIOD_MICROS = PERIOD.toNanos() / 1_000;

    private final Path parent;
    private final long quotaMicros;
    private final List<Path> groups = new ArrayList<>();

    private CpuLimits(Path parent, long quotaMicros) {
        this.parent = parent;
        this.quotaMicros = quotaMicros;
    }

    /**
     * A parent group, named after this benchmark's process, for limits of {@code cpus} each; checked before any
     * process is limited, so that a run fails at its start rather than after its warm-up.
     */
    static CpuLimits create(double cpus) throws IOException {
        long quota = Math.round(cpus * PERIOD_MICROS);
        // the kernel's smallest quota is 1 ms
        if (quota < 1_000) {
            throw new IllegalArgumentException("a CPU limit of " + cpus + " is below the kernel's least, 0.01");
        }
        if (!Files.isRegularFile(CPU_CONTROLLER.resolve("cpu.cfs_quota_us"))
                || !Files.isWritable(CPU_CONTROLLER.resolve("cgroup.procs"))) {
            throw new IllegalStateException("CPU limits need root and the cgroup v1 cpu controller at " + CPU_CONTROLLER
                    + ": its cpu.cfs_quota_us is missing or its cgroup.procs not writable");
        }
        return new CpuLimits(
                Files.createDirectory(CPU_CONTROLLER.resolve(
                        "sharelinks-bench-" + ProcessHandle.current().pid())),
                quota);
    }

    /** Moves the process {@code pid}, every thread of it, into a group of its own, {@code name}, under the limit. */
    void limit(String name, long pid) throws IOException {
        Path group = Files.createDirectory(parent.resolve(name));
        groups.add(group);
        Files.writeString(group.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_MICROS));
        Files.writeString(group.resolve("cpu.cfs_quota_us"), Long.toString(quotaMicros));
        // a thread group's id in cgroup.procs moves all its threads, and the threads it starts later are born there
        Files.writeString(group.resolve("cgroup.procs"), Long.toString(pid));
    }

    /** How many times the kernel has stopped group {@code name}'s threads for the rest of a period, so far. */
    long throttledPeriods(String name) throws IOException {
        return Files.readAllLines(parent.resolve(name).resolve("cpu.stat")).stream()
                .filter(line -> line.startsWith("nr_throttled "))
                .mapToLong(line ->
                        Long.parseLong(line.substring("nr_throttled ".length()).strip()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no nr_throttled in " + name + "'s cpu.stat"));
    }

    @Override
    public void close() {
        try {
            for (Path group : groups) {
                for (String pid : Files.readAllLines(group.resolve("cgroup.procs"))) {
                    moveToRoot(pid);
                }
                Files.delete(group);
            }
            Files.delete(parent);
        } catch (IOException failure) {
            throw new UncheckedIOException("could not remove the CPU limits' groups under " + parent, failure);
        }
    }

    private static void moveToRoot(String pid) throws IOException {
        try {
            Files.writeString(CPU_CONTROLLER.resolve("cgroup.procs"), pid);
        } catch (IOException failure) {
            // one that exited meanwhile has left the group by itself
            if (ProcessHandle.of(Long.parseLong(pid)).isPresent()) {
                throw failure;
            }
        }
    }
}
