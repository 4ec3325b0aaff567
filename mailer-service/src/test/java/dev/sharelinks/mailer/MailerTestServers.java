package dev.sharelinks.mailer;

import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.SmtpServer;
import dev.sharelinks.sealing.Sealer;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The real servers of the mailer tests: their addresses for the application context, a record sent into the shares
 * topic, and the mails the SMTP server took for a share.
 */
final class MailerTestServers {

    static final String LINK_SEALING_KEY = "l2:" + Base64.getEncoder().encodeToString(new byte[32]);

    /** link-api's sealer in these tests: share events carry their links' URLs sealed with its key. */
    static final Sealer LINK_SEALER = Sealer.of(List.of(LINK_SEALING_KEY));

    private MailerTestServers() {}

    /** Points the mailer at the shared PostgreSQL (its own database there), Kafka and SMTP server. */
    static void register(DynamicPropertyRegistry registry, String database) {
        register(registry, database, SharedServers.kafka().bootstrapServers());
    }

    /** The same with another Kafka broker. */
    static void register(DynamicPropertyRegistry registry, String database, String kafkaBootstrap) {
        PostgresServer postgres = SharedServers.postgres();
        postgres.createDatabase(database);
        registry.add("DB_PORT", postgres::port);
        registry.add("DB_NAME", () -> database);
        registry.add("KAFKA_BOOTSTRAP", () -> kafkaBootstrap);
        // a group member that did not leave cleanly (a consumer closed around a broker restart) holds the group's next
        // rebalance for the session timeout: 10 s here, as on the local stack, not Kafka's 45
        registry.add("spring.kafka.consumer.properties[session.timeout.ms]", () -> "10000");
        registry.add("SMTP_PORT", () -> SharedServers.smtp().port());
        registry.add("LINK_SEALING_KEYS", () -> LINK_SEALING_KEY);
    }

    /** A fresh 2048-bit RSA key pair, as {@code openssl genpkey -algorithm RSA} makes one. */
    static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has RSA", e);
        }
    }

    /** The private key in a PKCS#8 PEM file, as an operator mounts it: its location for Spring ({@code file:}). */
    static String pemFile(PrivateKey key) {
        try {
            Path file = Files.createTempFile("dkim", ".pem");
            file.toFile().deleteOnExit();
            Files.writeString(
                    file,
                    "-----BEGIN PRIVATE KEY-----\n"
                            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                    .encodeToString(key.getEncoded())
                            + "\n-----END PRIVATE KEY-----\n",
                    StandardCharsets.US_ASCII);
            return "file:" + file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether the mail carries a DKIM signature that Apache James' verifier accepts, with {@code publicKey} as the
     * signing domain's DNS record would give it.
     */
    static boolean dkimVerifies(byte[] raw, PublicKey publicKey) {
        String record = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(publicKey.getEncoded());
        DKIMVerifier verifier = new DKIMVerifier((method, selector, domain) -> List.of(record));
        try {
            List<SignatureRecord> valid = verifier.verify(new ByteArrayInputStream(raw));
            return valid != null && !valid.isEmpty();
        } catch (FailException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void send(String key, byte[] value) {
        send(SharedServers.kafka().bootstrapServers(), key, value);
    }

    /** The same into another Kafka broker. */
    static void send(String kafkaBootstrap, String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.SHARES, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The mails of one share, in the order the server took them: each test shares to recipients of its own. */
    static List<SmtpServer.ReceivedMail> receivedOf(ShareRequested share) {
        return SharedServers.smtp().received().stream()
                .filter(mail -> share.recipients().contains(to(mail)))
                .toList();
    }

    private static String to(SmtpServer.ReceivedMail mail) {
        try {
            return mail.message().getRecipients(Message.RecipientType.TO)[0].toString();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
