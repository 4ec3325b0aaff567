package dev.sharelinks.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.DownloadConsumed;
import dev.sharelinks.infra.SmtpServer;
import dev.sharelinks.stack.LocalStack;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Services killed with SIGKILL in the middle of their work, as a lost node kills them, and started again as
 * Kubernetes would: what they promised must still hold. The whole stack runs as separate processes from the
 * services' jars, against real PostgreSQL, Kafka, S3Proxy and SMTP.
 */
@OnTheSharedStack
class CrashRecoveryIT {

    private static final int CLIENTS = 8;

    private static LocalStack stack;
    private static TestStacks.Client client;
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void useTheSharedStack(LocalStack shared) {
        stack = shared;
        client = new TestStacks.Client(stack.env());
    }

    @Test
    void whenTheRedirectorIsKilledUnderRedeemLoadThenNoDecrementIsLostOrAppliedTwice() throws Exception {
        // below the redirector's lease threshold (REDEEM_LEASE_MIN_REMAINING, 1000): the row's own path, whose every
        // grant reports its exact count; a kill while holding a download lease is HotLinkAcrossReplicasIT's
        int limit = 900;
        JsonNode link = client.createLink(limit);
        long linkId = link.get("id").asLong();
        String url = link.get("url").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.probe(url) == 200);

        AtomicInteger redirects = new AtomicInteger();
        AtomicInteger unanswered = new AtomicInteger();
        AtomicInteger unavailable = new AtomicInteger();
        AtomicBoolean restarted = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(pool.submit(() -> redeemUntilExhausted(url, redirects, unanswered, unavailable, restarted)));
        }
        await().pollInterval(Duration.ofMillis(10))
                .atMost(Duration.ofSeconds(60))
                .until(() -> redirects.get() >= limit / 10);
        stack.kill("download-redirector");
        int redirectsBeforeKill = redirects.get();
        stack.restart("download-redirector");
        restarted.set(true);
        pool.shutdown();
        assertThat(pool.awaitTermination(3, TimeUnit.MINUTES))
                .as("clients done")
                .isTrue();
        for (Future<?> done : clients) {
            done.get();
        }

        // the redirector's own record of the grants is its outbox's DownloadConsumed events: one per decrement,
        // each with the count left after it
        List<DownloadConsumed> grants = TestStacks.downloadsOf(stack, linkId, limit);
        assertThat(grants)
                .extracting(DownloadConsumed::remaining)
                .as("one grant per count from %d down to 0, none twice, none skipped", limit - 1)
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, limit).boxed().toList());
        // a redirect is only ever built from a recorded grant; a grant without its redirect is one whose answer
        // died with the process
        assertThat(redirects.get()).isLessThanOrEqualTo(limit).isGreaterThanOrEqualTo(limit - unanswered.get());
        assertThat(redirectsBeforeKill).isLessThan(limit);
        // link-api's mirror of the count arrives at the same place
        await().atMost(Duration.ofSeconds(30)).until(() -> client.remaining(linkId) == 0);
        System.out.printf(
                "redirector killed after %d redirects; %d redirects in all, %d requests unanswered,"
                        + " %d answered 503%n",
                redirectsBeforeKill, redirects.get(), unanswered.get(), unavailable.get());
        // until the group drops the killed process's consumers (their session timeout) its partitions are consumed
        // by nobody; from then on a link redeems the moment its create answers again
        stack.awaitConsumersSettled(Duration.ofMinutes(1));
        assertThat(client.status(client.createLink(1).get("url").asString())).isEqualTo(302);
    }

    /** The mailer's default {@code MAILER_CONSUMERS}: shares mailed in parallel. */
    private static final int MAILER_CONSUMERS = 3;

    @Test
    void whenTheMailerIsKilledWhileMailingThenEveryRecipientGetsTheMailAndNoneGetsTwoDifferentOnes() throws Exception {
        SmtpServer smtp = stack.smtp();
        long linkId = client.createLink(5).get("id").asLong();
        List<String> recipients = IntStream.range(0, 120)
                .mapToObj(i -> "crash-" + i + "@mail.test")
                .toList();
        smtp.delayEachMessage(Duration.ofMillis(40));
        try {
            for (int share = 0; share < 3; share++) {
                List<String> some = recipients.subList(share * 40, share * 40 + 40);
                HttpResponse<String> shared = client.postToLinkApi(
                        "/api/v2/shareable_links/share",
                        json.writeValueAsString(Map.of("recipients", some, "shareable_link_ids", List.of(linkId))));
                assertThat(shared.statusCode()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> mailsTo(smtp, recipients).size() >= 15);
            stack.kill("mailer-service");
            int mailedBeforeKill = mailsTo(smtp, recipients).size();
            assertThat(mailedBeforeKill).as("killed in the middle of the batch").isLessThan(recipients.size());
            stack.restart("mailer-service");

            await().atMost(Duration.ofMinutes(2))
                    .until(() -> mailsTo(smtp, recipients).keySet().size() == recipients.size());
            // and nothing more comes: no retry loop, no second round
            await().pollDelay(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> true);
            Map<String, List<String>> messageIds = mailsTo(smtp, recipients);
            assertThat(messageIds.keySet()).containsExactlyInAnyOrderElementsOf(recipients);
            // the mail in flight at the kill may be sent again, but as the same message (same Message-ID),
            // which mail servers and clients recognise; no recipient gets two different mails
            assertThat(messageIds.values())
                    .allSatisfy(ids -> assertThat(Set.copyOf(ids)).hasSize(1));
            long resent =
                    messageIds.values().stream().filter(ids -> ids.size() > 1).count();
            // the three shares can land on three partitions, each with its own consumer and one mail in flight
            assertThat(resent)
                    .as("recipients whose mail was in flight at the kill")
                    .isLessThanOrEqualTo(MAILER_CONSUMERS);
            System.out.printf(
                    "mailer killed after %d of %d mails; %d resent as the same message%n",
                    mailedBeforeKill, recipients.size(), resent);
        } finally {
            smtp.delayEachMessage(Duration.ZERO);
        }
    }

    private void redeemUntilExhausted(
            String url,
            AtomicInteger redirects,
            AtomicInteger unanswered,
            AtomicInteger unavailable,
            AtomicBoolean restarted) {
        while (true) {
            try {
                int status = client.get(url, Duration.ofSeconds(10)).statusCode();
                switch (status) {
                    case 302 -> redirects.incrementAndGet();
                    case 503 -> unavailable.incrementAndGet();
                    case 404 -> {
                        if (restarted.get()) {
                            return;
                        }
                        throw new AssertionError("404 before the link was used up");
                    }
                    default -> throw new AssertionError("unexpected " + status);
                }
            } catch (IOException refusedCutOffOrSilent) {
                // the process is gone, or the request went down with it
                unanswered.incrementAndGet();
                pause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Message-IDs of the mails each of {@code recipients} has received, by envelope recipient. */
    private static Map<String, List<String>> mailsTo(SmtpServer smtp, List<String> recipients) {
        Set<String> wanted = Set.copyOf(recipients);
        return smtp.received().stream()
                .filter(mail -> wanted.contains(mail.recipient()))
                .collect(Collectors.groupingBy(
                        SmtpServer.ReceivedMail::recipient,
                        Collectors.mapping(mail -> messageId(mail.message()), Collectors.toList())));
    }

    private static String messageId(MimeMessage message) {
        try {
            return message.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
