package dev.sharelinks.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Message;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixtures start real servers that answer real clients. */
class RealServersIT {

    @Test
    void postgresAcceptsConnectionsAndCreatesDatabases() {
        PostgresServer postgres = SharedServers.postgres();
        postgres.createDatabase("fixture_check");
        postgres.createDatabase("fixture_check");

        assertThat(postgres.query("fixture_check", "SELECT current_setting('server_version_num')::int >= 150000"))
                .isEqualTo("t");
    }

    @Test
    void kafkaBrokerDeliversWhatIsProducedAndSurvivesARestart() throws Exception {
        KafkaBroker kafka = SharedServers.kafka();
        produce(kafka, "before");
        kafka.stop();
        kafka.start();
        produce(kafka, "after");

        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "fixture-check",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("fixture-check"));
            List<String> seen = new java.util.ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (seen.size() < 2 && System.currentTimeMillis() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                records.forEach(r -> seen.add(r.value()));
            }
            assertThat(seen).containsExactly("before", "after");
        }
    }

    @Test
    void smtpServerWritesEveryAcceptedMailAsAnEmlFile(@TempDir Path mailDir) throws Exception {
        try (SmtpServer smtp = SmtpServer.start(FreePorts.next(), mailDir)) {
            Properties props = new Properties();
            props.put("mail.smtp.host", smtp.host());
            props.put("mail.smtp.port", String.valueOf(smtp.port()));
            MimeMessage message = new MimeMessage(Session.getInstance(props));
            message.setFrom(new InternetAddress("from@sharelinks.test"));
            message.setRecipients(Message.RecipientType.TO, "a@x.test, b@x.test");
            message.setSubject("hello");
            message.setText("body");
            Transport.send(message);

            assertThat(smtp.receivedMessages()).hasSize(2);
            try (var files = Files.list(mailDir)) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted())
                        .containsExactly("000001-a@x.test.eml", "000002-b@x.test.eml");
            }
            assertThat(Files.readString(mailDir.resolve("000001-a@x.test.eml"))).contains("Subject: hello");
        }
    }

    @Test
    void smtpServerAcceptsMailAgainAfterARestart() throws Exception {
        try (SmtpServer smtp = SmtpServer.start(FreePorts.next(), null)) {
            smtp.stop();
            assertThatThrownBy(() -> send(smtp, "lost@x.test")).isInstanceOf(jakarta.mail.MessagingException.class);
            smtp.start();
            send(smtp, "back@x.test");

            assertThat(smtp.receivedMessages()).hasSize(1);
        }
    }

    @Test
    void smtpServerRefusesRecipientsInTheReservedInvalidDomainForGood() {
        try (SmtpServer smtp = SmtpServer.start(FreePorts.next(), null)) {
            assertThatThrownBy(() -> send(smtp, "nobody@nowhere.invalid"))
                    .isInstanceOfSatisfying(
                            SendFailedException.class,
                            refused -> assertThat(refused.getInvalidAddresses())
                                    .extracting(Object::toString)
                                    .containsExactly("nobody@nowhere.invalid"));

            assertThat(smtp.refusedRecipients()).containsExactly("nobody@nowhere.invalid");
            assertThat(smtp.receivedMessages()).isEmpty();
        }
    }

    private static void send(SmtpServer smtp, String to) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", smtp.host());
        props.put("mail.smtp.port", String.valueOf(smtp.port()));
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("from@sharelinks.test"));
        message.setRecipients(Message.RecipientType.TO, to);
        message.setText("body");
        Transport.send(message);
    }

    private static void produce(KafkaBroker kafka, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>("fixture-check", "k", value)).get();
        }
    }
}
