package dev.sharelinks.mailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.KafkaAccess;
import dev.sharelinks.events.ShareMailDelivered;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.FreePorts;
import dev.sharelinks.infra.KafkaListeners;
import dev.sharelinks.infra.KafkaProcessBroker;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TestCertificates;
import dev.sharelinks.infra.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The mailer against a Kafka broker that takes clients only over TLS with SCRAM-SHA-512 logins and enforces ACLs,
 * and a PostgreSQL reachable over TLS only, as production's are: its security comes from the variables the
 * manifests set alone, its Kafka user holds only {@link KafkaAccess#MAILER_SERVICE}'s ACLs, and its database role
 * owns its schema only. The certificates, the Kafka user and the role are made by the test.
 */
@SpringBootTest
@ContextConfiguration(initializers = KafkaSecurityIT.ManifestVariables.class)
// its broker and context end with the class
@DirtiesContext
class KafkaSecurityIT {

    private static final String PASSWORD = "mailer-kafka-password";
    private static final Path DIR =
            Path.of("target", "kafka-security-" + ProcessHandle.current().pid());
    private static final TestCertificates CERTIFICATES = TestCertificates.issue(DIR.resolve("certs"), "kafka");
    private static final KafkaProcessBroker BROKER =
            KafkaProcessBroker.startSecured(DIR.resolve("broker"), FreePorts.next(), CERTIFICATES);
    private static final String DATABASE = "sharelinks_secured";
    private static final String DB_PASSWORD = "mailer-db-password";
    private static final PostgresServer TLS_POSTGRES =
            PostgresServer.startTlsOnly(DIR.resolve("postgres"), FreePorts.next(), CERTIFICATES);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(BROKER::close));
        Runtime.getRuntime().addShutdownHook(new Thread(TLS_POSTGRES::close));
        // as the manifests' postInitApplicationSQL makes it (deploy/k8s/base/postgres/cluster.yaml)
        TLS_POSTGRES.createDatabase(DATABASE);
        TLS_POSTGRES.query(DATABASE, """
                CREATE ROLE mailer LOGIN PASSWORD '%s';
                CREATE SCHEMA mailer AUTHORIZATION mailer;""".formatted(DB_PASSWORD));
        // made by Strimzi's Topic and User Operators in production (deploy/k8s/base/kafka)
        try (Admin admin = BROKER.superUser()) {
            admin.createTopics(Topics.ALL.stream()
                            .flatMap(topic -> List.of(topic, Topics.deadLetterOf(topic)).stream())
                            .map(topic -> new NewTopic(topic, 3, (short) 1))
                            .toList())
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare the secured broker", e);
        }
        BROKER.addUser(KafkaAccess.MAILER_SERVICE, PASSWORD);
    }

    @DynamicPropertySource
    static void securedServers(DynamicPropertyRegistry registry) {
        registry.add("KAFKA_BOOTSTRAP", BROKER::saslSslBootstrapServers);
        registry.add("DB_HOST", TLS_POSTGRES::host);
        registry.add("DB_PORT", TLS_POSTGRES::port);
        registry.add("DB_NAME", () -> DATABASE);
        registry.add("DB_USER", () -> "mailer");
        registry.add("DB_PASSWORD", () -> DB_PASSWORD);
        registry.add("SMTP_PORT", () -> SharedServers.smtp().port());
        registry.add("LINK_SEALING_KEYS", () -> MailerTestServers.LINK_SEALING_KEY);
    }

    /**
     * The variables the manifests set (base/platform-config.yaml, and each Deployment's login from its KafkaUser's
     * Secret), read the way Spring Boot reads the process environment: so this checks their names too.
     */
    static class ManifestVariables implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new SystemEnvironmentPropertySource(
                            "manifest-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            manifestVariables()));
        }

        private static Map<String, Object> manifestVariables() {
            Map<String, Object> variables =
                    new HashMap<>(BROKER.clientVariables(KafkaAccess.MAILER_SERVICE.user(), PASSWORD));
            variables.put("SHARELINKS_KAFKA_CREATE_TOPICS", "false");
            variables.put("DB_SSL_MODE", "verify-full");
            variables.put(
                    "DB_SSL_ROOT_CERT",
                    CERTIFICATES.authority().toAbsolutePath().toString());
            return variables;
        }
    }

    @Autowired
    KafkaProperties kafka;

    private final EventSerde serde = new EventSerde();

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Test
    void itsListenersRunOnExactlyItsKafkaAccess() {
        Map<String, Set<String>> topicsByGroup = KafkaListeners.topicsByGroup(listeners);

        assertThat(topicsByGroup).isNotEmpty();
        assertThat(KafkaAccess.MAILER_SERVICE.mismatchesWith(topicsByGroup)).isEmpty();
    }

    @Test
    void theManifestsVariablesAreWhatTheClientsUse() {
        Map<String, Object> settings = kafka.buildProducerProperties();

        assertThat(settings)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry(
                        "sasl.jaas.config", KafkaProcessBroker.scramLogin(KafkaAccess.MAILER_SERVICE.user(), PASSWORD));
    }

    @Test
    void aShareIsMailedAndItsOutcomePublishedOverTlsAsTheMailersOwnUser() {
        long shareId = System.currentTimeMillis();
        ShareRequested share = new ShareRequested(
                shareId,
                1,
                List.of("kafka-tls-" + shareId + "@mail.test"),
                null,
                List.of(ShareRequested.SharedLink.sealed(
                        1,
                        MailerTestServers.LINK_SEALER.seal("http://redirector.test/api/v2/shareable_links/tls"),
                        "report.pdf",
                        Instant.parse("2099-01-02T00:00:00Z"),
                        null)));
        EventEnvelope<ShareRequested> event = serde.envelope(share, "link-api", String.valueOf(shareId), Instant.now());
        MailerTestServers.send(BROKER.bootstrapServers(), event.subject(), serde.serialize(event));

        await().atMost(Duration.ofSeconds(60))
                .until(() -> MailerTestServers.receivedOf(share).size() == 1);
        // its outcome went out through the outbox, produced as the mailer's user
        assertThat(TopicReader.readUntil(
                                BROKER.bootstrapServers(),
                                Topics.SHARES,
                                seen -> seen.stream().anyMatch(r -> outcomeOf(r.value(), shareId)),
                                Duration.ofSeconds(30))
                        .stream()
                        .filter(r -> outcomeOf(r.value(), shareId)))
                .hasSize(1);
        // and logged in its database, written over TLS as its own role
        assertThat(TLS_POSTGRES.query(DATABASE, "SELECT status FROM mailer.deliveries WHERE share_id = " + shareId))
                .isEqualTo("SENT");
        assertThat(TLS_POSTGRES.query(
                        DATABASE,
                        "SELECT bool_and(s.ssl)::text || ' ' || (count(*) > 0)::text FROM pg_stat_ssl s"
                                + " JOIN pg_stat_activity a USING (pid) WHERE a.usename = 'mailer'"))
                .as("every mailer connection is encrypted")
                .isEqualTo("true true");
    }

    @Test
    void aWrongPasswordIsRefusedAtLogin() {
        Map<String, Object> settings = new HashMap<>(kafka.buildProducerProperties());
        settings.put(
                "sasl.jaas.config",
                KafkaProcessBroker.scramLogin(KafkaAccess.MAILER_SERVICE.user(), "not-" + PASSWORD));
        settings.put("max.block.ms", 10_000);

        assertThatThrownBy(() -> send(settings, Topics.SHARES))
                .hasRootCauseInstanceOf(SaslAuthenticationException.class)
                .rootCause()
                .hasMessageContaining("invalid credentials");
    }

    @Test
    void aTopicOutsideItsAclsIsRefused() {
        Map<String, Object> settings = new HashMap<>(kafka.buildProducerProperties());
        settings.put("max.block.ms", 10_000);

        assertThatThrownBy(() -> send(settings, Topics.LINKS))
                .hasRootCauseInstanceOf(TopicAuthorizationException.class)
                .rootCause()
                .hasMessageContaining(Topics.LINKS);
    }

    private static void send(Map<String, Object> settings, String topic) throws Exception {
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", new byte[] {1})).get(30, TimeUnit.SECONDS);
        }
    }

    private boolean outcomeOf(byte[] record, long shareId) {
        return serde.read(record).data() instanceof ShareMailDelivered delivered && delivered.shareId() == shareId;
    }
}
