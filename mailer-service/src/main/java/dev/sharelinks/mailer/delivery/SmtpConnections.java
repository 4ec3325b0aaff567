package dev.sharelinks.mailer.delivery;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.util.Date;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Sends mails over SMTP connections that are kept open between mails. Spring's {@code JavaMailSender} opens a
 * connection (TCP, greeting, EHLO, and STARTTLS and AUTH where configured) for every {@code send} call and closes
 * it after: three of the seven round trips of a one-recipient mail (what keeping them saves is in
 * docs/performance.md). The session and the server's address, port and credentials are still Spring Boot's
 * ({@code spring.mail.*}, the auto-configured {@link JavaMailSenderImpl}).
 * <p>
 * Each listener thread takes a connection for one mail and gives it back, so there are at most as many as there
 * are consumers. A connection is closed instead of reused once it has been idle for
 * {@link MailerProperties#smtpIdleTimeout()} (servers close idle ones on their side) or has carried
 * {@link MailerProperties#smtpMessagesPerConnection()} mails (servers cap that too). A mail that fails on a reused
 * connection, for any reason but a refused recipient, is sent once more on a new one: the server may have dropped
 * the connection while it was idle, which only shows when it is used. (If instead the server took the mail and
 * its answer was lost, the mail goes twice, as it would after the listener's retry: with the same Message-ID.)
 */
@Component
class SmtpConnections implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmtpConnections.class);

    private final JavaMailSenderImpl sender;
    private final DkimSigning dkim;
    private final MailerProperties properties;
    private final Deque<Kept> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    SmtpConnections(JavaMailSenderImpl sender, MailerProperties properties, DkimSigning dkim) {
        this.sender = sender;
        this.properties = properties;
        this.dkim = dkim;
    }

    /**
     * Sends the mail to its recipients, DKIM-signed when a key is configured ({@link DkimSigning}). A
     * {@link SendFailedException} whose invalid addresses are set means the server refused them; any other
     * {@link MessagingException} means the mail was not sent for now.
     */
    void send(MimeMessage composed) throws MessagingException {
        prepare(composed);
        MimeMessage message = dkim.sign(composed);
        Kept reused = takeIdle();
        if (reused != null) {
            try {
                sendOn(reused, message);
                return;
            } catch (MessagingException failure) {
                if (refusedRecipients(failure)) {
                    throw failure;
                }
                log.debug("SMTP connection failed on reuse, sending on a new one: {}", failure.toString());
            }
        }
        sendOn(open(), message);
    }

    private void sendOn(Kept connection, MimeMessage message) throws MessagingException {
        Address[] recipients = message.getAllRecipients();
        try {
            connection.transport().sendMessage(message, recipients != null ? recipients : new Address[0]);
        } catch (MessagingException failure) {
            // a refused recipient leaves the conversation usable (the transport resets it); anything else may not
            if (refusedRecipients(failure)) {
                giveBack(connection.used());
            } else {
                close(connection);
            }
            throw failure;
        } catch (RuntimeException failure) {
            close(connection);
            throw failure;
        }
        giveBack(connection.used());
    }

    /**
     * What {@code JavaMailSenderImpl} does before sending: a date, and the headers brought up to date (the mailer's
     * messages set their own stable Message-ID there, {@link StableIdMessage}).
     */
    @SuppressWarnings("JavaUtilDate") // Jakarta Mail's sent date is a Date
    private static void prepare(MimeMessage message) throws MessagingException {
        if (message.getSentDate() == null) {
            message.setSentDate(new Date());
        }
        message.saveChanges();
    }

    /** Whether the server refused the recipients (their addresses listed as invalid): trying again will not help. */
    static boolean refusedRecipients(MessagingException failure) {
        return failure instanceof SendFailedException refused
                && refused.getInvalidAddresses() != null
                && refused.getInvalidAddresses().length > 0;
    }

    /** The most recently used idle connection that may still be used; the stale ones met on the way are closed. */
    private @Nullable Kept takeIdle() {
        for (Kept kept; (kept = idle.pollFirst()) != null; ) {
            if (System.nanoTime() - kept.idleSince()
                    < properties.smtpIdleTimeout().toNanos()) {
                return kept;
            }
            close(kept);
        }
        return null;
    }

    private void giveBack(Kept connection) {
        if (closed || connection.messages() >= properties.smtpMessagesPerConnection()) {
            close(connection);
            return;
        }
        idle.offerFirst(connection);
        if (closed) {
            // close() ran between the check and the offer
            close();
        }
    }

    private Kept open() throws MessagingException {
        String protocol = sender.getProtocol() != null ? sender.getProtocol() : "smtp";
        Transport transport = sender.getSession().getTransport(protocol);
        // as JavaMailSenderImpl does: an empty user name means no authentication
        String username = StringUtils.hasLength(sender.getUsername()) ? sender.getUsername() : null;
        String password = username != null ? sender.getPassword() : null;
        transport.connect(sender.getHost(), sender.getPort(), username, password);
        return new Kept(transport, 0, System.nanoTime());
    }

    private static void close(Kept connection) {
        try {
            connection.transport().close();
        } catch (MessagingException | RuntimeException e) {
            log.debug("closing an SMTP connection failed: {}", e.toString());
        }
    }

    /** Closes the idle connections; a connection in use is closed when given back after this. */
    @Override
    public void close() {
        closed = true;
        for (Kept kept; (kept = idle.pollFirst()) != null; ) {
            close(kept);
        }
    }

    /** An open connection, how many mails it has carried, and since when it has been idle. */
    private record Kept(Transport transport, int messages, long idleSince) {

        Kept used() {
            return new Kept(transport, messages + 1, System.nanoTime());
        }
    }
}
