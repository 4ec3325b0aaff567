package dev.sharelinks.audit;

import dev.sharelinks.audit.history.HistoryRecord;
import dev.sharelinks.audit.history.TopicHistory;
import dev.sharelinks.audit.trail.AuditFiles;
import dev.sharelinks.audit.trail.AuditTrail;
import dev.sharelinks.audit.trail.ShareRecipients;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.Topics;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;

/**
 * The audit replay command: reads the event topics once, writes the audit trail, and exits (non-zero if it could
 * not). It runs beside the services and changes nothing they own: no consumer group, no offsets, no topics.
 */
@SpringBootApplication
@EnableConfigurationProperties(AuditProperties.class)
public class AuditReplayApplication {

    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(AuditReplayApplication.class, args)));
    }

    @Bean
    ApplicationRunner replay(KafkaProperties kafka, AuditProperties properties) {
        return arguments -> run(kafka, properties);
    }

    private static void run(KafkaProperties kafka, AuditProperties properties) {
        TopicHistory topics = new TopicHistory(kafka.buildConsumerProperties(), properties.stallTimeout());
        List<HistoryRecord> history = topics.read(properties.topicsToRead(), properties.from());
        EventSerde serde = new EventSerde();
        // whose download each was: from every share, also those before --from, whose recipients still download
        boolean everyShareRead =
                properties.from() == null && properties.topicsToRead().contains(Topics.SHARES);
        ShareRecipients recipients =
                ShareRecipients.of(everyShareRead ? history : topics.read(List.of(Topics.SHARES), null), serde);
        AuditTrail trail = AuditTrail.of(history, serde, properties.from(), recipients);
        List<Path> files = new AuditFiles().write(trail, properties.outputDir());
        long unreadable = trail.entries().stream()
                .filter(entry -> entry.event().equals("unreadable"))
                .count();
        System.out.printf(
                "audit replay of %s%s: %d events (%d unreadable), %d links, %d tokens%n",
                String.join(", ", properties.topicsToRead()),
                properties.from() == null ? " from the start" : " from " + properties.from(),
                trail.entries().size(),
                unreadable,
                trail.links().size(),
                trail.tokens().size());
        files.forEach(file -> System.out.println("  " + file));
    }
}
