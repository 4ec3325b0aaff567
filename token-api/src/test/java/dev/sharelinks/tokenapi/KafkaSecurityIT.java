package dev.sharelinks.tokenapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sharelinks.events.KafkaAccess;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.FreePorts;
import dev.sharelinks.infra.KafkaProcessBroker;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.TestCertificates;
import dev.sharelinks.infra.TopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * token-api against a Kafka broker that takes clients only over TLS with SCRAM-SHA-512 logins and enforces ACLs,
 * configured only by the manifests' variables, as its KafkaUser with {@link KafkaAccess#TOKEN_API}'s ACLs: its
 * outbox publishes a token's event, and its read-your-writes wait reads the redirector's consumer group offsets
 * (played here by a consumer in that group) and sees the event applied.
 */
@ContextConfiguration(initializers = KafkaSecurityIT.ManifestVariables.class)
// its broker and context end with the class
@DirtiesContext
class KafkaSecurityIT extends TokenApiIntegrationTest {

    private static final String PASSWORD = "token-api-kafka-password";
    private static final String PROJECTION_GROUP = "download-redirector-tokens";
    private static final String DATABASE_OF_ITS_OWN = "token_api_secured";
    private static final Path DIR =
            Path.of("target", "kafka-security-" + ProcessHandle.current().pid());
    private static final TestCertificates CERTIFICATES = TestCertificates.issue(DIR.resolve("certs"), "kafka");
    private static final KafkaProcessBroker BROKER =
            KafkaProcessBroker.startSecured(DIR.resolve("broker"), FreePorts.next(), CERTIFICATES);
    private static final AtomicBoolean PROJECTING = new AtomicBoolean(true);
    private static Thread projection;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(BROKER::close));
        try (Admin admin = BROKER.superUser()) {
            admin.createTopics(List.of(new NewTopic(Topics.TOKENS, 3, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare the secured broker", e);
        }
        BROKER.addUser(KafkaAccess.TOKEN_API, PASSWORD);
    }

    /**
     * The variables the manifests set, read the way Spring Boot reads the process environment, ahead of the shared
     * servers' settings of {@link TokenApiIntegrationTest}.
     */
    static class ManifestVariables implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            Map<String, Object> variables =
                    new HashMap<>(BROKER.clientVariables(KafkaAccess.TOKEN_API.user(), PASSWORD));
            variables.put("KAFKA_BOOTSTRAP", BROKER.saslSslBootstrapServers());
            variables.put("SHARELINKS_KAFKA_CREATE_TOPICS", "false");
            // a database of its own: another context's outbox relay must not publish this one's events elsewhere
            SharedServers.postgres().createDatabase(DATABASE_OF_ITS_OWN);
            variables.put("DB_NAME", DATABASE_OF_ITS_OWN);
            variables.put("READ_YOUR_WRITES_GROUP", PROJECTION_GROUP);
            variables.put("READ_YOUR_WRITES_TIMEOUT", "10s");
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new SystemEnvironmentPropertySource(
                            "manifest-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        }
    }

    /** The redirector's token projection, as far as the brokers see it: a group that reads and commits. */
    @BeforeAll
    static void startProjection() {
        projection = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            BROKER.bootstrapServers(),
                            ConsumerConfig.GROUP_ID_CONFIG,
                            PROJECTION_GROUP,
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                            "earliest"),
                    new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(Topics.TOKENS));
                while (PROJECTING.get()) {
                    if (!consumer.poll(Duration.ofMillis(100)).isEmpty()) {
                        consumer.commitSync();
                    }
                }
            }
        });
        projection.setDaemon(true);
        projection.start();
    }

    @AfterAll
    static void stopProjection() throws InterruptedException {
        PROJECTING.set(false);
        projection.join(10_000);
    }

    @Autowired
    MeterRegistry meters;

    @Test
    void aTokensEventIsPublishedAsItsOwnUserAndItsCreateWaitsForTheProjectionThroughItsAcls() {
        DamLogin reader = newUser(false);
        long mediaId = newMedia(false);
        grantRead(reader, mediaId);
        Map<String, Object> created = createToken(reader, mediaId, newTemplate(), "");

        long tokenId = ((Number) created.get("id")).longValue();
        assertThat(TopicReader.readUntil(
                        BROKER.bootstrapServers(),
                        Topics.TOKENS,
                        seen -> seen.stream().anyMatch(r -> r.key().equals(String.valueOf(tokenId))),
                        Duration.ofSeconds(30)))
                .anySatisfy(r -> assertThat(r.key()).isEqualTo(String.valueOf(tokenId)));
        // the wait read the group's offsets (Describe on the group, by its ACL) and found the event applied
        assertThat(meters.get("sharelinks.read_your_writes")
                        .tag("outcome", "applied")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get("sharelinks.read_your_writes")
                        .tag("outcome", "timeout")
                        .timer()
                        .count())
                .isZero();
    }
}
