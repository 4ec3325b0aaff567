package dev.sharelinks.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Watches groups of processes through {@code /proc} while a load runs: CPU time used (user + system, including
 * processes that start and end during the run, such as PostgreSQL backends) and the largest proportional set size
 * (PSS: shared memory is split among its sharers, so PostgreSQL's shared buffers are not counted once per backend).
 * A group is one or more root processes and all their descendants.
 */
final class ProcessSampler implements AutoCloseable {

    /**
     * The group of every process in no other group: Kafka and the benchmark itself, for instance. Whether the
     * machine had CPU to spare is in the sum of all groups.
     */
    static final String REST = "rest";

    /** Linux's USER_HZ: the unit of utime and stime in /proc/[pid]/stat. */
    static final double TICKS_PER_SECOND = 100.0;

    private final Map<String, List<Long>> roots;
    private final Map<Long, Long> firstTicks = new HashMap<>();
    private final Map<Long, Long> lastTicks = new HashMap<>();
    private final Map<Long, String> groupOf = new HashMap<>();
    private final Map<String, Long> maxPssKb = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "process-sampler");
        thread.setDaemon(true);
        return thread;
    });
    private long startNanos;
    private long samples;

    /** @param roots a name for each group, and the process ids at its roots */
    ProcessSampler(Map<String, List<Long>> roots) {
        this.roots = new LinkedHashMap<>(roots);
    }

    void start() {
        sample(true);
        startNanos = System.nanoTime();
        Future<?> unused = timer.scheduleAtFixedRate(() -> sample(false), 200, 200, TimeUnit.MILLISECONDS);
    }

    /** Stops sampling and returns, per group, the cores used on average and the largest PSS seen. */
    Map<String, Usage> stop() {
        timer.shutdownNow();
        sample(false);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Usage> usage = new LinkedHashMap<>();
        for (String group :
                Stream.concat(roots.keySet().stream(), Stream.of(REST)).toList()) {
            long ticks = 0;
            for (Map.Entry<Long, String> process : groupOf.entrySet()) {
                if (process.getValue().equals(group)) {
                    long pid = process.getKey();
                    ticks += lastTicks.getOrDefault(pid, 0L) - firstTicks.getOrDefault(pid, 0L);
                }
            }
            usage.put(group, new Usage(ticks / TICKS_PER_SECOND / seconds, maxPssKb.getOrDefault(group, 0L) / 1024));
        }
        return usage;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** {@code cores}: CPU seconds per second of the run; {@code pssMb}: the group's largest total PSS. */
    record Usage(double cores, long pssMb) {}

    private synchronized void sample(boolean baseline) {
        // CPU every 200 ms (a backend may live less than a second); PSS once a second, for the named groups only:
        // reading smaps_rollup walks a process's page tables, and the sampler must not load the machine it measures
        boolean withPss = samples++ % 5 == 0;
        Map<Long, Long> parents = new HashMap<>();
        Map<Long, Long> ticks = new HashMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                stat(Path.of("/proc", name, "stat")).ifPresent(fields -> {
                    parents.put(pid, Long.parseLong(fields[3]));
                    ticks.put(pid, Long.parseLong(fields[13]) + Long.parseLong(fields[14]));
                });
            }
        } catch (IOException e) {
            return;
        }
        Map<String, Long> pss = new HashMap<>();
        for (Map.Entry<Long, Long> process : ticks.entrySet()) {
            long pid = process.getKey();
            String named = groupOf(pid, parents);
            String group = named == null ? REST : named;
            groupOf.putIfAbsent(pid, group);
            // a process first seen now started during the run: all its CPU time is the run's
            firstTicks.putIfAbsent(pid, baseline ? process.getValue() : 0L);
            lastTicks.put(pid, process.getValue());
            if (withPss && named != null) {
                pssKb(pid).ifPresent(kb -> pss.merge(group, kb, Long::sum));
            }
        }
        pss.forEach((group, kb) -> maxPssKb.merge(group, kb, Math::max));
    }

    private @Nullable String groupOf(long pid, Map<Long, Long> parents) {
        for (long ancestor = pid, depth = 0; ancestor > 1 && depth < 64; depth++) {
            for (Map.Entry<String, List<Long>> root : roots.entrySet()) {
                if (root.getValue().contains(ancestor)) {
                    return root.getKey();
                }
            }
            Long parent = parents.get(ancestor);
            if (parent == null) {
                return null;
            }
            ancestor = parent;
        }
        return null;
    }

    /**
     * The fields of a process's or thread's stat file (/proc/[pid]/stat, /proc/[pid]/task/[tid]/stat), index i holding
     * field i + 1 of proc(5) (1: the name, without its parentheses, 3: ppid, 13: utime, 14: stime); empty once the
     * process or thread has ended.
     */
    static Optional<String[]> stat(Path statFile) {
        try {
            String line = Files.readString(statFile);
            String afterName = line.substring(line.lastIndexOf(')') + 2);
            String[] rest = afterName.split(" ", -1);
            String[] fields = new String[rest.length + 2];
            fields[0] = line.substring(0, line.indexOf(' '));
            fields[1] = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
            System.arraycopy(rest, 0, fields, 2, rest.length);
            return Optional.of(fields);
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    private static OptionalLong pssKb(long pid) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps_rollup"));
            for (String line : lines) {
                if (line.startsWith("Pss:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("\\D", "")));
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process ended, or the kernel has no smaps_rollup
        }
        return OptionalLong.empty();
    }
}
