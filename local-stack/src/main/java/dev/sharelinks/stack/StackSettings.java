package dev.sharelinks.stack;

import dev.sharelinks.infra.FreePorts;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where the local stack lives and listens.
 *
 * @param dir holds every server's data, the logs, {@code stack.env} and the mail folder
 * @param servicesDir the runnable service jars ({@code link-api.jar}, ...)
 * @param externalDatabase host:port of a PostgreSQL to use instead of a throwaway cluster
 */
public record StackSettings(
        Path dir,
        Path servicesDir,
        int linkApiPort,
        int redirectorPort,
        int mailerPort,
        int tokenApiPort,
        int kafkaPort,
        int postgresPort,
        int s3Port,
        int smtpPort,
        @Nullable String externalDatabase,
        String databaseName,
        String databaseUser,
        String databasePassword) {

    /** Every server and service on a free port, with a PostgreSQL of the stack's own: for tests and benchmarks. */
    public static StackSettings onFreePorts(Path dir, Path servicesDir) {
        return new StackSettings(
                dir,
                servicesDir,
                FreePorts.next(),
                FreePorts.next(),
                FreePorts.next(),
                FreePorts.next(),
                FreePorts.next(),
                FreePorts.next(),
                FreePorts.next(),
                FreePorts.next(),
                null,
                "sharelinks",
                "sharelinks",
                "");
    }

    /** Settings from the environment, with the README's default ports. */
    static StackSettings fromEnvironment(Map<String, String> env) {
        return new StackSettings(
                Path.of(env.getOrDefault("STACK_DIR", ".local")).toAbsolutePath(),
                Path.of(env.getOrDefault("SERVICES_DIR", "local-stack/target/services"))
                        .toAbsolutePath(),
                port(env, "LINK_API_PORT", 8081),
                port(env, "REDIRECT_PORT", 8082),
                port(env, "MAILER_PORT", 8083),
                port(env, "TOKEN_API_PORT", 8084),
                port(env, "KAFKA_PORT", 9092),
                port(env, "PG_PORT", 5433),
                port(env, "S3_PORT", 9000),
                port(env, "SMTP_PORT", 2525),
                env.get("SHARELINKS_DB_HOSTPORT"),
                env.getOrDefault("SHARELINKS_DB_NAME", "sharelinks"),
                env.getOrDefault("SHARELINKS_DB_USER", "sharelinks"),
                env.getOrDefault("SHARELINKS_DB_PASSWORD", ""));
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        return Integer.parseInt(env.getOrDefault(name, String.valueOf(fallback)));
    }
}
