package dev.sharelinks.bench;

import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.stack.LocalStack;
import dev.sharelinks.stack.StackSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What every benchmark here does the same way: its own stack on free ports, the machine line, percentiles. */
final class Benches {

    private Benches() {}

    /**
     * Starts a throwaway stack in {@code dir}, with its own PostgreSQL, on free ports. It is also stopped when the
     * benchmark is interrupted (Ctrl-C, a timeout's SIGTERM): its servers are child processes that would outlive it.
     */
    static LocalStack startStack(Path dir, Path services) {
        return startStack(dir, services, Map.of());
    }

    /** As {@link #startStack(Path, Path)}, with server settings for its PostgreSQL. */
    static LocalStack startStack(Path dir, Path services, Map<String, String> postgresSettings) {
        LocalStack stack = LocalStack.start(StackSettings.onFreePorts(dir, services), postgresSettings);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "stop-the-stack"));
        return stack;
    }

    /** The PostgreSQL of a stack from {@link #startStack}, which always runs its own. */
    static PostgresServer postgres(LocalStack stack) {
        return Objects.requireNonNull(stack.postgres(), "the bench runs its own PostgreSQL");
    }

    static String machine() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("model name"))
                .findFirst()
                .map(line -> line.substring(line.indexOf(':') + 1).strip())
                .orElse("unknown CPU");
        String memory = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memory + ", Java "
                + Runtime.version();
    }

    /** Command-line {@code --name value} pairs, by name. */
    static Map<String, String> options(String[] args) {
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
        }
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
            }
            given.put(args[i].substring(2), args[i + 1]);
        }
        return given;
    }

    /** A report's first lines: what ran, when, by which command, on which machine. */
    static StringBuilder reportHeader(String title, String command, List<String> args) throws IOException {
        return new StringBuilder()
                .append("## ")
                .append(title)
                .append(", ")
                .append(Instant.now())
                .append("\n\n")
                .append("Command: `")
                .append(command)
                .append(' ')
                .append(String.join(" ", args))
                .append("`  \n")
                .append("Machine: ")
                .append(machine())
                .append("  \n");
    }

    /**
     * A JVM's JIT compile time so far, in seconds, from its HotSpot performance counters ({@code jcmd}). The C2
     * compiler takes minutes on a small machine, and a service measured before it is done runs at a fraction of its
     * speed: a warm-up lasts until this stops growing.
     */
    static double compileSeconds(long pid) throws IOException, InterruptedException {
        String counters = jcmd(pid, "PerfCounter.print");
        Matcher ticks = Pattern.compile("java\\.ci\\.totalTime=(\\d+)").matcher(counters);
        Matcher frequency = Pattern.compile("sun\\.os\\.hrt\\.frequency=(\\d+)").matcher(counters);
        if (!ticks.find() || !frequency.find()) {
            throw new IllegalStateException("no JIT compile time in the counters of process " + pid);
        }
        return Double.parseDouble(ticks.group(1)) / Double.parseDouble(frequency.group(1));
    }

    /** Runs a diagnostic command in a JVM ({@code jcmd <pid> ...}): its output, or a failure with it. */
    static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid)));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (jcmd.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    /** The nearest-rank percentile of ascending values; 0 for none. */
    static long percentile(long[] sorted, double percentile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
