package dev.sharelinks.infra;

/** A running Kafka broker, whatever started it. */
public interface KafkaBroker extends AutoCloseable {

    String bootstrapServers();

    /** Stops the broker, keeping its data, so that {@link #start()} brings the same cluster back. */
    void stop();

    void start();

    @Override
    void close();

    /**
     * A Testcontainers broker where a Docker engine is reachable, else a KRaft broker in a child JVM. The
     * environment variable {@code SHARELINKS_KAFKA} ({@code container} or {@code process}) forces one.
     */
    static KafkaBroker startAnywhere(java.nio.file.Path workDir, int port) {
        String choice = System.getenv().getOrDefault("SHARELINKS_KAFKA", "auto");
        boolean container = switch (choice) {
            case "container" -> true;
            case "process" -> false;
            default -> KafkaContainerBroker.dockerLooksReachable();
        };
        return container ? KafkaContainerBroker.launch() : KafkaProcessBroker.start(workDir, port);
    }
}
