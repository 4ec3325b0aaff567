package dev.sharelinks.mailer.delivery;

import dev.sharelinks.events.EventEnvelope;
import dev.sharelinks.events.EventSerde;
import dev.sharelinks.events.ShareMailDelivered;
import dev.sharelinks.events.ShareMailFailed;
import dev.sharelinks.events.ShareRequested;
import dev.sharelinks.events.Topics;
import dev.sharelinks.messaging.outbox.Outbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.activation.FileTypeMap;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Mails each recipient of a ShareRequested event once. A recipient is logged right after the SMTP server took
 * its mail, so a redelivered event skips it. If the server is away the listener fails, and the container's
 * error handler retries the event with back-off until the server takes it: nothing is lost, and the recipients
 * already served are not mailed again. A recipient the server refuses for good is logged as failed and not retried;
 * once the others are served, the event goes to the dead-letter topic saying whom the server refused. Each
 * recipient's outcome is published as an event, with its settlement.
 */
@Component
class ShareMailer {

    private static final Logger log = LoggerFactory.getLogger(ShareMailer.class);
    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    private final SmtpConnections smtp;
    private final DeliveryLog deliveries;
    private final Outbox outbox;
    private final TransactionalOperator transactions;
    private final EventSerde serde;
    private final MailerProperties properties;
    private final ShareMail mail;
    private final ShareUrls urls;
    /** Composes messages only; the SMTP connections' own session sends them. */
    private final Session session = Session.getInstance(new Properties());

    private final Counter sent;
    private final Counter refusedForGood;
    private final Counter failedForNow;

    ShareMailer(
            SmtpConnections smtp,
            DeliveryLog deliveries,
            Outbox outbox,
            ReactiveTransactionManager transactions,
            EventSerde serde,
            MailerProperties properties,
            ShareMail mail,
            ShareUrls urls,
            MeterRegistry meters) {
        this.mail = mail;
        this.urls = urls;
        this.smtp = smtp;
        this.deliveries = deliveries;
        this.outbox = outbox;
        this.transactions = TransactionalOperator.create(transactions);
        this.serde = serde;
        this.properties = properties;
        this.sent = mails(meters, "sent", "mails the SMTP server accepted");
        this.refusedForGood = mails(meters, "refused", "recipients refused for good: logged FAILED, dead-lettered");
        this.failedForNow = mails(meters, "retried", "sends that failed for now (server away): retried with back-off");
    }

    private static Counter mails(MeterRegistry meters, String outcome, String description) {
        return Counter.builder("sharelinks.mails")
                .tag("outcome", outcome)
                .description(description)
                .register(meters);
    }

    // Mails to different shares go out in parallel, one consumer per partition at most: an SMTP exchange is mostly
    // waiting, so one at a time would leave the mailer idle (docs/performance.md)
    @KafkaListener(topics = Topics.SHARES, groupId = "mailer-service", concurrency = "${MAILER_CONSUMERS:3}")
    void on(ConsumerRecord<String, byte[]> record) throws MessagingException {
        EventEnvelope<?> read = serde.read(record.value());
        // the topic also carries this service's own outcome events, which ask for nothing
        if (!(read.data() instanceof ShareRequested share)) {
            return;
        }
        @SuppressWarnings("unchecked")
        EventEnvelope<ShareRequested> event = (EventEnvelope<ShareRequested>) read;
        ShareRequested opened;
        try {
            opened = urls.opened(share);
        } catch (IllegalArgumentException e) {
            // a key missing from LINK_SEALING_KEYS: retried with back-off, like a server that is away, so the mails
            // go out once the key is listed again rather than being lost
            throw new IllegalStateException(
                    "share " + share.shareId() + ": cannot open its links' URLs: " + e.getMessage(), e);
        }
        // collectMap emits a map, empty before any delivery of this share
        Map<String, Delivery> settled = Objects.requireNonNull(
                deliveries.settled(event.eventId()).block(STATEMENT_TIMEOUT), "settled deliveries");
        List<String> refused = new ArrayList<>();
        for (int position = 0; position < share.recipients().size(); position++) {
            String recipient = share.recipients().get(position);
            Delivery delivery = settled.get(recipient);
            if (delivery == Delivery.FAILED) {
                refused.add(recipient);
            }
            if (delivery != null) {
                continue;
            }
            InternetAddress address;
            try {
                address = singleAddress(recipient);
            } catch (AddressException e) {
                // link-api never lets such a recipient through; an event from elsewhere (a replay, another
                // producer) still must not loop or reach a header, so it is refused as a server would refuse it
                log.warn(
                        "share {} names a recipient that is not one e-mail address: {}",
                        share.shareId(),
                        e.getMessage());
                settle(event, position, Delivery.FAILED, "not one e-mail address");
                refusedForGood.increment();
                refused.add(recipient);
                continue;
            }
            try {
                smtp.send(compose(event.eventId(), opened, address, share.recipientRef(position)));
                sent.increment();
                settle(event, position, Delivery.SENT, null);
                // no address in the log: the delivery log has it. The line carries the share request's traceId
                log.info(
                        "share {}: mail {} of {} accepted by the SMTP server",
                        share.shareId(),
                        position + 1,
                        share.recipients().size());
            } catch (MessagingException e) {
                Optional<String> refusal = refusedForGood(e);
                if (refusal.isEmpty()) {
                    log.warn(
                            "could not mail share {} to {}, will retry: {}",
                            share.shareId(),
                            recipient,
                            NestedExceptionUtils.getMostSpecificCause(e).toString());
                    failedForNow.increment();
                    throw e;
                }
                log.warn("SMTP server refused {} for share {} for good: {}", recipient, share.shareId(), refusal.get());
                settle(event, position, Delivery.FAILED, refusal.get());
                refusedForGood.increment();
                refused.add(recipient);
            }
        }
        // a redelivery (say, after the dead-letter publish itself failed) finds the refusals in the log and
        // dead-letters the event again rather than dropping the news
        if (!refused.isEmpty()) {
            throw new RecipientsRefused(share.shareId(), refused);
        }
    }

    /**
     * Logs the recipient settled and publishes the outcome, in one transaction: the event goes out exactly when the
     * log says the recipient is done, and a redelivered share, finding it logged, publishes nothing again.
     */
    private void settle(EventEnvelope<ShareRequested> event, int position, Delivery status, @Nullable String reason) {
        ShareRequested share = event.data();
        String recipient = share.recipients().get(position);
        List<Long> linkIds =
                share.links().stream().map(ShareRequested.SharedLink::linkId).toList();
        Object outcome = status == Delivery.SENT
                ? new ShareMailDelivered(
                        share.shareId(), share.accountId(), recipient, share.recipientRef(position), linkIds)
                : new ShareMailFailed(
                        share.shareId(),
                        share.accountId(),
                        recipient,
                        share.recipientRef(position),
                        String.valueOf(reason),
                        linkIds);
        deliveries
                .record(event.eventId(), share.shareId(), recipient, status, reason)
                .filter(Boolean::booleanValue)
                .flatMap(recorded -> outbox.append(outcome, String.valueOf(share.shareId())))
                .as(transactions::transactional)
                .block(STATEMENT_TIMEOUT);
    }

    /**
     * The recipient as exactly one plain address, or an AddressException: strict parsing refuses groups, lists and
     * anything with a line break, and the comparison refuses a display name or comment around the address.
     */
    private static InternetAddress singleAddress(String recipient) throws AddressException {
        InternetAddress address = new InternetAddress(recipient, true);
        if (!recipient.equals(address.getAddress())) {
            throw new AddressException("not a plain address", recipient);
        }
        return address;
    }

    private MimeMessage compose(
            UUID eventId, ShareRequested share, InternetAddress recipient, @Nullable String recipientRef)
            throws MessagingException {
        MimeMessage message = new StableIdMessage(session, eventId, recipient.getAddress());
        MimeMessageHelper helper = new ShareMailHelper(message);
        InternetAddress from = new InternetAddress(properties.from());
        if (share.sender() != null) {
            // the account's name as who it is from; the address stays the service's own, which SPF and DKIM cover
            try {
                from = new InternetAddress(
                        from.getAddress(),
                        ShareMail.oneLine(share.sender().accountName()),
                        StandardCharsets.UTF_8.name());
            } catch (UnsupportedEncodingException e) {
                throw new IllegalStateException("UTF-8 is in every JDK", e);
            }
        }
        helper.setFrom(from);
        String replyTo = ShareMail.replyTo(share);
        if (replyTo != null) {
            try {
                helper.setReplyTo(singleAddress(replyTo));
            } catch (AddressException e) {
                // link-api lets only plain addresses through; one from elsewhere is left out rather than risked
                log.warn("share {} names a reply-to that is not one e-mail address", share.shareId());
            }
        }
        // one address per mail: recipients never see each other. From the event, only names on one line (encoded by
        // JavaMail) and plain addresses reach a header; the message, filenames and URLs go into the bodies only
        helper.setTo(recipient);
        helper.setSubject(mail.subject(share));
        helper.setText(
                mail.text(share, recipient.getAddress(), recipientRef),
                mail.html(share, recipient.getAddress(), recipientRef));
        return message;
    }

    /**
     * The server's answer when it refused the recipient address with a 5xx (JavaMail lists the address as invalid):
     * trying again will not help. Empty for anything else, which is worth retrying.
     */
    private static Optional<String> refusedForGood(MessagingException failure) {
        if (!SmtpConnections.refusedRecipients(failure)) {
            return Optional.empty();
        }
        // the SMTP reply (say "550 5.1.1 <x@y>: mailbox unavailable") is in the nested exception
        Exception reply = failure.getNextException();
        return Optional.of(String.valueOf(reply != null ? reply.getMessage() : failure.getMessage())
                .strip());
    }

    /**
     * A {@code MimeMessageHelper} that builds no file type map of its own: the plain one reads Spring's
     * {@code mime.types} from its jar for every message it is given (only the messages a {@code JavaMailSenderImpl}
     * made share one), which was a quarter of the mailer's CPU at 50 mails a second. Share mails carry no
     * attachments, the only thing the map types; Jakarta Activation's default map, built once, stands in.
     */
    private static final class ShareMailHelper extends MimeMessageHelper {

        ShareMailHelper(MimeMessage message) throws MessagingException {
            super(message, true, StandardCharsets.UTF_8.name());
        }

        @Override
        protected FileTypeMap getDefaultFileTypeMap(MimeMessage message) {
            return FileTypeMap.getDefaultFileTypeMap();
        }
    }
}
