package dev.sharelinks.stack;

import dev.sharelinks.infra.FreePorts;
import dev.sharelinks.infra.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One service's runnable jar in a child JVM, run from its extracted layout and configured through its environment, as
 * Kubernetes runs it.
 */
final class ServiceProcess implements AutoCloseable {

    /** The services' JVM options, when set: the benchmark runs them as production would, with the C2 compiler. */
    static final String JAVA_OPTIONS = "SERVICE_JAVA_OPTS";

    private static final String MANAGEMENT_PORT = "MANAGEMENT_PORT";
    /** Small heaps and the quick compiler only: four services start fast on a small machine. */
    private static final String QUICK_START = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    private final String name;
    private final Path jar;
    private final int port;
    private final Map<String, String> env;
    private final Path logDir;
    private final Process process;
    private final Path log;

    private ServiceProcess(
            String name, Path jar, int port, Map<String, String> env, Path logDir, Process process, Path log) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.env = Map.copyOf(env);
        this.logDir = logDir;
        this.process = process;
        this.log = log;
    }

    static ServiceProcess start(String name, Path jar, int port, Map<String, String> env, Path logDir) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first with mvn -DskipTests package");
        }
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + logDir, e);
        }
        Path log = logDir.resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(Processes.java());
        command.addAll(List.of(
                System.getenv().getOrDefault(JAVA_OPTIONS, QUICK_START).strip().split("\\s+")));
        command.addAll(List.of("-jar", ExtractedJars.of(jar).toString()));
        // actuator (probes, metrics) on a port of its own, as in Kubernetes; kept across a restart
        Map<String, String> settings = new HashMap<>(env);
        settings.putIfAbsent(MANAGEMENT_PORT, String.valueOf(FreePorts.next()));
        Map<String, String> environment = new HashMap<>(settings);
        environment.put("PORT", String.valueOf(port));
        return new ServiceProcess(name, jar, port, settings, logDir, Processes.start(command, environment, log), log);
    }

    /** Sends the process a signal ({@code STOP}, {@code CONT}...) with the system's {@code kill}. */
    void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
                    .inheritIO()
                    .start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Kills the process the way a node failure or the OOM killer does (SIGKILL): no shutdown hook, no graceful
     * drain, no last commit.
     */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Another instance of this service, under another name (its log's) on another port, with some settings changed:
     * a second redirector that rebuilds its projection into another database, say.
     */
    ServiceProcess another(String otherName, int otherPort, Map<String, String> overrides) {
        Map<String, String> otherEnv = new HashMap<>(env);
        otherEnv.remove(MANAGEMENT_PORT);
        otherEnv.putAll(overrides);
        return start(otherName, jar, otherPort, otherEnv, logDir);
    }

    /** The same service started again, on the same port with the same settings, its log appended to. */
    ServiceProcess restarted() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        return start(name, jar, port, env, logDir);
    }

    /** Waits until the service says it is ready to take traffic (its readiness probe). */
    void awaitReady(Duration timeout) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(managementUrl() + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2))
                .build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited at start; see " + log + "\n" + Processes.tail(log));
            }
            try {
                if (client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(250);
        }
        throw new IllegalStateException(
                name + " not ready after " + timeout + "; see " + log + "\n" + Processes.tail(log));
    }

    long pid() {
        return process.pid();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Where its actuator answers: health, probes, Prometheus metrics. */
    String managementUrl() {
        return "http://127.0.0.1:" + env.get(MANAGEMENT_PORT);
    }

    @Override
    public void close() {
        Processes.stop(process);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
