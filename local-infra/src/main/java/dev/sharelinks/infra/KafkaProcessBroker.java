package dev.sharelinks.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.jspecify.annotations.Nullable;

/**
 * A single-node KRaft broker (broker and controller in one) in a child JVM, from the {@code kafka_2.13} jars on our
 * own class path. A real broker process: it can be stopped and restarted on the same data, as a fault test needs.
 */
public final class KafkaProcessBroker implements KafkaBroker {

    private final Path dir;
    private final int port;
    private final Path log;
    private @Nullable Process process;

    private KafkaProcessBroker(Path dir, int port) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
        this.log = this.dir.resolve("kafka.log");
    }

    public static KafkaProcessBroker start(Path dir, int port) {
        KafkaProcessBroker broker = new KafkaProcessBroker(dir, port);
        broker.formatIfNeeded();
        broker.start();
        return broker;
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        process = Processes.start(
                Processes.javaWithOurClassPath(
                        jvmOptions(),
                        "kafka.Kafka",
                        List.of(dir.resolve("server.properties").toString())),
                log);
        awaitReady(Duration.ofSeconds(90));
    }

    @Override
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        Processes.stop(process);
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    private void formatIfNeeded() {
        Path data = dir.resolve("data");
        if (Files.exists(data.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("server.properties"), serverProperties(data, FreePorts.next()));
            Files.writeString(dir.resolve("logback.xml"), """
                    <configuration>
                      <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
                      </appender>
                      <root level="WARN"><appender-ref ref="out"/></root>
                      <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                    </configuration>
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Processes.run(
                Processes.javaWithOurClassPath(
                        jvmOptions(),
                        "kafka.tools.StorageTool",
                        List.of(
                                "format",
                                "-t",
                                Uuid.randomUuid().toString(),
                                "-c",
                                dir.resolve("server.properties").toString())),
                log,
                Duration.ofSeconds(120));
    }

    /**
     * Quick-start options by default (the C1 compiler only: tests start many brokers and run each briefly);
     * {@code SHARELINKS_KAFKA_JAVA_OPTS} replaces them, as the benchmarks do with a production broker's options: a
     * benchmark's sustained load on a C1-only broker measures a broker nobody runs.
     */
    private List<String> jvmOptions() {
        String configured = System.getenv("SHARELINKS_KAFKA_JAVA_OPTS");
        List<String> options = new ArrayList<>(
                configured == null || configured.isBlank()
                        ? List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                        : List.of(configured.trim().split("\\s+")));
        options.add("-Dlogback.configurationFile=" + dir.resolve("logback.xml"));
        return options;
    }

    private String serverProperties(Path data, int controllerPort) {
        return """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                log.dirs=%3$s
                num.partitions=3
                auto.create.topics.enable=true
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=3
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                log.retention.hours=-1
                """.formatted(port, controllerPort, data);
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                3000))) {
            while (Instant.now().isBefore(deadline)) {
                if (process == null || !process.isAlive()) {
                    throw new IllegalStateException("Kafka exited at start:\n" + Processes.tail(log));
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    Thread.sleep(200);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("Kafka not ready after " + timeout + ":\n" + Processes.tail(log));
    }
}
