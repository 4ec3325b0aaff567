package dev.sharelinks.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.util.FileSystemUtils;

/**
 * One set of real servers per test JVM, started on first use on free ports and stopped when the JVM exits, their
 * folders (a PostgreSQL cluster, a broker's log) deleted with them. Each server is created once by a holder class,
 * so nothing here is ever reassigned.
 */
public final class SharedServers {

    public static final String S3_ACCESS_KEY = "test-access-key";
    public static final String S3_SECRET_KEY = "test-secret-key-0123456789";

    private SharedServers() {}

    public static PostgresServer postgres() {
        return PostgresHolder.SERVER;
    }

    public static KafkaBroker kafka() {
        return KafkaHolder.BROKER;
    }

    public static S3Server s3() {
        return S3Holder.SERVER;
    }

    public static SmtpServer smtp() {
        return SmtpHolder.SERVER;
    }

    private static Path workDir(String name) {
        try {
            return Files.createTempDirectory("sharelinks-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T extends AutoCloseable> T closedAtExit(T server, @Nullable Path workDir) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception ignored) {
                // the JVM is going away; the OS reclaims what is left of the server
            }
            if (workDir != null) {
                try {
                    FileSystemUtils.deleteRecursively(workDir);
                } catch (IOException ignored) {
                    // what cannot be deleted stays in the temporary folder: it costs disk, not a test
                }
            }
        }));
        return server;
    }

    private static final class PostgresHolder {
        private static final Path DIR = workDir("pg");
        static final PostgresServer SERVER =
                closedAtExit(PostgresServer.start(DIR.resolve("data"), FreePorts.next(), false), DIR);
    }

    private static final class KafkaHolder {
        private static final Path DIR = workDir("kafka");
        static final KafkaBroker BROKER = closedAtExit(KafkaBroker.startAnywhere(DIR, FreePorts.next()), DIR);
    }

    private static final class S3Holder {
        static final S3Server SERVER =
                closedAtExit(S3Server.start(FreePorts.next(), S3_ACCESS_KEY, S3_SECRET_KEY, null), null);
    }

    private static final class SmtpHolder {
        static final SmtpServer SERVER = closedAtExit(SmtpServer.start(FreePorts.next(), null), null);
    }
}
