package dev.sharelinks.infra;

import dev.sharelinks.events.KafkaAccess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.jspecify.annotations.Nullable;

/**
 * A single-node KRaft broker (broker and controller in one) in a child JVM, from the {@code kafka_2.13} jars on our
 * own class path. A real broker process: it can be stopped and restarted on the same data, as a fault test needs.
 *
 * <p>A secured one ({@link #startSecured}) takes clients as the production cluster's listener does: TLS with the
 * test's certificates and SCRAM-SHA-512 logins, with ACLs enforced (Kafka's {@code StandardAuthorizer}, nothing
 * allowed without an ACL). Its {@link #bootstrapServers()} is a plaintext listener on loopback whose clients are
 * super users: how a test makes topics, users and ACLs, and reads what was written.
 */
public final class KafkaProcessBroker implements KafkaBroker {

    private final Path dir;
    private final int port;
    private final @Nullable Secured secured;
    private final Path log;
    private @Nullable Process process;

    /** @param port the clients' port: plaintext, or TLS with SCRAM logins when {@code secured} */
    private KafkaProcessBroker(Path dir, int port, @Nullable Secured secured) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
        this.secured = secured;
        this.log = this.dir.resolve("kafka.log");
    }

    /** @param tls the server's certificate and key, and the authority that signed it */
    private record Secured(TestCertificates tls, int superUserPort) {}

    public static KafkaProcessBroker start(Path dir, int port) {
        KafkaProcessBroker broker = new KafkaProcessBroker(dir, port, null);
        broker.configure();
        broker.start();
        return broker;
    }

    /** A broker whose clients connect over TLS ({@code tls}'s certificate) and log in with SCRAM-SHA-512. */
    public static KafkaProcessBroker startSecured(Path dir, int port, TestCertificates tls) {
        KafkaProcessBroker broker = new KafkaProcessBroker(dir, port, new Secured(tls, FreePorts.next()));
        broker.configure();
        broker.start();
        return broker;
    }

    /** The plaintext listener; of a secured broker, the loopback one whose clients are super users. */
    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + (secured == null ? port : secured.superUserPort());
    }

    /** Of a secured broker, the listener that takes clients over TLS with SCRAM-SHA-512 logins. */
    public String saslSslBootstrapServers() {
        if (secured == null) {
            throw new IllegalStateException("a plaintext broker has no SASL_SSL listener");
        }
        return "127.0.0.1:" + port;
    }

    /** Adds or replaces a SCRAM-SHA-512 login, and returns once the broker lists it. */
    private void addScramUser(String name, String password) {
        try (Admin admin = superUser()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            name, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            // the controller commits it; the broker's metadata, which logins are checked against, follows
            Instant deadline = Instant.now().plusSeconds(30);
            while (!listed(admin, name)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the broker never listed the credential of " + name);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot add the SCRAM user " + name, e);
        }
    }

    private static boolean listed(Admin admin, String name) throws InterruptedException, TimeoutException {
        try {
            return !admin.describeUserScramCredentials(List.of(name))
                    .description(name)
                    .get(30, TimeUnit.SECONDS)
                    .credentialInfos()
                    .isEmpty();
        } catch (ExecutionException notYet) {
            return false;
        }
    }

    /**
     * Adds a service's user as Strimzi's User Operator makes a KafkaUser: a SCRAM-SHA-512 login, and ACLs allowing
     * exactly {@code access}.
     */
    public void addUser(KafkaAccess access, String password) {
        List<AclBinding> acls = access.acls().stream()
                .map(acl -> new AclBinding(
                        new ResourcePattern(
                                ResourceType.valueOf(acl.resourceType().toUpperCase(Locale.ROOT)),
                                acl.name(),
                                acl.patternType().equals("prefix") ? PatternType.PREFIXED : PatternType.LITERAL),
                        new AccessControlEntry(
                                "User:" + access.user(),
                                "*",
                                AclOperation.valueOf(acl.operation().toUpperCase(Locale.ROOT)),
                                AclPermissionType.ALLOW)))
                .toList();
        try (Admin admin = superUser()) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot give " + access.user() + " its ACLs", e);
        }
        addScramUser(access.user(), password);
    }

    /**
     * The variables that make a Spring Boot service a client of the secured listener as {@code user}, as the
     * manifests set them (Spring Boot's relaxed binding of {@code spring.kafka.*}) besides {@code KAFKA_BOOTSTRAP}.
     */
    public Map<String, Object> clientVariables(String user, String password) {
        if (secured == null) {
            throw new IllegalStateException("a plaintext broker takes no logins");
        }
        return Map.of(
                "SPRING_KAFKA_SECURITY_PROTOCOL",
                "SASL_SSL",
                "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM",
                "SCRAM-SHA-512",
                "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
                scramLogin(user, password),
                "SPRING_KAFKA_SSL_TRUST_STORE_TYPE",
                "PEM",
                "SPRING_KAFKA_SSL_TRUST_STORE_LOCATION",
                "file:" + secured.tls().authority().toAbsolutePath());
    }

    /** The {@code sasl.jaas.config} of a SCRAM login, as Strimzi writes it into a KafkaUser's Secret. */
    public static String scramLogin(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"%s\" password=\"%s\";"
                .formatted(user, password);
    }

    /** An admin client of the super users' listener. */
    public Admin superUser() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    @Override
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> args =
                new ArrayList<>(List.of(dir.resolve("server.properties").toString()));
        if (!isFormatted()) {
            args.add(Uuid.randomUuid().toString());
        }
        process = Processes.start(Processes.javaWithOurClassPath(jvmOptions(), KafkaNode.class.getName(), args), log);
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

    /** Writes the broker's settings, unless its log directory was formatted with them already. */
    private void configure() {
        Path data = dir.resolve("data");
        if (isFormatted()) {
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
    }

    private boolean isFormatted() {
        return Files.exists(dir.resolve("data").resolve("meta.properties"));
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

    /**
     * One node, broker and controller. Its controller appends no idle no-op records to the metadata log
     * ({@code metadata.max.idle.interval.ms=0}): with no other broker to show that the controller lives, they are
     * most of what an idle broker does, and the tests start a broker per test JVM.
     */
    private String serverProperties(Path data, int controllerPort) throws IOException {
        return listeners(controllerPort) + """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@127.0.0.1:%2$d
                controller.listener.names=CONTROLLER
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
                metadata.max.idle.interval.ms=0
                """.formatted(port, controllerPort, data);
    }

    private String listeners(int controllerPort) throws IOException {
        if (secured == null) {
            return """
                    listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                    advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                    inter.broker.listener.name=PLAINTEXT
                    listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                    """.formatted(port, controllerPort);
        }
        // Kafka's PEM key store: the PKCS#8 key (unencrypted: no ssl.key.password) and the certificate in one file
        Path keyStore = dir.resolve("server.pem");
        Files.writeString(
                keyStore,
                Files.readString(secured.tls().key())
                        + Files.readString(secured.tls().certificate()));
        // the loopback listener and the controller's connect as ANONYMOUS, which must be a super user: the
        // controller's own requests are authorized too
        return """
                listeners=SASL_SSL://127.0.0.1:%1$d,INTERNAL://127.0.0.1:%3$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=SASL_SSL://127.0.0.1:%1$d,INTERNAL://127.0.0.1:%3$d
                inter.broker.listener.name=INTERNAL
                listener.security.protocol.map=SASL_SSL:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
                sasl.enabled.mechanisms=SCRAM-SHA-512
                listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=\
                  org.apache.kafka.common.security.scram.ScramLoginModule required;
                ssl.keystore.type=PEM
                ssl.keystore.location=%4$s
                authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
                super.users=User:ANONYMOUS
                allow.everyone.if.no.acl.found=false
                """.formatted(port, controllerPort, secured.superUserPort(), keyStore);
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
