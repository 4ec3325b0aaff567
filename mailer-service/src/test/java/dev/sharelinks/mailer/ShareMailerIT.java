package dev.sharelinks.mailer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.ShareMailDelivered;
import dev.sharelinks.events.ShareMailFailed;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.Topics;
import dev.sharelinks.infra.SharedServers;
import dev.sharelinks.infra.SmtpServer;
import dev.sharelinks.infra.TopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestConstructor;

/** The mailer against real Kafka, PostgreSQL and an SMTP server (SubEthaSMTP). */
@SpringBootTest
@TestConstructor(autowireMode = TestConstructor.AutowireMode.ALL)
// closed after the class: the two test classes' listeners share the consumer group, and each must get every share
@DirtiesContext
class ShareMailerIT {

    private static final String DATABASE = "mailer_test";
    private static final AtomicLong SHARE_IDS = new AtomicLong(System.currentTimeMillis());
    private final EventSerde serde = new EventSerde();
    private final MeterRegistry meters;

    ShareMailerIT(MeterRegistry meters) {
        this.meters = meters;
    }

    /** The key this class's mailer signs with; its public half is what a receiver would find in DNS. */
    private static final KeyPair DKIM_KEY = MailerTestServers.rsaKeyPair();

    @DynamicPropertySource
    static void realServers(DynamicPropertyRegistry registry) {
        MailerTestServers.register(registry, DATABASE);
        registry.add("sharelinks.mailer.retry-max-interval", () -> "1s");
        registry.add("sharelinks.mailer.dkim.domain", () -> "sharelinks.local");
        registry.add("sharelinks.mailer.dkim.selector", () -> "mail2026");
        registry.add("sharelinks.mailer.dkim.private-key", () -> MailerTestServers.pemFile(DKIM_KEY.getPrivate()));
    }

    @Test
    void whenAShareIsRequestedThenEachRecipientGetsOneMailWithEveryLinkAndTheEscapedMessage() throws Exception {
        ShareRequested share =
                share(List.of("ann@mail.test", "bob@mail.test"), "Look <script>alert(1)</script> & enjoy");
        EventEnvelope<ShareRequested> event =
                serde.envelope(share, "link-api", String.valueOf(share.shareId()), Instant.now());
        publish(event);
        // the record holds the URLs sealed; the mails, opened
        assertThat(new String(serde.serialize(event), StandardCharsets.UTF_8)).doesNotContain("shareable_links");

        List<MimeMessage> mails = awaitMails(share, 2);
        // stable per event and recipient, so a mail resent after a crash is recognisably the same message
        assertThat(mails)
                .extracting(MimeMessage::getMessageID)
                .doesNotHaveDuplicates()
                .allSatisfy(
                        id -> assertThat(id).matches("<" + event.eventId() + "\\.[0-9a-f]{24}@sharelinks\\.mailer>"));
        assertThat(mails)
                .extracting(m -> m.getRecipients(Message.RecipientType.TO)[0].toString())
                .containsExactlyInAnyOrder("ann@mail.test", "bob@mail.test");
        for (MimeMessage mail : mails) {
            assertThat(mail.getRecipients(Message.RecipientType.TO)).hasSize(1);
            assertThat(mail.getSubject()).isEqualTo("Files have been shared with you");
            String text = part(mail, "text/plain");
            String html = part(mail, "text/html");
            assertThat(text)
                    .contains(
                            "Look <script>alert(1)</script> & enjoy",
                            "- report.pdf: available through 1 January 2099 (UTC)",
                            "http://redirector.test/api/v2/shareable_links/key-" + share.shareId() + "-a",
                            "- Résumé.pdf",
                            "http://redirector.test/api/v2/shareable_links/key-" + share.shareId() + "-b");
            assertThat(html)
                    .contains("Look &lt;script&gt;alert(1)&lt;/script&gt; &amp; enjoy")
                    .doesNotContain("<script>")
                    .contains(
                            "<strong>report.pdf</strong>",
                            "<a href=\"http://redirector.test/api/v2/shareable_links/key-" + share.shareId()
                                    + "-a\" aria-label=\"Download report.pdf\"");
        }
    }

    /** A share that names its sender and language: who shared in From, Subject and body, Reply-To, in Finnish. */
    @Test
    void whenAShareNamesItsSenderAndLanguageThenTheMailSaysWhoSharedInThatLanguage() throws Exception {
        ShareRequested plain = share(List.of("aino@mail.test"), "Kokouksen <b>materiaalit</b>");
        List<ShareRequested.SharedLink> links = plain.links().stream()
                .map(link -> ShareRequested.SharedLink.sealed(
                        link.linkId(), Objects.requireNonNull(link.sealedUrl()), link.filename(), link.expiresAt(), 3))
                .toList();
        ShareRequested share = new ShareRequested(
                plain.shareId(),
                1,
                plain.recipients(),
                plain.message(),
                links,
                null,
                new ShareRequested.Sender("Acme \"Media\" Oy", "Anna <Virtanen>", "anna@acme.test"),
                "fi");
        publish(serde.envelope(share, "link-api", String.valueOf(share.shareId()), Instant.now()));

        MimeMessage mail = awaitMails(share, 1).get(0);
        assertThat(mail.getSubject()).isEqualTo("Anna <Virtanen> jakoi kanssasi 2 tiedostoa");
        InternetAddress from = (InternetAddress) mail.getFrom()[0];
        assertThat(from.getPersonal()).isEqualTo("Acme \"Media\" Oy");
        assertThat(from.getAddress()).isEqualTo("no-reply@sharelinks.local");
        assertThat(mail.getReplyTo()).extracting(Object::toString).containsExactly("anna@acme.test");
        // SMTP carries lines as CRLF
        String text = part(mail, "text/plain").replace("\r\n", "\n");
        assertThat(text)
                .startsWith("Hei,\n\nAnna <Virtanen> (Acme \"Media\" Oy) jakoi kanssasi 2 tiedostoa.")
                .contains(
                        "Viesti:\nKokouksen <b>materiaalit</b>",
                        "- report.pdf: 3 latausta, saatavilla 1. tammikuuta 2099 asti (UTC)",
                        "Vastaa tähän viestiin kirjoittaaksesi osoitteeseen anna@acme.test.",
                        "vastaanottajalle aino@mail.test");
        assertThat(part(mail, "text/html"))
                .startsWith("<!DOCTYPE html><html lang=\"fi\">")
                .contains(
                        "Anna &lt;Virtanen&gt; (Acme &quot;Media&quot; Oy) jakoi kanssasi 2 tiedostoa.",
                        "Kokouksen &lt;b&gt;materiaalit&lt;/b&gt;",
                        ">Lataa</a>")
                .doesNotContain("<Virtanen>", "<b>");
    }

    /**
     * An account's branding (logo, accent, footer) in both parts, in German by the share's locale; signed with DKIM,
     * and the signature verifies with the public key (Apache James' verifier) until a byte of the mail changes.
     */
    @Test
    void whenTheAccountHasBrandingThenItsMailShowsItAndItsDkimSignatureVerifies() throws Exception {
        ShareRequested plain = share(List.of("greta@mail.test"), "Die Unterlagen");
        ShareRequested share = new ShareRequested(
                plain.shareId(),
                1,
                plain.recipients(),
                plain.message(),
                plain.links(),
                null,
                new ShareRequested.Sender("Acme Media", "Anna Virtanen", null),
                "de",
                new ShareRequested.Branding(
                        "https://cdn.acme.test/logo.png?v=2&size=2x",
                        "#8a1c1c",
                        "Acme Media GmbH, Hafenstraße 1, 20457 Hamburg <legal@acme.test>"));
        publish(serde.envelope(share, "link-api", String.valueOf(share.shareId()), Instant.now()));

        SmtpServer.ReceivedMail received = awaitReceived(share);
        MimeMessage mail = received.message();
        assertThat(mail.getSubject()).isEqualTo("Anna Virtanen hat 2 Dateien mit Ihnen geteilt");
        String html = part(mail, "text/html");
        assertThat(html)
                .contains(
                        "<img src=\"https://cdn.acme.test/logo.png?v=2&amp;size=2x\" alt=\"Acme Media\"",
                        "background:#8a1c1c;color:#ffffff",
                        "border-left:3px solid #8a1c1c",
                        "Acme Media GmbH, Hafenstra&szlig;e 1, 20457 Hamburg &lt;legal@acme.test&gt;")
                .doesNotContain("#1f5fbf");
        assertThat(part(mail, "text/plain"))
                .contains("Acme Media GmbH, Hafenstraße 1, 20457 Hamburg <legal@acme.test>");

        String signature = mail.getHeader("DKIM-Signature")[0];
        assertThat(signature).contains("d=sharelinks.local", "s=mail2026", "a=rsa-sha256", "c=relaxed/relaxed");
        assertThat(MailerTestServers.dkimVerifies(received.raw(), DKIM_KEY.getPublic()))
                .isTrue();
        byte[] tampered = new String(received.raw(), StandardCharsets.ISO_8859_1)
                .replace("Subject: Anna Virtanen", "Subject: Anne Virtanen")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(tampered).isNotEqualTo(received.raw());
        assertThat(MailerTestServers.dkimVerifies(tampered, DKIM_KEY.getPublic()))
                .isFalse();
        assertThat(MailerTestServers.dkimVerifies(
                        received.raw(), MailerTestServers.rsaKeyPair().getPublic()))
                .as("another key")
                .isFalse();
    }

    /** Each recipient's mail carries every link with that recipient's own reference, and no other's. */
    @Test
    void whenAShareCarriesRecipientReferencesThenEachMailsUrlsCarryItsRecipientsOwn() throws Exception {
        ShareRequested plain = share(List.of("ida@mail.test", "jon@mail.test"), null);
        ShareRequested share = new ShareRequested(
                plain.shareId(),
                1,
                plain.recipients(),
                null,
                plain.links(),
                List.of("q7Vd2mXr0bN5sK8wYc1ZaA", "Hk3pL9tQ2vW6yB0nE4rU8g"));
        publish(serde.envelope(share, "link-api", String.valueOf(share.shareId()), Instant.now()));

        for (MimeMessage mail : awaitMails(share, 2)) {
            boolean ida =
                    mail.getRecipients(Message.RecipientType.TO)[0].toString().equals("ida@mail.test");
            String own = ida ? "q7Vd2mXr0bN5sK8wYc1ZaA" : "Hk3pL9tQ2vW6yB0nE4rU8g";
            String other = ida ? "Hk3pL9tQ2vW6yB0nE4rU8g" : "q7Vd2mXr0bN5sK8wYc1ZaA";
            String link = "http://redirector.test/api/v2/shareable_links/key-" + share.shareId();
            assertThat(part(mail, "text/plain"))
                    .contains(link + "-a?ref=" + own, link + "-b?ref=" + own)
                    .doesNotContain(other);
            assertThat(part(mail, "text/html"))
                    .contains("<a href=\"" + link + "-a?ref=" + own + "\" aria-label=")
                    .doesNotContain(other);
        }
    }

    @Test
    void whenOneShareHasSeveralRecipientsThenTheirMailsGoOverOneSmtpConnection() {
        ShareRequested share = share(List.of("kim@mail.test", "lee@mail.test", "max@mail.test"), null);
        publish(serde.envelope(share, "link-api", String.valueOf(share.shareId()), Instant.now()));

        awaitMails(share, 3);
        assertThat(MailerTestServers.receivedOf(share))
                .extracting(SmtpServer.ReceivedMail::connection)
                .hasSize(3)
                .containsOnly(MailerTestServers.receivedOf(share).get(0).connection());
    }

    @Test
    void whenTheServerClosedTheKeptConnectionThenTheNextMailGoesOverANewOneAtOnce() {
        ShareRequested before = share(List.of("nora@mail.test"), null);
        publish(serde.envelope(before, "link-api", String.valueOf(before.shareId()), Instant.now()));
        awaitMails(before, 1);
        // a restart closes every connection the server had, as a server restarting or timing a client out does
        SharedServers.smtp().stop();
        SharedServers.smtp().start();
        double retriedBefore =
                meters.counter("sharelinks.mails", "outcome", "retried").count();

        ShareRequested after = share(List.of("otto@mail.test"), null);
        publish(serde.envelope(after, "link-api", String.valueOf(after.shareId()), Instant.now()));

        awaitMails(after, 1);
        assertThat(MailerTestServers.receivedOf(after).get(0).connection())
                .isNotEqualTo(MailerTestServers.receivedOf(before).get(0).connection());
        // sent again on a new connection by the mailer itself, not after a failed attempt and the retry back-off
        assertThat(meters.counter("sharelinks.mails", "outcome", "retried").count())
                .isEqualTo(retriedBefore);
        assertThat(mailsOf(after)).hasSize(1);
    }

    @Test
    void whenTheSameEventIsDeliveredAgainThenNoMailIsSentTwice() {
        ShareRequested share = share(List.of("carol@mail.test", "dan@mail.test"), null);
        EventEnvelope<ShareRequested> event =
                serde.envelope(share, "link-api", String.valueOf(share.shareId()), Instant.now());
        publish(event);
        awaitMails(share, 2);

        publish(event);
        publish(event);
        ShareRequested marker = share(List.of("marker@mail.test"), null);
        publish(serde.envelope(marker, "link-api", String.valueOf(marker.shareId()), Instant.now()));
        awaitMails(marker, 1);

        assertThat(mailsOf(share)).hasSize(2);
    }

    @Test
    void whenTheSmtpServerIsDownThenMailsWaitAndArriveOnceWhenItIsBack() throws Exception {
        SmtpServer smtp = SharedServers.smtp();
        smtp.stop();
        ShareRequested share = share(List.of("erin@mail.test", "frank@mail.test"), "while down");
        try {
            publish(serde.envelope(share, "link-api", String.valueOf(share.shareId()), Instant.now()));
            // the mailer is retrying against a closed port; give it a few attempts
            await().pollDelay(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> true);
        } finally {
            smtp.start();
        }

        assertThat(awaitMails(share, 2)).hasSize(2);
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
        assertThat(mailsOf(share)).hasSize(2);
        assertThat(SharedServers.postgres()
                        .query(
                                DATABASE,
                                "SELECT count(*) FROM mailer.deliveries WHERE share_id = " + share.shareId()
                                        + " AND status = 'SENT'"))
                .isEqualTo("2");
    }

    @Test
    void whenTheServerRefusesARecipientForGoodThenItIsRecordedAndDeadLetteredNotRetried() throws Exception {
        String ghost = "ghost-" + SHARE_IDS.incrementAndGet() + "@nowhere" + SmtpServer.REFUSED_DOMAIN;
        ShareRequested share = share(List.of(ghost, "gina@mail.test"), null);
        publish(serde.envelope(share, "link-api", String.valueOf(share.shareId()), Instant.now()));

        assertThat(awaitMails(share, 1))
                .extracting(m -> m.getRecipients(Message.RecipientType.TO)[0].toString())
                .containsExactly("gina@mail.test");
        var dead = TopicReader.readUntil(
                SharedServers.kafka().bootstrapServers(),
                Topics.deadLetterOf(Topics.SHARES),
                seen -> seen.stream()
                        .anyMatch(r -> String.valueOf(share.shareId()).equals(r.key())),
                Duration.ofSeconds(30));
        assertThat(dead)
                .filteredOn(r -> String.valueOf(share.shareId()).equals(r.key()))
                .singleElement()
                .satisfies(r -> assertThat(new String(
                                r.headers()
                                        .lastHeader("kafka_dlt-exception-message")
                                        .value(),
                                StandardCharsets.UTF_8))
                        .contains(ghost, "for good"));
        assertThat(SharedServers.postgres()
                        .query(
                                DATABASE,
                                "SELECT status || ' ' || failure FROM mailer.deliveries" + " WHERE recipient = '"
                                        + ghost + "'"))
                .startsWith("FAILED 550 5.1.1");
        assertThat(SharedServers.postgres()
                        .query(
                                DATABASE,
                                "SELECT status FROM mailer.deliveries" + " WHERE share_id = " + share.shareId()
                                        + " AND recipient = 'gina@mail.test'"))
                .isEqualTo("SENT");

        // the consumer moved on (a later share is mailed) and never asked the server about the address again,
        // although the test's back-off (at most 1 s) would have retried it several times by now
        ShareRequested marker = share(List.of("marker-after-refusal@mail.test"), null);
        publish(serde.envelope(marker, "link-api", String.valueOf(marker.shareId()), Instant.now()));
        awaitMails(marker, 1);
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
        assertThat(SharedServers.smtp().refusedRecipients())
                .filteredOn(ghost::equals)
                .hasSize(1);
        assertThat(SharedServers.postgres()
                        .query(DATABASE, "SELECT count(*) FROM mailer.deliveries WHERE share_id = " + share.shareId()))
                .isEqualTo("2");
    }

    @Test
    void eachRecipientsOutcomeIsPublishedOnceAndTheMailerIgnoresItWhenItReadsItBack() {
        String ghost = "ghost-" + SHARE_IDS.incrementAndGet() + "@nowhere" + SmtpServer.REFUSED_DOMAIN;
        ShareRequested plain = share(List.of("pia@mail.test", ghost), null);
        ShareRequested share = new ShareRequested(
                plain.shareId(),
                5,
                plain.recipients(),
                null,
                plain.links(),
                List.of("cGlhLXJlZmVyZW5jZS0wMQ", "Z2hvc3QtcmVmZXJlbmNlMQ"));
        String key = String.valueOf(share.shareId());
        EventEnvelope<ShareRequested> requested = serde.envelope(share, "link-api", key, Instant.now());
        publish(requested);

        List<EventEnvelope<?>> outcomes = outcomesOf(key, 2);
        assertThat(outcomes).hasSize(2).allSatisfy(outcome -> {
            assertThat(outcome.subject()).isEqualTo(key);
            assertThat(outcome.source()).isEqualTo("mailer-service");
        });
        List<Object> data =
                outcomes.stream().map(outcome -> (Object) outcome.data()).toList();
        assertThat(data)
                .filteredOn(ShareMailDelivered.class::isInstance)
                .containsExactly(new ShareMailDelivered(
                        share.shareId(), 5, "pia@mail.test", "cGlhLXJlZmVyZW5jZS0wMQ", List.of(1L, 2L)));
        assertThat(data)
                .filteredOn(ShareMailFailed.class::isInstance)
                .singleElement()
                .isInstanceOfSatisfying(ShareMailFailed.class, failed -> {
                    assertThat(failed.reason()).startsWith("550 5.1.1");
                    assertThat(failed)
                            .isEqualTo(new ShareMailFailed(
                                    share.shareId(),
                                    5,
                                    ghost,
                                    "Z2hvc3QtcmVmZXJlbmNlMQ",
                                    failed.reason(),
                                    List.of(1L, 2L)));
                });

        // the request again, then another under the same key: one partition, so once the latter's outcome is out,
        // the mailer has handled the outcome events it read back and the redelivery, and the relay has published
        // anything they appended
        publish(requested);
        ShareRequested after =
                new ShareRequested(share.shareId(), 5, List.of("pia-after@mail.test"), null, share.links());
        publish(serde.envelope(after, "link-api", key, Instant.now()));
        assertThat(outcomesOf(key, 3))
                .hasSize(3)
                .last()
                .extracting(outcome -> (Object) outcome.data())
                .isEqualTo(new ShareMailDelivered(share.shareId(), 5, "pia-after@mail.test", null, List.of(1L, 2L)));
        assertThat(mailsOf(share)).hasSize(1);
        // dead-lettered: the request for its refused recipient, first time and redelivered; no outcome event
        var dead = TopicReader.readUntil(
                SharedServers.kafka().bootstrapServers(),
                Topics.deadLetterOf(Topics.SHARES),
                seen -> seen.stream().filter(r -> key.equals(r.key())).count() >= 2,
                Duration.ofSeconds(30));
        assertThat(dead)
                .filteredOn(r -> key.equals(r.key()))
                .hasSize(2)
                .allSatisfy(r -> assertThat(serde.read(r.value()).eventId()).isEqualTo(requested.eventId()));
    }

    /** The events on the shares topic under this key that are not share requests, once there are {@code expected}. */
    private List<EventEnvelope<?>> outcomesOf(String key, int expected) {
        List<EventEnvelope<?>> outcomes = new ArrayList<>();
        TopicReader.readUntil(
                SharedServers.kafka().bootstrapServers(),
                Topics.SHARES,
                seen -> {
                    outcomes.clear();
                    seen.stream()
                            .filter(r -> key.equals(r.key()))
                            .map(r -> serde.read(r.value()))
                            .filter(event -> !(event.data() instanceof ShareRequested))
                            .forEach(outcomes::add);
                    return outcomes.size() >= expected;
                },
                Duration.ofSeconds(30));
        return outcomes;
    }

    @Test
    void whenAShareCarriesLineBreaksThenNoHeaderCanBeInjectedAndABrokenRecipientIsRefused() throws Exception {
        String injection = "\r\nBcc: stowaway@evil.test\r\nSubject: pwned\r\n\r\nfake body";
        long id = SHARE_IDS.incrementAndGet();
        String broken = "ivan@mail.test\r\nBcc: stowaway-rcpt@evil.test";
        ShareRequested share = new ShareRequested(
                id,
                1,
                List.of("hana@mail.test", broken),
                "Hi" + injection,
                List.of(new ShareRequested.SharedLink(
                        1,
                        "http://redirector.test/k-" + id + injection,
                        "report" + injection + ".pdf",
                        Instant.parse("2099-01-02T00:00:00Z"))));
        publish(serde.envelope(share, "link-api", String.valueOf(id), Instant.now()));

        var dead = TopicReader.readUntil(
                SharedServers.kafka().bootstrapServers(),
                Topics.deadLetterOf(Topics.SHARES),
                seen -> seen.stream().anyMatch(r -> String.valueOf(id).equals(r.key())),
                Duration.ofSeconds(30));
        assertThat(dead).filteredOn(r -> String.valueOf(id).equals(r.key())).hasSize(1);
        MimeMessage mail = awaitMails(share, 1).get(0);
        assertThat(mail.getAllRecipients()).extracting(Object::toString).containsExactly("hana@mail.test");
        assertThat(mail.getHeader("Bcc")).isNull();
        assertThat(mail.getHeader("Subject")).containsExactly("Files have been shared with you");
        assertThat(part(mail, "text/plain")).contains("Hi\r\nBcc: stowaway@evil.test", "fake body");
        assertThat(SharedServers.smtp().receivedRecipients())
                .noneMatch(to -> to.contains("evil.test"))
                .doesNotContain("ivan@mail.test");
        assertThat(SharedServers.postgres()
                        .query(
                                DATABASE,
                                "SELECT status || ' ' || failure FROM mailer.deliveries" + " WHERE share_id = " + id
                                        + " AND recipient <> 'hana@mail.test'"))
                .isEqualTo("FAILED not one e-mail address");
    }

    @Test
    void whenARecordIsNotAShareEventThenItGoesToTheDeadLetterTopic() {
        MailerTestServers.send("poison-share", "[]".getBytes(StandardCharsets.UTF_8));

        var dead = TopicReader.readUntil(
                SharedServers.kafka().bootstrapServers(),
                Topics.deadLetterOf(Topics.SHARES),
                seen -> seen.stream().anyMatch(r -> "poison-share".equals(r.key())),
                Duration.ofSeconds(30));
        assertThat(dead).anySatisfy(r -> assertThat(r.key()).isEqualTo("poison-share"));
    }

    /** A share as link-api writes it: its links' URLs sealed. */
    private static ShareRequested share(List<String> recipients, String message) {
        long id = SHARE_IDS.incrementAndGet();
        return new ShareRequested(
                id,
                1,
                recipients,
                message,
                List.of(
                        ShareRequested.SharedLink.sealed(
                                1,
                                MailerTestServers.LINK_SEALER.seal(
                                        "http://redirector.test/api/v2/shareable_links/key-" + id + "-a"),
                                "report.pdf",
                                Instant.parse("2099-01-02T00:00:00Z"),
                                null),
                        ShareRequested.SharedLink.sealed(
                                2,
                                MailerTestServers.LINK_SEALER.seal(
                                        "http://redirector.test/api/v2/shareable_links/key-" + id + "-b"),
                                "Résumé.pdf",
                                Instant.parse("2099-01-02T00:00:00Z"),
                                null)));
    }

    private static SmtpServer.ReceivedMail awaitReceived(ShareRequested share) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !MailerTestServers.receivedOf(share).isEmpty());
        return MailerTestServers.receivedOf(share).get(0);
    }

    private List<MimeMessage> awaitMails(ShareRequested share, int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> mailsOf(share).size() >= count);
        return mailsOf(share);
    }

    /** The mails of one share: each test shares to recipients of its own. */
    private static List<MimeMessage> mailsOf(ShareRequested share) {
        return MailerTestServers.receivedOf(share).stream()
                .map(SmtpServer.ReceivedMail::message)
                .toList();
    }

    private static String part(MimeMessage mail, String type) throws Exception {
        return find((Multipart) mail.getContent(), type);
    }

    private static String find(Multipart multipart, String type) throws Exception {
        for (int i = 0; i < multipart.getCount(); i++) {
            var part = multipart.getBodyPart(i);
            if (part.isMimeType(type)) {
                return (String) part.getContent();
            }
            if (part.getContent() instanceof Multipart nested) {
                String found = find(nested, type);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private void publish(EventEnvelope<ShareRequested> event) {
        MailerTestServers.send(event.subject(), serde.serialize(event));
    }
}
