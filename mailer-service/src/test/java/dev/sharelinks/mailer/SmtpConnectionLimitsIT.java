package dev.sharelinks.mailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.SmtpServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The kept SMTP connections' limits, set low: at most two mails per connection, and one second idle. */
@SpringBootTest(
        properties = {"sharelinks.mailer.smtp-messages-per-connection=2", "sharelinks.mailer.smtp-idle-timeout=1s"})
// closed after the class: the two test classes' listeners share the consumer group, and each must get every share
@DirtiesContext
class SmtpConnectionLimitsIT {

    private static final String DATABASE = "mailer_limits_test";
    private static final AtomicLong SHARE_IDS = new AtomicLong(System.currentTimeMillis());
    private final EventSerde serde = new EventSerde();

    @DynamicPropertySource
    static void realServers(DynamicPropertyRegistry registry) {
        MailerTestServers.register(registry, DATABASE);
    }

    @Test
    void whenAConnectionHasCarriedItsMailsThenTheNextMailGoesOverANewOne() {
        ShareRequested share = share("pat", "quinn", "rosa", "sam", "tess");

        List<String> connections = awaitConnections(share);
        // every mail each of those connections carried, this share's and any earlier test's: none more than two
        Map<String, Long> carried = SharedServers.smtp().received().stream()
                .map(SmtpServer.ReceivedMail::connection)
                .filter(connections::contains)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(carried.values()).allMatch(count -> count <= 2).contains(2L);
        assertThat(carried).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void whenAConnectionWasIdleTooLongThenTheNextMailGoesOverANewOne() {
        String first = awaitConnections(share("uma")).get(0);
        await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(2)).until(() -> true);

        assertThat(awaitConnections(share("vic")).get(0)).isNotEqualTo(first);
    }

    /** Publishes a share to these recipients (made unique to this share) and returns it. */
    private ShareRequested share(String... names) {
        long id = SHARE_IDS.incrementAndGet();
        List<String> recipients =
                Arrays.stream(names).map(name -> name + "-" + id + "@mail.test").toList();
        ShareRequested share = new ShareRequested(
                id,
                1,
                recipients,
                null,
                List.of(new ShareRequested.SharedLink(
                        1,
                        "http://redirector.test/api/v2/shareable_links/key-" + id,
                        "report.pdf",
                        Instant.parse("2099-01-02T00:00:00Z"))));
        MailerTestServers.send(
                String.valueOf(id),
                serde.serialize(serde.envelope(share, "link-api", String.valueOf(id), Instant.now())));
        return share;
    }

    /** The connections the share's mails came over, in the order the server accepted them, once all arrived. */
    private static List<String> awaitConnections(ShareRequested share) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> MailerTestServers.receivedOf(share).size()
                        >= share.recipients().size());
        return MailerTestServers.receivedOf(share).stream()
                .map(SmtpServer.ReceivedMail::connection)
                .toList();
    }
}
