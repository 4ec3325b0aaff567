package dev.sharelinks.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** A KRaft broker in a Testcontainers container: used where a Docker engine exists, never required. */
final class KafkaContainerBroker implements KafkaBroker {

    static final String IMAGE = "apache/kafka-native:4.1.2";

    private final KafkaContainer container;

    private KafkaContainerBroker(KafkaContainer container) {
        this.container = container;
    }

    static KafkaContainerBroker launch() {
        KafkaContainer container = new KafkaContainer(IMAGE);
        container.start();
        return new KafkaContainerBroker(container);
    }

    /** Cheap pre-check, so that machines without Docker do not pay for Testcontainers' discovery. */
    static boolean dockerLooksReachable() {
        boolean hint = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
        return hint && DockerClientFactory.instance().isDockerAvailable();
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void stop() {
        container
                .getDockerClient()
                .pauseContainerCmd(container.getContainerId())
                .exec();
    }

    @Override
    public void start() {
        container
                .getDockerClient()
                .unpauseContainerCmd(container.getContainerId())
                .exec();
    }

    @Override
    public void close() {
        container.stop();
    }
}
