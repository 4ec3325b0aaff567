package dev.sharelinks.infra;

import kafka.Kafka;
import kafka.tools.StorageTool;

/**
 * The main class of {@link KafkaProcessBroker}'s child JVM: formats the broker's log directory when asked to (on its
 * first start), then runs the broker, so that a new broker costs one JVM start instead of two.
 */
public final class KafkaNode {

    private KafkaNode() {}

    /**
     * {@code <server.properties> [<cluster id>]}: with a cluster id, the log directory is formatted for it first, as
     * {@code kafka-storage.sh format -t <cluster id> -c <server.properties>} would.
     */
    public static void main(String[] args) {
        String config = args[0];
        if (args.length > 1) {
            int exitCode = StorageTool.execute(new String[] {"format", "-t", args[1], "-c", config}, System.out);
            if (exitCode != 0) {
                System.exit(exitCode);
            }
        }
        Kafka.main(new String[] {config});
    }
}
