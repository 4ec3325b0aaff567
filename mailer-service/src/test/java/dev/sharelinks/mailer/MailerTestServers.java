package dev.sharelinks.mailer;

import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.PostgresServer;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.SmtpServer;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import java.util.List;
import java.util.Map;
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

    private MailerTestServers() {
    }

    /** Points the mailer at the shared PostgreSQL (its own database there), Kafka and SMTP server. */
    static void register(DynamicPropertyRegistry registry, String database) {
        PostgresServer postgres = SharedServers.postgres();
        postgres.createDatabase(database);
        registry.add("DB_PORT", postgres::port);
        registry.add("DB_NAME", () -> database);
        registry.add("KAFKA_BOOTSTRAP", () -> SharedServers.kafka().bootstrapServers());
        registry.add("SMTP_PORT", () -> SharedServers.smtp().port());
    }

    static void send(String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedServers.kafka().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
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
